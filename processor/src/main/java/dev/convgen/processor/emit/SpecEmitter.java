package dev.convgen.processor.emit;

import static dev.convgen.processor.emit.RuntimeTypes.GENERATED;
import static dev.convgen.processor.emit.RuntimeTypes.SEPARABLE_BLOCK;
import static dev.convgen.processor.emit.RuntimeTypes.STAGE_WEIGHTS;
import static dev.convgen.processor.emit.RuntimeTypes.WEIGHT_BINDER;

import com.palantir.javapoet.AnnotationSpec;
import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.JavaFile;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.TypeSpec;
import dev.convgen.annotations.Kind;
import dev.convgen.processor.model.KernelSpec;
import dev.convgen.processor.model.StageSpec;
import dev.convgen.processor.plan.KernelPlan;
import dev.convgen.processor.plan.PointwisePlan;
import dev.convgen.processor.plan.SamePaddedPlan;
import dev.convgen.processor.plan.SpatialPlan;
import dev.convgen.processor.plan.SpecPlan;
import dev.convgen.runtime.ConvGeometry;
import java.util.List;
import java.util.Objects;
import javax.lang.model.element.Modifier;

/**
 * Turns a validated spec into one source file: the kernel class itself for pointwise, depthwise
 * and dense specs; for separable specs a {@code SeparableBlock} subclass holding its two generated stages as
 * nested {@code Depthwise} and {@code Pointwise} kernel classes.
 */
public final class SpecEmitter {

  private final String generator;
  private final PointwiseEmitter pointwise = new PointwiseEmitter();
  private final SpatialEmitter spatial = new SpatialEmitter();

  /** @param generator the name {@code @Generated} gives: the processor's class name */
  public SpecEmitter(String generator) {
    this.generator = generator;
  }

  /** The source file of one planned spec. */
  public JavaFile emit(SpecPlan plan) {
    KernelSpec spec = plan.spec();
    String origin = "{@code " + spec.annotation().toString().replace("@dev.convgen.annotations.", "@")
        + "} on {@code " + spec.holder().getQualifiedName() + "}";
    TypeSpec type;
    if (spec.kind() == Kind.SEPARABLE) {
      type = separable(plan, origin);
    } else {
      KernelPlan stage = plan.stages().get(0);
      type = kernel(spec.className().simpleName(), stage, CodeBlock.of(
          "$L, generated from\n$L.\n\n$L", describe(stage.stage()), origin,
          usage(stage.stage())));
    }
    type = type.toBuilder()
        .addMethods(loadMethods(spec))
        .addAnnotation(AnnotationSpec.builder(GENERATED)
            .addMember("value", "$S", generator)
            .build())
        .addOriginatingElement(spec.holder())
        // qualify java.lang types (and ours) whose simple names a type of the package takes
        .alwaysQualify(spec.namesInPackage().stream().sorted().toArray(String[]::new))
        .build();
    return JavaFile.builder(spec.className().packageName(), type)
        .skipJavaLangImports(true)
        .indent("    ")
        .build();
  }

  private TypeSpec kernel(String simpleName, KernelPlan plan, CodeBlock javadoc) {
    if (plan instanceof PointwisePlan p) {
      return pointwise.emit(simpleName, p, javadoc);
    }
    if (plan instanceof SamePaddedPlan same) {
      return SamePaddedEmitter.emit(simpleName, same, javadoc, (name, variant) -> kernel(name,
          variant, CodeBlock.of("The variant for input sizes that need this padding.\n")));
    }
    return spatial.emit(simpleName, (SpatialPlan) plan, javadoc);
  }

  private TypeSpec separable(SpecPlan plan, String origin) {
    KernelSpec spec = plan.spec();
    StageSpec dw = spec.stages().get(0);
    StageSpec pw = spec.stages().get(1);
    TypeSpec depthwiseStage = kernel("Depthwise", plan.stages().get(0),
        CodeBlock.of("The depthwise stage: $L.\n", describe(dw)))
        .toBuilder().addModifiers(Modifier.STATIC).build();
    TypeSpec pointwiseStage = kernel("Pointwise", plan.stages().get(1),
        CodeBlock.of("The pointwise stage: $L.\n", describe(pw)))
        .toBuilder().addModifiers(Modifier.STATIC).build();
    MethodSpec.Builder constructor = MethodSpec.constructorBuilder()
        .addModifiers(Modifier.PUBLIC)
        .addJavadoc("Builds the block from PyTorch-layout weights; the arrays are copied.\n\n")
        .addJavadoc("@param depthwiseWeight $L\n", dw.geometry().weightShape());
    constructor.addParameter(RuntimeTypes.FLOATS, "depthwiseWeight");
    if (dw.bias()) {
      constructor.addJavadoc("@param depthwiseBias [$L]\n", dw.geometry().outChannels())
          .addParameter(RuntimeTypes.FLOATS, "depthwiseBias");
    }
    constructor.addJavadoc("@param pointwiseWeight $L\n", pw.geometry().weightShape())
        .addParameter(RuntimeTypes.FLOATS, "pointwiseWeight");
    if (pw.bias()) {
      constructor.addJavadoc("@param pointwiseBias [$L]\n", pw.geometry().outChannels())
          .addParameter(RuntimeTypes.FLOATS, "pointwiseBias");
    }
    constructor.addStatement("super(new Depthwise(depthwiseWeight$L), new Pointwise(pointwiseWeight$L))",
        dw.bias() ? ", depthwiseBias" : "", pw.bias() ? ", pointwiseBias" : "");
    return TypeSpec.classBuilder(spec.className().simpleName())
        .addModifiers(Modifier.PUBLIC, Modifier.FINAL)
        .superclass(SEPARABLE_BLOCK)
        .addJavadoc("Depthwise-separable block $L -> $L, generated from\n$L:\n"
                + "<ol><li>$L<li>$L</ol>\n\n$L",
            dw.geometry().inChannels(), pw.geometry().outChannels(), origin, describe(dw),
            describe(pw), usage(dw))
        .addMethod(constructor.build())
        .addType(depthwiseStage)
        .addType(pointwiseStage)
        .build();
  }

