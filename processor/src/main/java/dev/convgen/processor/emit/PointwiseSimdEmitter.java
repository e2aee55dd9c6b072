package dev.convgen.processor.emit;

import static dev.convgen.processor.emit.RuntimeTypes.FLOATS;
import static dev.convgen.processor.emit.RuntimeTypes.FLOAT_VECTOR;

import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.TypeSpec;
import dev.convgen.processor.model.StageSpec;
import dev.convgen.processor.plan.PointwisePlan;
import java.util.ArrayList;
import java.util.List;
import javax.lang.model.element.Modifier;

/**
 * The SIMD pointwise implementation (stride 1): the plane walked in the plan's pixel tiles, every
 * output channel block passing over one tile before the next; per block of {@code vectors x
 * lanes} pixels, a micro-kernel method with {@code channelBlock x vectors} vector accumulators and
 * one FMA per weight and vector. Planes smaller than one block run the scalar code.
 */
final class PointwiseSimdEmitter {

  private PointwiseSimdEmitter() {}

  static TypeSpec simdClass(PointwisePlan plan, PointwisePlan.VectorTile tile) {
    StageSpec stage = plan.stage();
    int block = tile.pixels();
    MethodSpec.Builder image = KernelClassWriter.imageMethod(
            "Output channel blocks {@code [firstUnit, lastUnit)} of one image, SIMD.\n")
        .addCode(PointwiseEmitter.channelRange(plan));
    Expr plane;
    if (stage.fixedSize()) {
      plane = Expr.of(stage.height() * stage.width());
    } else {
      image.addStatement("int plane = height * width");
      plane = Expr.var("plane");
    }
    boolean tooSmall = plane.isConstant() && plane.constant() < block;
    if (!plane.isConstant() || tooSmall) { // the scalar path below reads them
      image.addStatement("float[] w = $L", KernelClassWriter.weightAccess(plan));
      if (stage.bias()) {
        image.addStatement("float[] b = bias");
      }
    }
    image.addStatement("int inRow = inputOffset")
        .addStatement("int outRow = outputOffset");
    if (!plane.isConstant()) {
      image.beginControlFlow("if (plane >= $L)", block);
    }
    if (!tooSmall) {
      image.addCode(tiles(plan, tile, plane));
    }
    if (!plane.isConstant()) {
      image.nextControlFlow("else");
    }
    if (!plane.isConstant() || tooSmall) {
      image.addComment("fewer than $L pixels: scalar", block)
          .beginControlFlow("for (int j = 0; j < $L; j++)", plane)
          .addCode(PointwiseScalarEmitter.pixelBlock(plan, 1, 1, plane, plane))
          .endControlFlow();
    }
    if (!plane.isConstant()) {
      image.endControlFlow();
    }
    TypeSpec.Builder simd = KernelClassWriter.simdClass(tile.shape())
        .addMethod(image.build())
        .addMethods(blockMethods(plan, tile, "block", plan.channelBlock(), plane));
    if (plan.lastBlockChannels() != 0) {
      simd.addMethods(blockMethods(plan, tile, "lastBlock", plan.lastBlockChannels(), plane));
    }
    return simd.build();
  }

  /**
   * The pixel tiles and the blocks of pixels within them. A last partial block is computed as the
   * overlapping block ending at the plane's end (it rewrites a few pixels with identical values),
   * so no scalar tail runs.
   */
  private static CodeBlock tiles(PointwisePlan plan, PointwisePlan.VectorTile tile, Expr plane) {
    int block = tile.pixels();
    int pixelTile = tile.pixelTile();
    boolean divisible = plane.isConstant() && plane.constant() % block == 0;
    boolean oneTile = plane.isConstant() && plane.constant() <= pixelTile;
    boolean wholeTiles = plane.isConstant() && plane.constant() % pixelTile == 0;
    Expr tileEnd = oneTile ? plane : Expr.var("tileEnd");
    CodeBlock.Builder code = CodeBlock.builder();
    if (!oneTile) {
      code.add("// tiles of $L pixels: the input tile stays in cache while every output channel"
              + " block passes over it\n", pixelTile)
          .beginControlFlow("for (int t = 0; t < $L; t += $L)", plane, pixelTile)
          .addStatement(wholeTiles ? CodeBlock.of("int tileEnd = t + $L", pixelTile)
              : CodeBlock.of("int tileEnd = $T.min(t + $L, $L)", RuntimeTypes.MATH, pixelTile,
                  plane));
    }
    String planeArg = plane.isConstant() ? "" : ", plane";
    code.add(PointwiseEmitter.channelBlocks(plan, (first, channels) -> CodeBlock.builder()
        .beginControlFlow("for (int p = $L; p < $L; p += $L)", oneTile ? "0" : "t", tileEnd,
            block)
        .addStatement(divisible ? CodeBlock.of("int j = p")
            : CodeBlock.of("int j = $T.min(p, $L)", RuntimeTypes.MATH, plane.plus(-block)))
        .addStatement("$L(input, inRow + j, output, $L, $L$L)",
            channels == plan.channelBlock() ? "block" : "lastBlock",
            Expr.var("outRow").plus(Expr.var("j")).plus(first.times(plane)), first, planeArg)
        .endControlFlow()
        .build()));
    if (!oneTile) {
      code.endControlFlow();
    }
    return code.build();
  }

