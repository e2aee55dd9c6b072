package dev.convgen.processor.emit;

import static dev.convgen.processor.emit.RuntimeTypes.ACTIVATION;
import static dev.convgen.processor.emit.RuntimeTypes.ARGUMENTS;
import static dev.convgen.processor.emit.RuntimeTypes.CONV_GEOMETRY;
import static dev.convgen.processor.emit.RuntimeTypes.FLOATS;
import static dev.convgen.processor.emit.RuntimeTypes.FLOAT_SPECIES;
import static dev.convgen.processor.emit.RuntimeTypes.FLOAT_VECTOR;
import static dev.convgen.processor.emit.RuntimeTypes.IMAGE_KERNEL;
import static dev.convgen.processor.emit.RuntimeTypes.NHWC_KERNEL;
import static dev.convgen.processor.emit.RuntimeTypes.NHWC_KERNELS;
import static dev.convgen.processor.emit.RuntimeTypes.UNIT_KERNEL;
import static dev.convgen.processor.emit.RuntimeTypes.VECTORIZATION;
import static dev.convgen.processor.emit.RuntimeTypes.WEIGHTS_ON_DEMAND;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.FieldSpec;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.TypeSpec;
import dev.convgen.processor.model.StageSpec;
import dev.convgen.processor.plan.KernelPlan;
import dev.convgen.processor.plan.Layout;
import dev.convgen.processor.plan.VectorShape;
import dev.convgen.runtime.ConvGeometry;
import javax.lang.model.element.Modifier;

/**
 * The parts every generated kernel class shares: a {@code UnitKernel} subclass (which owns the
 * argument checks, the unit loop and the SIMD dispatch) with the {@code GEOMETRY} constant, the
 * weight and bias fields filled by the constructor, and the SIMD body's field. The family emitters
 * add the computing methods.
 */
final class KernelClassWriter {

  private KernelClassWriter() {}

