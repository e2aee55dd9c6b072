package dev.convgen.processor.emit;

import static dev.convgen.processor.emit.RuntimeTypes.FLOATS;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.FieldSpec;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.ParameterizedTypeName;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.TypeSpec;
import dev.convgen.processor.model.StageSpec;
import dev.convgen.processor.plan.PointwisePlan;
import dev.convgen.processor.plan.SpatialPlan;
import dev.convgen.runtime.ConvGeometry;
import javax.lang.model.element.Modifier;

/**
 * The SIMD implementation of a dense or grouped kernel as a matrix product: per tile of output
 * pixels and per group, the runtime's {@code Im2col} copies the input windows into a per-thread
 * panel of {@code taps} rows, and the pointwise micro-kernel (reduction over the panel's rows,
 * literal length and strides) multiplies the group's packed weights with it.
 */
final class GemmSimdEmitter {

  private static final ClassName IM2COL = ClassName.get("dev.convgen.runtime.internal", "Im2col");
  private static final TypeName PANEL = ParameterizedTypeName.get(
      ClassName.get(ThreadLocal.class), FLOATS);

  private GemmSimdEmitter() {}

  static TypeSpec simdClass(SpatialPlan plan, PointwisePlan.VectorTile tile) {
    StageSpec stage = plan.stage();
    ConvGeometry g = stage.geometry();
    SpatialPlan.Gemm gemm = plan.gemm();
    int block = gemm.channelBlock();
    int perGroup = g.outChannels() / g.groups();
    int blocksPerGroup = plan.blocksPerGroup();
    int pixelsPerBlock = tile.pixels();
    int width = tile.pixelTile();
    boolean fixed = plan.interior() != null;
    Expr pixels = fixed ? Expr.of(stage.outputHeight() * stage.outputWidth()) : Expr.var("pixels");
    MethodSpec.Builder image = KernelClassWriter.imageMethod(
        "Output channel blocks {@code [firstUnit, lastUnit)} of one image, as a matrix product"
            + " over im2col panels.\n");
    if (!fixed) {
      image.addStatement("int outW = GEOMETRY.outputWidth(width)")
          .addStatement("int pixels = GEOMETRY.outputHeight(height) * outW");
    }
    image.addStatement("float[] panel = PANEL.get()")
        .beginControlFlow("for (int t = 0; t < $L; t += $L)", pixels, width)
        .addStatement("int valid = $T.min($L, $L)", RuntimeTypes.MATH, width,
            pixels.plus(Expr.var("t").times(-1)))
        .beginControlFlow("for (int u = firstUnit; u < lastUnit; )")
        .addStatement("int group = u / $L", blocksPerGroup)
        .addStatement("$T.fill(GEOMETRY, input, $L, $L, height, width, $L, t, valid, panel, $L)",
            IM2COL, Expr.var("inputOffset").plus(Expr.var("group")
                .times(Expr.var("height * width").times(g.inChannelsPerGroup()))),
            g.inChannelsPerGroup(), fixed ? stage.outputWidth() : "outW", width)
        .beginControlFlow("for (int end = $T.min(lastUnit, (group + 1) * $L); u < end; u++)",
            RuntimeTypes.MATH, blocksPerGroup)
        .addStatement("int k = $L", SpatialEmitter.gemmUnitChannel(plan))
        .addStatement("int yo = $L", Expr.var("outputOffset").plus(Expr.var("t"))
            .plus(Expr.var("k").times(pixels)));
    String pixelsArg = fixed ? "" : ", pixels";
    boolean narrow = perGroup % block != 0;
    CodeBlock call = narrow
        ? CodeBlock.of("if (u % $L == $L) {\n$>lastBlock(panel, j, output, yo + j, k$L);\n$<} else"
            + " {\n$>block(panel, j, output, yo + j, k$L);\n$<}\n", blocksPerGroup,
            blocksPerGroup - 1, pixelsArg, pixelsArg)
        : CodeBlock.of("block(panel, j, output, yo + j, k$L);\n", pixelsArg);
    image.beginControlFlow("if (valid >= $L)", pixelsPerBlock)
        .beginControlFlow("for (int p = 0; p < valid; p += $L)", pixelsPerBlock)
        .addComment("a last partial block overlaps the previous one: no scalar tail")
        .addStatement("int j = $T.min(p, valid - $L)", RuntimeTypes.MATH, pixelsPerBlock)
        .addCode(call)
        .endControlFlow()
        .nextControlFlow("else")
        .addComment("fewer pixels than one register tile: scalar")
        .beginControlFlow("for (int c = k; c < $T.min(k + $L, (group + 1) * $L); c++)",
            RuntimeTypes.MATH, block, perGroup)
        .beginControlFlow("for (int j = 0; j < valid; j++)")
        .addStatement("output[yo + j + (c - k) * $L] = single(panel, j, c)", pixels)
        .endControlFlow()
        .endControlFlow()
        .endControlFlow()
        .endControlFlow()
        .endControlFlow()
        .endControlFlow();
    TypeSpec.Builder simd = KernelClassWriter.simdClass(tile.shape())
        .addJavadoc("As a matrix product: im2col panels of $L rows x $L pixels, register tile $L"
            + " channels x $L pixels.\n", gemm.taps(), width, block, pixelsPerBlock)
        .addField(FieldSpec.builder(PANEL, "PANEL", Modifier.PRIVATE, Modifier.STATIC,
                Modifier.FINAL)
            .addJavadoc("This thread's im2col panel.\n")
            .initializer("$T.withInitial(() -> new float[$L])", ThreadLocal.class,
                gemm.taps() * width)
            .build())
        .addMethod(image.build())
        .addMethod(blockMethod("block", plan, tile, block, pixels))
        .addMethod(single(plan, width));
    if (narrow) {
      simd.addMethod(blockMethod("lastBlock", plan, tile, perGroup % block, pixels));
    }
    if (!plan.nchwWeightsOnDemand()) {
      return simd.addField(FieldSpec.builder(FLOATS, "packed", Modifier.PRIVATE, Modifier.FINAL)
              .addJavadoc("The weights packed per group in blocks of $L output channels.\n", block)
              .initializer("$T.packGrouped(weight, $L, $L, $L, $L)", RuntimeTypes.WEIGHT_PACKING,
                  g.groups(), perGroup, gemm.taps(), block)
              .build())
          .build();
    }
    // on demand: from the NHWC body's weights, without making the scalar code's copy; with no
    // NHWC body, now, from that copy
    return simd.addField(FieldSpec.builder(RuntimeTypes.WEIGHTS_ON_DEMAND, "packed",
            Modifier.PRIVATE, Modifier.FINAL)
            .addJavadoc("The weights packed per group in blocks of $L output channels, on the"
                + " first call if the\nkernel has an NHWC body.\n", block)
            .initializer("new $T(nhwc == null ? weight.get() : null, nhwc,\n"
                + "    w -> $T.packGrouped(w, $L, $L, $L, $L))", RuntimeTypes.WEIGHTS_ON_DEMAND,
                RuntimeTypes.WEIGHT_PACKING, g.groups(), perGroup, gemm.taps(), block)
            .build())
        .build();
  }

