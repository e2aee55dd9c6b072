package dev.convgen.processor;

import com.palantir.javapoet.AnnotationSpec;
import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.JavaFile;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.TypeSpec;
import dev.convgen.annotations.Kind;
import dev.convgen.runtime.ConvGeometry;
import java.util.List;
import javax.lang.model.element.Modifier;

/**
 * Turns a validated spec into one source file: the kernel class itself for pointwise, depthwise
 * and dense specs; for separable specs a {@code SeparableBlock} subclass holding its two generated stages as
 * nested {@code Depthwise} and {@code Pointwise} kernel classes.
 */
final class SpecEmitter {

  static final ClassName SEPARABLE_BLOCK = ClassName.get(KernelClassWriter.RUNTIME, "SeparableBlock");
  private static final ClassName GENERATED =
      ClassName.get("javax.annotation.processing", "Generated");

  private final KernelPlanner planner;
  private final PointwiseEmitter pointwise = new PointwiseEmitter();
  private final SpatialEmitter spatial = new SpatialEmitter();

  SpecEmitter(KernelPlanner planner) {
    this.planner = planner;
  }

  JavaFile emit(KernelSpec spec) {
    String origin = "{@code " + spec.annotation().toString().replace("@dev.convgen.annotations.", "@")
        + "} on {@code " + spec.holder().getQualifiedName() + "}";
    TypeSpec type;
    if (spec.kind() == Kind.SEPARABLE) {
      type = separable(spec, origin);
    } else {
      StageSpec stage = spec.stages().get(0);
      type = kernel(spec.className().simpleName(), stage, CodeBlock.of(
          "$L, generated from\n$L.\n\n$L", describe(stage), origin, usage(stage)));
    }
    type = type.toBuilder()
        .addAnnotation(AnnotationSpec.builder(GENERATED)
            .addMember("value", "$S", ConvSpecProcessor.class.getName())
            .build())
        .addOriginatingElement(spec.holder())
        .build();
    return JavaFile.builder(spec.className().packageName(), type)
        .skipJavaLangImports(true)
        .indent("    ")
        .build();
  }

  private TypeSpec kernel(String simpleName, StageSpec stage, CodeBlock javadoc) {
    KernelPlan plan = planner.plan(stage);
    if (plan instanceof KernelPlan.Pointwise p) {
      return pointwise.emit(simpleName, p, javadoc);
    }
    return spatial.emit(simpleName, (KernelPlan.Spatial) plan, javadoc);
  }

  private TypeSpec separable(KernelSpec spec, String origin) {
    StageSpec dw = spec.stages().get(0);
    StageSpec pw = spec.stages().get(1);
    TypeSpec depthwiseStage = kernel("Depthwise", dw,
        CodeBlock.of("The depthwise stage: $L.\n", describe(dw)))
        .toBuilder().addModifiers(Modifier.STATIC).build();
    TypeSpec pointwiseStage = kernel("Pointwise", pw,
        CodeBlock.of("The pointwise stage: $L.\n", describe(pw)))
        .toBuilder().addModifiers(Modifier.STATIC).build();
    MethodSpec.Builder constructor = MethodSpec.constructorBuilder()
        .addModifiers(Modifier.PUBLIC)
        .addJavadoc("Builds the block from PyTorch-layout weights; the arrays are copied.\n\n")
        .addJavadoc("@param depthwiseWeight $L\n", dw.geometry().weightShape());
    constructor.addParameter(KernelClassWriter.FLOATS, "depthwiseWeight");
    if (dw.bias()) {
      constructor.addJavadoc("@param depthwiseBias [$L]\n", dw.geometry().outChannels())
          .addParameter(KernelClassWriter.FLOATS, "depthwiseBias");
    }
    constructor.addJavadoc("@param pointwiseWeight $L\n", pw.geometry().weightShape())
        .addParameter(KernelClassWriter.FLOATS, "pointwiseWeight");
    if (pw.bias()) {
      constructor.addJavadoc("@param pointwiseBias [$L]\n", pw.geometry().outChannels())
          .addParameter(KernelClassWriter.FLOATS, "pointwiseBias");
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

  /** E.g. "depthwise 3x3, 32 -> 32 channels, stride 1x1, padding 1,1,1,1, dilation 1x1, bias, ReLU". */
  private static String describe(StageSpec stage) {
    ConvGeometry g = stage.geometry();
    String kind = (g.isPointwise() ? "Pointwise" : g.isDepthwise() ? "Depthwise"
        : g.groups() == 1 ? "Dense" : "Grouped (" + g.groups() + " groups)")
        + " " + g.kernelH() + "x" + g.kernelW();
    StringBuilder text = new StringBuilder(kind)
        .append(", ").append(g.inChannels()).append(" -> ").append(g.outChannels())
        .append(" channels, stride ").append(g.strideH()).append("x").append(g.strideW());
    if (!g.isPointwise()) {
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