  /**
   * A kernel class with its constructor.
   *
   * @param packWeights expression turning the checked {@code weight} parameter into the stored
   *     array
   */
  static TypeSpec.Builder kernelClass(String simpleName, KernelPlan plan, CodeBlock packWeights,
      CodeBlock javadoc) {
    StageSpec stage = plan.stage();
    boolean onDemand = plan.nchwWeightsOnDemand();
    TypeSpec.Builder type = classHeader(simpleName, UNIT_KERNEL, plan, javadoc,
            "The shape this kernel was generated for");
    MethodSpec.Builder constructor = weightConstructor(stage,
            "Copies and packs the weights; the arrays are not retained.")
        .addComment("geometry, bias, activation, fixed height and width (0: any), work units per"
            + " image")
        .addStatement("super(GEOMETRY, $L, $T.$L, $L, $L, $L)", stage.bias(), ACTIVATION,
            stage.activation(), stage.height(), stage.width(), plan.unitsPerImage())
        .addStatement("$T.checkWeights(GEOMETRY, weight)", ARGUMENTS);
    if (onDemand) {
      type.addField(FieldSpec.builder(WEIGHTS_ON_DEMAND, "weight", Modifier.PRIVATE,
              Modifier.FINAL)
          .addJavadoc("The weights as the NCHW code reads them: made at construction when this"
              + " JVM gives the kernel\nno NHWC body, else from the NHWC body's on the first"
              + " NCHW call (networks run NHWC only).\n")
          .build());
      type.addMethod(MethodSpec.methodBuilder("pack")
          .addJavadoc("PyTorch-layout weights as the NCHW code reads them.\n")
          .addModifiers(Modifier.PRIVATE, Modifier.STATIC)
          .returns(FLOATS)
          .addParameter(FLOATS, "weight")
          .addStatement("return $L", packWeights)
          .build());
    } else {
      type.addField(FieldSpec.builder(FLOATS, "weight", Modifier.PRIVATE, Modifier.FINAL).build());
      constructor.addStatement("this.weight = $L", packWeights);
    }
    if (stage.bias()) {
      type.addField(FieldSpec.builder(FLOATS, "bias", Modifier.PRIVATE, Modifier.FINAL).build());
      constructor.addStatement("this.bias = $T.checkBias(GEOMETRY, bias).clone()", ARGUMENTS);
    }
    if (plan.networkLayout() == Layout.NHWC) {
      type.addField(FieldSpec.builder(NHWC_KERNEL, "nhwc", Modifier.PRIVATE, Modifier.FINAL)
          .addJavadoc("The NHWC implementation networks use, or null at this width.\n").build());
      constructor.addStatement("this.nhwc = $T.create(GEOMETRY, weight, $L, $T.$L)", NHWC_KERNELS,
          stage.bias() ? "bias" : "null", ACTIVATION, stage.activation());
      if (onDemand) {
        constructor.addStatement("this.weight = new $T(weight, nhwc, $L::pack)",
            WEIGHTS_ON_DEMAND, simpleName);
      }
      type.addMethod(MethodSpec.methodBuilder("nhwc")
          .addAnnotation(Override.class)
          .addModifiers(Modifier.PROTECTED)
          .returns(NHWC_KERNEL)
          .addStatement("return nhwc")
          .build());
    }
    if (plan.nchwThroughNhwc()) {
      type.addMethod(MethodSpec.methodBuilder("nchwThroughNhwc")
          .addAnnotation(Override.class)
          .addModifiers(Modifier.PROTECTED)
          .returns(boolean.class)
          .addStatement("return true")
          .build());
    }
    if (plan.simd()) {
      type.addField(FieldSpec.builder(IMAGE_KERNEL, "simd", Modifier.PRIVATE, Modifier.FINAL)
          .addJavadoc("The SIMD implementation, or null to run the scalar code.\n").build());
      // the width the JVM prefers (or convgen.vector.bits forces), when it was planned for
      CodeBlock.Builder choice = CodeBlock.builder();
      for (VectorShape shape : plan.vectorShapes()) {
        choice.add("bits == $L ? new $L() : ", shape.bits(), simdClassName(shape));
      }
      constructor.addStatement("int bits = $T.bits()", VECTORIZATION)
          .addStatement("this.simd = $Lnull", choice.build());
      type.addMethod(MethodSpec.methodBuilder("simd")
          .addAnnotation(Override.class)
          .addModifiers(Modifier.PROTECTED)
          .returns(IMAGE_KERNEL)
          .addStatement("return simd")
          .build());
    }
    return type.addMethod(constructor.build());
  }

  /**
   * How the NCHW code reads its weights: the array, or, where they are made on demand, from the
   * {@code WeightsOnDemand} that makes them.
   */
  static String weightAccess(KernelPlan plan) {
    return plan.nchwWeightsOnDemand() ? "weight.get()" : "weight";
  }

  /**
   * A public final kernel class extending {@code superclass}: its Javadoc, ending with the plan,
   * and the {@code GEOMETRY} constant.
   *
   * @param geometryJavadoc what {@code GEOMETRY} is, completed with ": <geometry>."
   */
  static TypeSpec.Builder classHeader(String simpleName, ClassName superclass, KernelPlan plan,
      CodeBlock javadoc, String geometryJavadoc) {
    ConvGeometry g = plan.stage().geometry();
    return TypeSpec.classBuilder(simpleName)
        .addModifiers(Modifier.PUBLIC, Modifier.FINAL)
        .superclass(superclass)
        .addJavadoc(javadoc)
        .addJavadoc("\n<p>Plan: $L.\n", plan.summary())
        .addField(FieldSpec.builder(CONV_GEOMETRY, "GEOMETRY",
                Modifier.PUBLIC, Modifier.STATIC, Modifier.FINAL)
            .addJavadoc("$L: $L.\n", geometryJavadoc, g.describe())
            .initializer(geometry(g))
            .build());
  }

