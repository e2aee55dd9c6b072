package dev.convgen.processor.emit;

import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.MethodSpec;
import dev.convgen.processor.model.StageSpec;
import dev.convgen.processor.plan.PointwisePlan;
import dev.convgen.runtime.ConvGeometry;

/**
 * The scalar pointwise implementation: for each block of pixels and each block of output
 * channels, accumulators start at the bias, the input-channel reduction runs with literal strides
 * (unrolled as planned), and bias plus activation are applied on the single store. A flat plane
 * (stride 1) is one row of pixels; larger strides loop over output rows.
 */
final class PointwiseScalarEmitter {

  private PointwiseScalarEmitter() {}

  /** {@code image}: one image's output channel blocks. */
  static MethodSpec image(PointwisePlan plan) {
    StageSpec stage = plan.stage();
    ConvGeometry g = stage.geometry();
    boolean fixed = stage.fixedSize();
    boolean flat = plan.scalar().flatPlane();
    MethodSpec.Builder method = KernelClassWriter.imageMethod(
            "Output channel blocks {@code [firstUnit, lastUnit)} of one image, scalar.\n")
        .addCode(PointwiseEmitter.channelRange(plan));
    Expr inPlane;
    Expr outPlane;
    Expr rowLength;
    if (fixed) {
      inPlane = Expr.of(stage.height() * stage.width());
      outPlane = Expr.of(stage.outputHeight() * stage.outputWidth());
      rowLength = flat ? outPlane : Expr.of(stage.outputWidth());
    } else {
      method.addStatement("int outH = GEOMETRY.outputHeight(height)")
          .addStatement("int outW = GEOMETRY.outputWidth(width)")
          .addStatement("int inPlane = height * width")
          .addStatement("int outPlane = outH * outW");
      inPlane = Expr.var("inPlane");
      outPlane = Expr.var("outPlane");
      rowLength = flat ? outPlane : Expr.var("outW");
    }
    method.addStatement("float[] w = $L", KernelClassWriter.weightAccess(plan));
    if (stage.bias()) {
      method.addStatement("float[] b = this.bias");
    }
    int pixels = plan.scalar().pixels();
    Expr mainEnd;
    if (rowLength.isConstant()) {
      mainEnd = Expr.of(rowLength.constant() - rowLength.constant() % pixels);
    } else {
      method.addStatement("int mainEnd = $L - $L % $L", rowLength, rowLength, pixels);
      mainEnd = Expr.var("mainEnd");
    }
    boolean hasTail = !rowLength.isConstant() || rowLength.constant() % pixels != 0;
    int pixelStride = flat ? 1 : g.strideW();
    if (!flat) {
      Expr inRowStep = fixed ? Expr.of(g.strideH() * stage.width())
          : Expr.var("width").times(g.strideH());
      method.beginControlFlow("for (int i = 0; i < $L; i++)",
              fixed ? Expr.of(stage.outputHeight()) : Expr.var("outH"))
          .addStatement("int inRow = $L", Expr.var("inputOffset").plus(
              Expr.var("i").times(inRowStep)))
          .addStatement("int outRow = $L", Expr.var("outputOffset").plus(
              Expr.var("i").times(rowLength)));
    } else {
      method.addStatement("int inRow = inputOffset")
          .addStatement("int outRow = outputOffset");
    }
    method.addStatement("int j = 0")
        .beginControlFlow("for (; j < $L; j += $L)", mainEnd, pixels)
        .addCode(pixelBlock(plan, pixels, pixelStride, inPlane, outPlane))
        .endControlFlow();
    if (hasTail) {
      method.beginControlFlow("for (; j < $L; j++)", rowLength)
          .addCode(pixelBlock(plan, 1, pixelStride, inPlane, outPlane))
          .endControlFlow();
    }
    if (!flat) {
      method.endControlFlow();
    }
    return method.build();
  }

  /**
   * All output channels of the range for {@code pixels} consecutive output pixels starting at
   * column {@code j}; reads {@code w}, {@code b}, {@code inRow} and {@code outRow}.
   */
  static CodeBlock pixelBlock(PointwisePlan plan, int pixels, int pixelStride, Expr inPlane,
      Expr outPlane) {
    return CodeBlock.builder()
        .addStatement("int xp = $L", Expr.var("inRow").plus(Expr.var("j").times(pixelStride)))
        .addStatement("int yp = outRow + j")
        .add(PointwiseEmitter.channelBlocks(plan, (first, channels) ->
            channelBlock(plan, first, channels, pixels, pixelStride, inPlane, outPlane)))
        .build();
  }

  /**
   * {@code channels x pixels} accumulators for output channels {@code first ...}; the weights of
   * this block are packed {@code [in][channels]} starting at {@code first * in}.
   */
  private static CodeBlock channelBlock(PointwisePlan plan, Expr first, int channels, int pixels,
      int pixelStride, Expr inPlane, Expr outPlane) {
    StageSpec stage = plan.stage();
    int in = stage.geometry().inChannels();
    int unroll = plan.scalar().reductionUnroll();
    CodeBlock.Builder code = CodeBlock.builder()
        .addStatement("int wp = $L", first.times(in));
    for (int r = 0; r < channels; r++) {
      String init = stage.bias() ? "b[" + first.plus(r) + "]" : "0f";
      for (int q = 0; q < pixels; q++) {
        code.addStatement("float a$L_$L = $L", r, q, q == 0 ? init : "a" + r + "_0");
      }
    }
    code.addStatement("int xc = xp")
        .addStatement("float $L", String.join(", ", names("x", pixels)))
        .addStatement("float w0");
    boolean loop = in > unroll;
    if (loop) {
      code.beginControlFlow("for (int c = 0; c < $L; c += $L)", in, unroll);
    }
    for (int u = 0; u < unroll; u++) {
      for (int q = 0; q < pixels; q++) {
        code.addStatement("x$L = input[$L]", q, Expr.var("xc").plus(q * pixelStride));
      }
      for (int r = 0; r < channels; r++) {
        code.addStatement("w0 = w[$L]", Expr.var("wp").plus(u * channels + r));
        for (int q = 0; q < pixels; q++) {
          code.addStatement("a$L_$L += w0 * x$L", r, q, q);
        }
      }
      if (u < unroll - 1 || loop) {
        code.addStatement("xc += $L", inPlane);
      }
    }
    if (loop) {
      code.addStatement("wp += $L", unroll * channels)
          .endControlFlow();
    }
    code.addStatement("int yk = $L", Expr.var("yp").plus(first.times(outPlane)));
    for (int r = 0; r < channels; r++) {
      for (int q = 0; q < pixels; q++) {
        code.addStatement("output[$L] = $L", Expr.var("yk").plus(outPlane.times(r)).plus(q),
            ActivationCode.scalar(stage.activation(), "a" + r + "_" + q));
      }
    }
    return code.build();
  }

  private static String[] names(String prefix, int count) {
    String[] names = new String[count];
    for (int i = 0; i < count; i++) {
      names[i] = prefix + i;
    }
    return names;
  }
}