  /** The micro-kernel: one method, or under {@code Unroll.FULL} straight-line chunks. */
  private static List<MethodSpec> blockMethods(
      PointwisePlan plan, PointwisePlan.VectorTile tile, String name, int channels, Expr plane) {
    int chunk = tile.straightLineChunk();
    if (chunk == 0) {
      return List.of(blockSignature(name, plane)
          .addCode(rolledBlock(plan, tile, channels, plane)).build());
    }
    int in = plan.stage().geometry().inChannels();
    int chunks = (in + chunk - 1) / chunk;
    List<MethodSpec> methods = new ArrayList<>();
    MethodSpec.Builder dispatcher = blockSignature(name, plane);
    String planeArg = plane.isConstant() ? "" : ", plane";
    for (int i = 0; i < chunks; i++) {
      String chunkName = chunks == 1 ? name : name + "Channels" + i * chunk + "to"
          + (Math.min(in, (i + 1) * chunk) - 1);
      methods.add(straightLineChunk(plan, tile, blockSignature(chunkName, plane), channels, plane,
          i * chunk, Math.min(in, (i + 1) * chunk)));
      dispatcher.addStatement("$L(input, xc, output, yk, k$L)", chunkName, planeArg);
    }
    if (chunks > 1) {
      methods.add(0, dispatcher
          .addJavadoc("Unroll.FULL: the reduction over $L input channels, straight-line in $L"
              + " methods; partial sums pass through the output tile.\n", in, chunks)
          .build());
    }
    return methods;
  }

  static MethodSpec.Builder blockSignature(String name, Expr plane) {
    MethodSpec.Builder method = MethodSpec.methodBuilder(name)
        .addModifiers(Modifier.PRIVATE)
        .addParameter(FLOATS, "input").addParameter(TypeName.INT, "xc")
        .addParameter(FLOATS, "output").addParameter(TypeName.INT, "yk")
        .addParameter(TypeName.INT, "k");
    if (!plane.isConstant()) {
      method.addParameter(TypeName.INT, "plane");
    }
    return method;
  }

  /**
   * The rolled micro-kernel for output channels {@code k .. k + channels - 1}, the whole
   * input-channel reduction. Kept out of the image loops on purpose: called thousands of times, it
   * is compiled normally by C2, while the same code inlined into a long-running loop was measured
   * to be compiled on-stack-replacement without Vector API intrinsics now and then (2 instead of
   * 40-55 GFLOP/s).
   */
  private static CodeBlock rolledBlock(PointwisePlan plan, PointwisePlan.VectorTile tile,
      int channels, Expr plane) {
    return microKernel(plan.stage(), tile, plan.stage().geometry().inChannels(), channels, plane,
        plane, KernelClassWriter.weightAccess(plan));
  }

  /**
   * The rolled micro-kernel: {@code channels} output channels from {@code k} x the tile's pixels,
   * accumulators starting at the bias; per reduction row {@code c} (input channel, or im2col
   * panel row), a load of the row's pixels at {@code xc + c x inStride}, a broadcast per channel
   * of the weights packed {@code [reduction][channels]} from {@code k x reduction}, and the FMAs;
   * the activation on the stores to {@code yk + r x outStride}.
   */
  static CodeBlock microKernel(StageSpec stage, PointwisePlan.VectorTile tile, int reduction,
      int channels, Expr inStride, Expr outStride, String weights) {
    int vectors = tile.vectors();
    int lanes = tile.shape().lanes();
    CodeBlock.Builder code = CodeBlock.builder()
        .addStatement("int wp = k * $L", reduction)
        .add(biasAccumulators(stage, tile, channels))
        .addStatement("float[] w = $L", weights)
        .beginControlFlow("for (int c = 0; c < $L; c++)", reduction);
    for (int v = 0; v < vectors; v++) {
      code.addStatement("$T x$L = $T.fromArray(F, input, $L)", FLOAT_VECTOR, v, FLOAT_VECTOR,
          Expr.var("xc").plus(v * lanes));
    }
    for (int r = 0; r < channels; r++) {
      code.addStatement(r == 0 ? "$T w0 = $T.broadcast(F, w[$L])" : "w0 = $T.broadcast(F, w[$L])",
          r == 0 ? new Object[] {FLOAT_VECTOR, FLOAT_VECTOR, Expr.var("wp").plus(r)}
              : new Object[] {FLOAT_VECTOR, Expr.var("wp").plus(r)});
      for (int v = 0; v < vectors; v++) {
        code.addStatement("a$L_$L = x$L.fma(w0, a$L_$L)", r, v, v, r, v);
      }
    }
    return code.addStatement("xc += $L", inStride)
        .addStatement("wp += $L", channels)
        .endControlFlow()
        .add(storeAccumulators(stage, tile, channels, outStride, true))
        .build();
  }