  /** The micro-kernel over the panel (rows {@code pixelTile} apart) into the output plane. */
  private static MethodSpec blockMethod(String name, SpatialPlan plan,
      PointwisePlan.VectorTile tile, int channels, Expr pixels) {
    // a run-time output plane arrives as the block method's parameter "plane"
    return PointwiseSimdEmitter.blockSignature(name, pixels)
        .addCode(PointwiseSimdEmitter.microKernel(plan.stage(), tile, plan.gemm().taps(),
            channels, Expr.of(tile.pixelTile()),
            pixels.isConstant() ? pixels : Expr.var("plane"),
            plan.nchwWeightsOnDemand() ? "packed.get()" : "packed"))
        .build();
  }

  /** One output value from panel column {@code j}: the scalar tail of a small tile. */
  private static MethodSpec single(SpatialPlan plan, int width) {
    StageSpec stage = plan.stage();
    int block = plan.gemm().channelBlock();
    int perGroup = stage.geometry().outChannels() / stage.geometry().groups();
    return MethodSpec.methodBuilder("single")
        .addModifiers(Modifier.PRIVATE)
        .returns(TypeName.FLOAT)
        .addParameter(FLOATS, "panel").addParameter(TypeName.INT, "j")
        .addParameter(TypeName.INT, "c")
        .addComment("the first channel of c's block, and the block's width, in its group's packing")
        .addStatement("int first = c - c % $L % $L", perGroup, block)
        .addStatement("int channels = $T.min($L, $L - first % $L)", RuntimeTypes.MATH, block,
            perGroup, perGroup)
        .addStatement("int wp = first * $L + (c - first)", plan.gemm().taps())
        .addStatement("float acc = $L", stage.bias() ? "bias[c]" : "0f")
        .addStatement("float[] w = $L", plan.nchwWeightsOnDemand() ? "packed.get()" : "packed")
        .beginControlFlow("for (int r = 0; r < $L; r++)", plan.gemm().taps())
        .addStatement("acc += w[wp] * panel[r * $L + j]", width)
        .addStatement("wp += channels")
        .endControlFlow()
        .addStatement("return $L", ActivationCode.scalar(stage.activation(), "acc"))
        .build();
  }
}
