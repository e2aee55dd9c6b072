package dev.convgen.processor;

import com.palantir.javapoet.ArrayTypeName;
import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.FieldSpec;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.ParameterSpec;
import com.palantir.javapoet.ParameterizedTypeName;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.TypeSpec;
import dev.convgen.runtime.ConvGeometry;
import javax.lang.model.element.Modifier;

/**
 * The parts every generated kernel class shares: the {@code GEOMETRY} constant, weight and bias
 * fields filled by the constructor, the {@code ConvKernel} accessors, and the checks at the top of
 * {@code forward}. The family emitters add the computing methods.
 */
final class KernelClassWriter {

  static final String RUNTIME = "dev.convgen.runtime";
  static final ClassName CONV_KERNEL = ClassName.get(RUNTIME, "ConvKernel");
  static final ClassName CONV_GEOMETRY = ClassName.get(RUNTIME, "ConvGeometry");
  static final ClassName ARGUMENTS = ClassName.get(RUNTIME, "Arguments");
  static final ClassName WEIGHT_PACKING = ClassName.get(RUNTIME, "WeightPacking");
  static final ClassName ACTIVATION = ClassName.get("dev.convgen.annotations", "Activation");
  static final ClassName KERNEL_BODY = ClassName.get(RUNTIME, "KernelBody");
  static final ClassName VECTORIZATION = ClassName.get(RUNTIME, "Vectorization");
  static final ClassName FLOAT_VECTOR = ClassName.get("jdk.incubator.vector", "FloatVector");
  static final TypeName FLOAT_SPECIES = ParameterizedTypeName.get(
      ClassName.get("jdk.incubator.vector", "VectorSpecies"), ClassName.get(Float.class));
  static final TypeName FLOATS = ArrayTypeName.of(TypeName.FLOAT);

  private KernelClassWriter() {}

  /**
   * A kernel class with constructor and accessors.
   *
   * @param packWeights expression turning the checked {@code weight} parameter into the stored
   *     array
   */
  static TypeSpec.Builder kernelClass(String simpleName, StageSpec stage, CodeBlock packWeights,
      CodeBlock javadoc, boolean simd) {
    var g = stage.geometry();
    // The factory that reproduces the validated geometry exactly (a 1-channel 1x1 depthwise spec
    // is also "pointwise", but keeps its declared dilation).
    CodeBlock geometry = g.equals(ConvGeometry.pointwise(
            g.inChannels(), g.outChannels(), g.strideH(), g.strideW()))
        ? CodeBlock.of("$T.pointwise($L, $L, $L, $L)", CONV_GEOMETRY, g.inChannels(),
            g.outChannels(), g.strideH(), g.strideW())
        : g.isDepthwise()
        ? CodeBlock.of("$T.depthwise($L, $L, $L, $L, $L, $L, $L, $L, $L, $L, $L, $L)",
            CONV_GEOMETRY, g.inChannels(), g.multiplier(), g.kernelH(), g.kernelW(),
            g.strideH(), g.strideW(), g.padTop(), g.padLeft(), g.padBottom(), g.padRight(),
            g.dilationH(), g.dilationW())
        : CodeBlock.of("new $T($L, $L, $L, $L, $L, $L, $L, $L, $L, $L, $L, $L, $L)",
            CONV_GEOMETRY, g.inChannels(), g.outChannels(), g.groups(), g.kernelH(), g.kernelW(),
            g.strideH(), g.strideW(), g.padTop(), g.padLeft(), g.padBottom(), g.padRight(),
            g.dilationH(), g.dilationW());
    TypeSpec.Builder type = TypeSpec.classBuilder(simpleName)
        .addModifiers(Modifier.PUBLIC, Modifier.FINAL)
        .addSuperinterface(CONV_KERNEL)
        .addJavadoc(javadoc)
        .addField(FieldSpec.builder(CONV_GEOMETRY, "GEOMETRY",
                Modifier.PUBLIC, Modifier.STATIC, Modifier.FINAL)
            .addJavadoc("The shape this kernel was generated for: $L.\n", g.describe())
            .initializer(geometry)
            .build())
        .addField(FieldSpec.builder(FLOATS, "weight", Modifier.PRIVATE, Modifier.FINAL).build());
    MethodSpec.Builder constructor = MethodSpec.constructorBuilder()
        .addModifiers(Modifier.PUBLIC)
        .addJavadoc("Copies and packs the weights; the arrays are not retained.\n\n")
        .addJavadoc("@param weight PyTorch layout $L\n", g.weightShape())
        .addParameter(ParameterSpec.builder(FLOATS, "weight").build())
        .addStatement("$T.checkWeights(GEOMETRY, weight)", ARGUMENTS)
        .addStatement("this.weight = $L", packWeights);
    if (stage.bias()) {
      type.addField(FieldSpec.builder(FLOATS, "bias", Modifier.PRIVATE, Modifier.FINAL).build());
      constructor.addJavadoc("@param bias $L floats, one per output channel\n", g.outChannels())
          .addParameter(FLOATS, "bias")
          .addStatement("this.bias = $T.checkBias(GEOMETRY, bias).clone()", ARGUMENTS);
    }
    if (simd) {
      type.addField(FieldSpec.builder(KERNEL_BODY, "simd", Modifier.PRIVATE, Modifier.FINAL)
          .addJavadoc("The SIMD implementation, or null to run the scalar code.\n").build());
      constructor.addStatement("this.simd = $T.enabled() ? new Simd() : null", VECTORIZATION);
    }
    return type.addMethod(constructor.build())
        .addMethod(MethodSpec.methodBuilder("geometry")
            .addAnnotation(Override.class).addModifiers(Modifier.PUBLIC)
            .returns(CONV_GEOMETRY).addStatement("return GEOMETRY").build())
        .addMethod(MethodSpec.methodBuilder("hasBias")
            .addAnnotation(Override.class).addModifiers(Modifier.PUBLIC)
            .returns(TypeName.BOOLEAN).addStatement("return $L", stage.bias()).build())
        .addMethod(MethodSpec.methodBuilder("activation")
            .addAnnotation(Override.class).addModifiers(Modifier.PUBLIC)
            .returns(ACTIVATION).addStatement("return $T.$L", ACTIVATION, stage.activation())
            .build());
  }