  /**
   * Input channels {@code [from, to)} of the micro-kernel, unrolled: literal offsets, no loop. The
   * first chunk starts from the bias, later ones from the partial sums in the output tile; the
   * last applies the activation.
   */
  private static MethodSpec straightLineChunk(PointwisePlan plan, PointwisePlan.VectorTile tile,
      MethodSpec.Builder method,
      int channels, Expr plane, int from, int to) {
    int in = plan.stage().geometry().inChannels();
    int vectors = tile.vectors();
    int lanes = tile.shape().lanes();
    method.addStatement("float[] w = $L", KernelClassWriter.weightAccess(plan))
        .addStatement("int wp = k * $L", in);
    if (from > 0) {
      for (int r = 0; r < channels; r++) {
        Expr row = Expr.var("yk").plus(plane.times(r));
        for (int v = 0; v < vectors; v++) {
          method.addStatement("$T a$L_$L = $T.fromArray(F, output, $L)", FLOAT_VECTOR, r, v,
              FLOAT_VECTOR, row.plus(v * lanes));
        }
      }
    } else {
      method.addCode(biasAccumulators(plan.stage(), tile, channels));
    }
    List<String> declared = new ArrayList<>();
    for (int v = 0; v < vectors; v++) {
      declared.add("x" + v);
    }
    declared.add("w0");
    method.addStatement("$T $L", FLOAT_VECTOR, String.join(", ", declared));
    for (int c = from; c < to; c++) {
      Expr channel = Expr.var("xc").plus(plane.times(c));
      for (int v = 0; v < vectors; v++) {
        method.addStatement("x$L = $T.fromArray(F, input, $L)", v, FLOAT_VECTOR,
            channel.plus(v * lanes));
      }
      for (int r = 0; r < channels; r++) {
        method.addStatement("w0 = $T.broadcast(F, w[$L])", FLOAT_VECTOR,
            Expr.var("wp").plus(c * channels + r));
        for (int v = 0; v < vectors; v++) {
          method.addStatement("a$L_$L = x$L.fma(w0, a$L_$L)", r, v, v, r, v);
        }
      }
    }
    return method.addCode(storeAccumulators(plan.stage(), tile, channels, plane, to == in)).build();
  }

  /** {@code a<r>_<v>} for output channels {@code k + r}, starting at the bias (or zero). */
  private static CodeBlock biasAccumulators(StageSpec stage, PointwisePlan.VectorTile tile,
      int channels) {
    CodeBlock.Builder code = CodeBlock.builder();
    for (int r = 0; r < channels; r++) {
      if (stage.bias()) {
        code.addStatement("$T a$L_0 = $T.broadcast(F, bias[$L])", FLOAT_VECTOR, r, FLOAT_VECTOR,
            Expr.var("k").plus(r));
      } else {
        code.addStatement("$T a$L_0 = $T.zero(F)", FLOAT_VECTOR, r, FLOAT_VECTOR);
      }
      for (int v = 1; v < tile.vectors(); v++) {
        code.addStatement("$T a$L_$L = a$L_0", FLOAT_VECTOR, r, v, r);
      }
    }
    return code.build();
  }

  /** Stores the accumulators to the output tile at {@code yk}, with the activation if final. */
  private static CodeBlock storeAccumulators(
      StageSpec stage, PointwisePlan.VectorTile tile, int channels, Expr plane,
      boolean activate) {
    int lanes = tile.shape().lanes();
    CodeBlock.Builder code = CodeBlock.builder();
    for (int r = 0; r < channels; r++) {
      Expr row = Expr.var("yk").plus(plane.times(r));
      for (int v = 0; v < tile.vectors(); v++) {
        String value = "a" + r + "_" + v;
        code.addStatement("$L.intoArray(output, $L)",
            activate ? ActivationCode.vector(stage.activation(), value) : value,
            row.plus(v * lanes));
      }
    }
    return code.build();
  }
}