  /**
   * {@code load(WeightBinder)} and {@code load(WeightBinder, String prefix)}: the class built from
   * named tensors, {@code <prefix>.weight} etc. for one stage, {@code <prefix>.dw.*} and
   * {@code <prefix>.pw.*} for a separable block; the prefix defaults to the spec's name.
   */
  private static List<MethodSpec> loadMethods(KernelSpec spec) {
    ClassName self = spec.className();
    MethodSpec byName = MethodSpec.methodBuilder("load")
        .addModifiers(Modifier.PUBLIC, Modifier.STATIC)
        .returns(self)
        .addJavadoc("Builds this $L from the tensors named {@code $L.*}; see {@link #load($T,"
                + " String)}.\n", spec.kind() == Kind.SEPARABLE ? "block" : "kernel", spec.name(),
            WEIGHT_BINDER)
        .addParameter(WEIGHT_BINDER, "weights")
        .addStatement("return load(weights, $S)", spec.name())
        .build();
    MethodSpec.Builder byPrefix = MethodSpec.methodBuilder("load")
        .addModifiers(Modifier.PUBLIC, Modifier.STATIC)
        .returns(self)
        .addParameter(WEIGHT_BINDER, "weights")
        .addParameter(String.class, "prefix")
        .addStatement("$T.requireNonNull(prefix, $S)", Objects.class, "prefix");
    if (spec.kind() == Kind.SEPARABLE) {
      StageSpec dw = spec.stages().get(0);
      StageSpec pw = spec.stages().get(1);
      byPrefix.addJavadoc("Builds this block from tensors {@code <prefix>.dw.weight} $L,"
              + " {@code <prefix>.pw.weight} $L and the biases or BatchNorms the stages declare,"
              + " BatchNorm folded in (naming and checks: {@link $T}).\n",
              dw.geometry().weightShape(), pw.geometry().weightShape(), WEIGHT_BINDER)
          .addStatement("$T dw = weights.stage(prefix + $S, Depthwise.GEOMETRY, $L, $S)",
              STAGE_WEIGHTS, ".dw", dw.bias(), self.simpleName() + " (depthwise stage)")
          .addStatement("$T pw = weights.stage(prefix + $S, Pointwise.GEOMETRY, $L, $S)",
              STAGE_WEIGHTS, ".pw", pw.bias(), self.simpleName() + " (pointwise stage)")
          .addStatement("return new $T(dw.weight()$L, pw.weight()$L)", self,
              dw.bias() ? ", dw.bias()" : "", pw.bias() ? ", pw.bias()" : "");
    } else {
      StageSpec stage = spec.stages().get(0);
      byPrefix.addJavadoc("Builds this kernel from tensor {@code <prefix>.weight} $L$L, BatchNorm"
              + " folded in (naming and checks: {@link $T}).\n", stage.geometry().weightShape(),
              stage.bias() ? " and {@code <prefix>.bias} or a BatchNorm {@code <prefix>.bn.*}" : "",
              WEIGHT_BINDER)
          .addStatement("$T stage = weights.stage(prefix, GEOMETRY, $L, $S)", STAGE_WEIGHTS,
              stage.bias(), self.simpleName())
          .addStatement("return new $T(stage.weight()$L)", self,
              stage.bias() ? ", stage.bias()" : "");
    }
    return List.of(byName, byPrefix.build());
  }

  /** E.g. "depthwise 3x3, 32 -> 32 channels, stride 1x1, padding 1,1,1,1, dilation 1x1, bias, ReLU". */
  private static String describe(StageSpec stage) {
    ConvGeometry g = stage.geometry();
    String kind = (g.isPointwise() ? "Pointwise" : g.isDepthwise() ? "Depthwise"
        : g.groups() == 1 ? "Dense" : "Grouped (" + g.groups() + " groups)")
        + " " + g.kernelH() + "x" + g.kernelW();
    StringBuilder text = new StringBuilder(kind)
        .append(", ").append(g.inChannels()).append(" -> ").append(g.outChannels())
        .append(" channels, stride ").append(g.strideH()).append("x").append(g.strideW());
    if (stage.runtimePadding() != null) {
      text.append(", padding ").append(stage.runtimePadding().upper() ? "SAME_UPPER" : "SAME_LOWER")
          .append(" (chosen per call from the input size)")
          .append(", dilation ").append(g.dilationH()).append("x").append(g.dilationW());
    } else if (!g.isPointwise()) {
      text.append(", padding (top, left, bottom, right) ").append(List.of(
          g.padTop(), g.padLeft(), g.padBottom(), g.padRight()))
          .append(", dilation ").append(g.dilationH()).append("x").append(g.dilationW());
    }
    text.append(stage.bias() ? ", with bias" : ", no bias")
        .append(", activation ").append(stage.activation());
    return text.toString();
  }

  private static String usage(StageSpec stage) {
    return stage.fixedSize()
        ? "<p>Input size fixed at compile time: " + stage.height() + "x" + stage.width()
            + " (output " + stage.outputHeight() + "x" + stage.outputWidth()
            + "); batch is a run-time argument.\n"
        : "<p>Batch, height and width are run-time arguments.\n";
  }
}