  /**
   * {@code workUnits()} returning {@code units}, and the {@code forwardUnits} signature with its
   * argument checks and the SIMD dispatch; the caller adds the scalar body.
   */
  static MethodSpec.Builder forwardUnitsMethod(
      TypeSpec.Builder type, StageSpec stage, boolean simd, int units, String unitName) {
    type.addMethod(MethodSpec.methodBuilder("workUnits")
        .addJavadoc("$L per image.\n", unitName)
        .addAnnotation(Override.class).addModifiers(Modifier.PUBLIC)
        .addParameter(TypeName.INT, "batch")
        .returns(TypeName.INT)
        .addStatement("return $T.workUnits(batch, $L)", ARGUMENTS, units).build());
    MethodSpec.Builder forward = unitsSignature("forwardUnits");
    if (stage.fixedSize()) {
      forward.addStatement("$T.checkFixedSize($S, height, $L)", ARGUMENTS, "height", stage.height())
          .addStatement("$T.checkFixedSize($S, width, $L)", ARGUMENTS, "width", stage.width());
    }
    forward.addStatement(
            "$T.checkForward(GEOMETRY, input, batch, height, width, output)", ARGUMENTS)
        .addStatement("$T.checkUnits(fromUnit, toUnit, workUnits(batch))", ARGUMENTS);
    if (simd) {
      forward.beginControlFlow("if (simd != null)")
          .addStatement("simd.run(input, batch, height, width, output, fromUnit, toUnit)")
          .addStatement("return")
          .endControlFlow();
    }
    return forward;
  }

  /**
   * Opens the loop over the images that work units {@code [fromUnit, toUnit)} touch, with
   * {@code first} and {@code last} the unit range within image {@code n}; the caller closes it.
   */
  static CodeBlock.Builder imageLoop(CodeBlock.Builder code, int unitsPerImage) {
    return code.beginControlFlow("for (int n = fromUnit / $L; n < batch && n * $L < toUnit; n++)",
            unitsPerImage, unitsPerImage)
        .addStatement("int first = Math.max(fromUnit - n * $L, 0)", unitsPerImage)
        .addStatement("int last = Math.min(toUnit - n * $L, $L)", unitsPerImage, unitsPerImage);
  }

  /**
   * The inner class holding the SIMD implementation: only it names {@code jdk.incubator.vector}
   * types, so the kernel class links without that module.
   */
  static TypeSpec.Builder simdClass() {
    return TypeSpec.classBuilder("Simd")
        .addModifiers(Modifier.PRIVATE, Modifier.FINAL)
        .addSuperinterface(KERNEL_BODY)
        .addJavadoc("SIMD implementation with 256-bit vectors of 8 floats.\n")
        .addField(FieldSpec.builder(FLOAT_SPECIES, "F", Modifier.PRIVATE, Modifier.STATIC,
            Modifier.FINAL).initializer("$T.SPECIES_256", FLOAT_VECTOR).build());
  }

  /** The {@code run} method of {@link #simdClass()}, loops to be added. */
  static MethodSpec.Builder simdRun() {
    return unitsSignature("run");
  }

  /** {@code public void name(input, batch, height, width, output, fromUnit, toUnit)}. */
  private static MethodSpec.Builder unitsSignature(String name) {
    return MethodSpec.methodBuilder(name)
        .addAnnotation(Override.class)
        .addModifiers(Modifier.PUBLIC)
        .addParameter(FLOATS, "input")
        .addParameter(TypeName.INT, "batch")
        .addParameter(TypeName.INT, "height")
        .addParameter(TypeName.INT, "width")
        .addParameter(FLOATS, "output")
        .addParameter(TypeName.INT, "fromUnit")
        .addParameter(TypeName.INT, "toUnit");
  }
}