  /**
   * A public constructor taking {@code weight} and, when the stage has one, {@code bias}, with
   * their Javadoc after {@code firstLine}.
   */
  static MethodSpec.Builder weightConstructor(StageSpec stage, String firstLine) {
    ConvGeometry g = stage.geometry();
    MethodSpec.Builder constructor = MethodSpec.constructorBuilder()
        .addModifiers(Modifier.PUBLIC)
        .addJavadoc("$L\n\n", firstLine)
        .addJavadoc("@param weight PyTorch layout $L\n", g.weightShape())
        .addParameter(FLOATS, "weight");
    if (stage.bias()) {
      constructor.addJavadoc("@param bias $L floats, one per output channel\n", g.outChannels())
          .addParameter(FLOATS, "bias");
    }
    return constructor;
  }

  /**
   * The factory call that reproduces the validated geometry exactly (a 1-channel 1x1 depthwise
   * spec is also "pointwise", but keeps its declared dilation).
   */
  static CodeBlock geometry(ConvGeometry g) {
    if (g.equals(ConvGeometry.pointwise(g.inChannels(), g.outChannels(), g.strideH(),
        g.strideW()))) {
      return CodeBlock.of("$T.pointwise($L, $L, $L, $L)", CONV_GEOMETRY, g.inChannels(),
          g.outChannels(), g.strideH(), g.strideW());
    }
    if (g.isDepthwise()) {
      return CodeBlock.of("$T.depthwise($L, $L, $L, $L, $L, $L, $L, $L, $L, $L, $L, $L)",
          CONV_GEOMETRY, g.inChannels(), g.multiplier(), g.kernelH(), g.kernelW(),
          g.strideH(), g.strideW(), g.padTop(), g.padLeft(), g.padBottom(), g.padRight(),
          g.dilationH(), g.dilationW());
    }
    return CodeBlock.of("new $T($L, $L, $L, $L, $L, $L, $L, $L, $L, $L, $L, $L, $L)",
        CONV_GEOMETRY, g.inChannels(), g.outChannels(), g.groups(), g.kernelH(), g.kernelW(),
        g.strideH(), g.strideW(), g.padTop(), g.padLeft(), g.padBottom(), g.padRight(),
        g.dilationH(), g.dilationW());
  }

  /**
   * {@code image(input, inputOffset, output, outputOffset, height, width, firstUnit, lastUnit)}:
   * one image's work units, called by {@code UnitKernel} after the checks.
   */
  static MethodSpec.Builder imageMethod(String javadoc) {
    return MethodSpec.methodBuilder("image")
        .addJavadoc(javadoc)
        .addAnnotation(Override.class)
        .addModifiers(Modifier.PUBLIC)
        .addParameter(FLOATS, "input")
        .addParameter(TypeName.INT, "inputOffset")
        .addParameter(FLOATS, "output")
        .addParameter(TypeName.INT, "outputOffset")
        .addParameter(TypeName.INT, "height")
        .addParameter(TypeName.INT, "width")
        .addParameter(TypeName.INT, "firstUnit")
        .addParameter(TypeName.INT, "lastUnit");
  }

  /**
   * The inner class holding the SIMD implementation: only it names {@code jdk.incubator.vector}
   * types, so the kernel class links without that module.
   */
  static TypeSpec.Builder simdClass(VectorShape vector) {
    return TypeSpec.classBuilder(simdClassName(vector))
        .addModifiers(Modifier.PRIVATE, Modifier.FINAL)
        .addSuperinterface(IMAGE_KERNEL)
        .addJavadoc("SIMD implementation with $L-bit vectors of $L floats.\n", vector.bits(),
            vector.lanes())
        .addField(FieldSpec.builder(FLOAT_SPECIES, "F", Modifier.PRIVATE, Modifier.STATIC,
            Modifier.FINAL).initializer("$T.$L", FLOAT_VECTOR, vector.species()).build())
        .addMethod(MethodSpec.methodBuilder("implementation")
            .addAnnotation(Override.class)
            .addModifiers(Modifier.PUBLIC)
            .returns(String.class)
            .addStatement("return $S", "SIMD " + vector.bits() + "-bit")
            .build());
  }

  /** {@code Simd256}, {@code Simd512}. */
  static String simdClassName(VectorShape vector) {
    return "Simd" + vector.bits();
  }
}
