package dev.convgen.processor;

import static dev.convgen.processor.Expressions.activate;
import static dev.convgen.processor.Expressions.plus;
import static dev.convgen.processor.KernelClassWriter.FLOATS;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.TypeSpec;
import dev.convgen.processor.Expressions.Size;
import dev.convgen.runtime.ConvGeometry;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import javax.lang.model.element.Modifier;

/**
 * Emits a pointwise (1x1) kernel as a register-blocked matrix product: for each block of pixels and
 * each block of output channels, accumulators start at the bias, the input-channel reduction runs
 * with literal strides (unrolled as planned), and bias plus activation are applied on the single
 * store. Stride 1 treats the image as one flat row of pixels; larger strides loop over output rows.
 */
final class PointwiseEmitter {

  TypeSpec emit(String simpleName, KernelPlan.Pointwise plan, CodeBlock javadoc) {
    StageSpec stage = plan.stage();
    ConvGeometry g = stage.geometry();
    CodeBlock pack = CodeBlock.of("$T.packPointwise(weight, $L, $L, $L)",
        KernelClassWriter.WEIGHT_PACKING, g.outChannels(), g.inChannels(), plan.channelBlock());
    TypeSpec.Builder type = KernelClassWriter.kernelClass(simpleName, stage, pack, javadoc,
        plan.simd());
    int units = (g.outChannels() + plan.channelBlock() - 1) / plan.channelBlock();
    type.addMethod(forward(KernelClassWriter.forwardUnitsMethod(type, stage, plan.simd(), units,
            "Blocks of " + plan.channelBlock() + " output channels"), plan))
        .addMethod(image(plan));
    if (plan.simd()) {
      type.addType(simdClass(plan));
    }
    return type.build();
  }

  /** The loops over images, after {@code forwardUnits}' checks; also used by the SIMD class. */
  private static MethodSpec forward(MethodSpec.Builder forward, KernelPlan.Pointwise plan) {
    return forward.addCode(batchLoops(plan, true)).build();
  }

  /**
   * Converts the work-unit range to output channels and calls {@code image} per image; with
   * {@code runtimeOutputSize}, the scalar image also takes the output height and width.
   */
  private static CodeBlock batchLoops(KernelPlan.Pointwise plan, boolean scalar) {
    StageSpec stage = plan.stage();
    ConvGeometry g = stage.geometry();
    int block = plan.channelBlock();
    int units = (g.outChannels() + block - 1) / block;
    CodeBlock.Builder code = CodeBlock.builder();
    String call;
    if (stage.fixedSize()) {
      int inImage = g.inChannels() * stage.height() * stage.width();
      int outImage = g.outChannels() * stage.outputHeight() * stage.outputWidth();
      call = "image(input, n * " + inImage + ", output, n * " + outImage
          + ", fromChannel, toChannel)";
    } else if (!scalar) {
      code.addStatement("int plane = height * width");
      call = "image(input, n * " + g.inChannels() + " * plane, output, n * " + g.outChannels()
          + " * plane, fromChannel, toChannel, plane)";
    } else {
      code.addStatement("int outH = GEOMETRY.outputHeight(height)")
          .addStatement("int outW = GEOMETRY.outputWidth(width)")
          .addStatement("int inImage = $L * height * width", g.inChannels())
          .addStatement("int outImage = $L * outH * outW", g.outChannels());
      call = "image(input, n * inImage, output, n * outImage, fromChannel, toChannel, height,"
          + " width, outH, outW)";
    }
    return KernelClassWriter.imageLoop(code, units)
        .addStatement("int fromChannel = first * $L", block)
        .addStatement("int toChannel = Math.min(last * $L, $L)", block, g.outChannels())
        .addStatement(call)
        .endControlFlow()
        .build();
  }

  /** One image: all output channels of all pixels. */
  private static MethodSpec image(KernelPlan.Pointwise plan) {
    StageSpec stage = plan.stage();
    ConvGeometry g = stage.geometry();
    boolean fixed = stage.fixedSize();
    boolean flat = g.strideH() == 1 && g.strideW() == 1;
    MethodSpec.Builder method = MethodSpec.methodBuilder("image")
        .addJavadoc("Computes one image: input at {@code inputOffset}, output at"
            + " {@code outputOffset}.\n")
        .addModifiers(Modifier.PRIVATE)
        .addParameter(FLOATS, "input")
        .addParameter(TypeName.INT, "inputOffset")
        .addParameter(FLOATS, "output")
        .addParameter(TypeName.INT, "outputOffset")
        .addParameter(TypeName.INT, "fromChannel")
        .addParameter(TypeName.INT, "toChannel");
    Size inPlane;
    Size outPlane;
    Size rowLength;
    if (fixed) {
      inPlane = Size.of(stage.height() * stage.width());
      outPlane = Size.of(stage.outputHeight() * stage.outputWidth());
      rowLength = flat ? outPlane : Size.of(stage.outputWidth());
    } else {
      for (String size : new String[] {"height", "width", "outH", "outW"}) {
        method.addParameter(TypeName.INT, size);
      }
      method.addStatement("int inPlane = height * width")
          .addStatement("int outPlane = outH * outW");
      inPlane = Size.variable("inPlane");
      outPlane = Size.variable("outPlane");
      rowLength = flat ? outPlane : Size.variable("outW");
    }
    method.addStatement("float[] w = this.weight");
    if (stage.bias()) {
      method.addStatement("float[] b = this.bias");
    }
    int pixelBlock = plan.pixelBlock();
    String mainEnd;
    if (rowLength.isLiteral()) {
      mainEnd = Integer.toString(rowLength.literal() - rowLength.literal() % pixelBlock);
    } else {
      method.addStatement("int mainEnd = $L - $L % $L", rowLength, rowLength, pixelBlock);
      mainEnd = "mainEnd";
    }
    boolean hasTail = !rowLength.isLiteral() || rowLength.literal() % pixelBlock != 0;
    String pixelStride = flat ? "1" : Integer.toString(g.strideW());
    if (!flat) {
      String inRowStep = fixed ? Integer.toString(g.strideH() * stage.width())
          : g.strideH() + " * width";
      String outRows = fixed ? Integer.toString(stage.outputHeight()) : "outH";
      method.beginControlFlow("for (int i = 0; i < $L; i++)", outRows)
          .addStatement("int inRow = inputOffset + i * $L", inRowStep)
          .addStatement("int outRow = outputOffset + i * $L", rowLength);
    } else {
      method.addStatement("int inRow = inputOffset")
          .addStatement("int outRow = outputOffset");
    }
    method.addStatement("int j = 0");
    method.beginControlFlow("for (; j < $L; j += $L)", mainEnd, pixelBlock);
    method.addCode(pixelBlock(plan, pixelBlock, pixelStride, inPlane, outPlane));
    method.endControlFlow();
    if (hasTail) {
      method.beginControlFlow("for (; j < $L; j++)", rowLength);
      method.addCode(pixelBlock(plan, 1, pixelStride, inPlane, outPlane));
      method.endControlFlow();
    }
    if (!flat) {
      method.endControlFlow();
    }
    return method.build();
  }

  /**
   * The SIMD implementation (stride 1): blocks of 16 pixels (2 vectors) x {@code channelBlock}
   * output channels of accumulators, one FMA per weight and vector; planes under 16 pixels scalar.
   */
  private static TypeSpec simdClass(KernelPlan.Pointwise plan) {
    StageSpec stage = plan.stage();
    ConvGeometry g = stage.geometry();
    MethodSpec.Builder run = KernelClassWriter.simdRun().addCode(batchLoops(plan, false));
    MethodSpec.Builder image = MethodSpec.methodBuilder("image")
        .addModifiers(Modifier.PRIVATE)
        .addParameter(FLOATS, "input").addParameter(TypeName.INT, "inputOffset")
        .addParameter(FLOATS, "output").addParameter(TypeName.INT, "outputOffset")
        .addParameter(TypeName.INT, "fromChannel").addParameter(TypeName.INT, "toChannel");
    Size plane;
    if (stage.fixedSize()) {
      plane = Size.of(stage.height() * stage.width());
    } else {
      plane = Size.variable("plane");
      image.addParameter(TypeName.INT, "plane");
    }
    if (!plane.isLiteral() || plane.literal() < 16) { // the scalar path below reads them
      image.addStatement("float[] w = weight");
      if (stage.bias()) {
        image.addStatement("float[] b = bias");
      }
    }
    image.addStatement("int inRow = inputOffset")
        .addStatement("int outRow = outputOffset");
    // Blocks of 16 pixels; a last partial block is computed as the overlapping block ending at
    // the plane's end (it rewrites a few pixels with identical values), so no scalar tail runs.
    boolean divisible = plane.isLiteral() && plane.literal() % 16 == 0;
    boolean tooSmall = plane.isLiteral() && plane.literal() < 16;
    if (!plane.isLiteral()) {
      image.beginControlFlow("if (plane >= 16)");
    }
    if (!tooSmall) {
      int tile = plan.pixelTile();
      boolean oneTile = plane.isLiteral() && plane.literal() <= tile;
      boolean wholeTiles = plane.isLiteral() && plane.literal() % tile == 0;
      String tileEnd = oneTile ? plane.toString() : "tileEnd";
      if (!oneTile) {
        image.addComment("tiles of $L pixels: the input tile stays in cache while every output"
            + " channel block passes over it", tile)
            .beginControlFlow("for (int t = 0; t < $L; t += $L)", plane, tile)
            .addStatement(wholeTiles ? CodeBlock.of("int tileEnd = t + $L", tile)
                : CodeBlock.of("int tileEnd = Math.min(t + $L, $L)", tile, plane));
      }
      String pixelLoop = oneTile ? "for (int p = 0; p < $L; p += 16)" : "for (int p = t; p < $L; p += 16)";
      String pixel = divisible ? "int j = p" : "int j = Math.min(p, "
          + (plane.isLiteral() ? Integer.toString(plane.literal() - 16) : "plane - 16") + ")";
      String planeArg = plane.isLiteral() ? "" : ", plane";
      image.addCode(channelBlocks(plan, (first, channels) -> CodeBlock.builder()
          .beginControlFlow(pixelLoop, tileEnd)
          .addStatement(pixel)
          .addStatement("$L(input, inRow + j, output, outRow + j + $L, $L$L)",
              channels == plan.channelBlock() ? "block" : "lastBlock",
              first.matches("\\d+") ? plane.times(Integer.parseInt(first)) : first + " * " + plane,
              first, planeArg)
          .endControlFlow()
          .build()));
      if (!oneTile) {
        image.endControlFlow();
      }
    }
    if (!plane.isLiteral()) {
      image.nextControlFlow("else");
    }
    if (!plane.isLiteral() || tooSmall) {
      image.addComment("fewer than 16 pixels: scalar")
          .beginControlFlow("for (int j = 0; j < $L; j++)", plane)
          .addCode(pixelBlock(plan, 1, "1", plane, plane))
          .endControlFlow();
    }
    if (!plane.isLiteral()) {
      image.endControlFlow();
    }
    TypeSpec.Builder simd = KernelClassWriter.simdClass()
        .addMethod(run.build())
        .addMethod(image.build())
        .addMethods(vectorBlockMethods(plan, "block", plan.channelBlock(), plane));
    if (g.outChannels() % plan.channelBlock() != 0) {
      simd.addMethods(vectorBlockMethods(plan, "lastBlock",
          g.outChannels() % plan.channelBlock(), plane));
    }
    return simd.build();
  }

  private static List<MethodSpec> vectorBlockMethods(
      KernelPlan.Pointwise plan, String name, int channels, Size plane) {
    if (!plan.stage().fullUnroll()) {
      return List.of(vectorBlockMethod(plan, name, channels, plane));
    }
    int in = plan.stage().geometry().inChannels();
    int chunk = KernelPlanner.FULL_UNROLL_CHUNK;
    int chunks = (in + chunk - 1) / chunk;
    List<MethodSpec> methods = new ArrayList<>();
    MethodSpec.Builder dispatcher = blockSignature(name, plane);
    String planeArg = plane.isLiteral() ? "" : ", plane";
    for (int i = 0; i < chunks; i++) {
      String chunkName = chunks == 1 ? name : name + "Channels" + i * chunk + "to"
          + (Math.min(in, (i + 1) * chunk) - 1);
      methods.add(straightLineChunk(plan, blockSignature(chunkName, plane), channels, plane,
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

  private static MethodSpec.Builder blockSignature(String name, Size plane) {
    MethodSpec.Builder method = MethodSpec.methodBuilder(name)
        .addModifiers(Modifier.PRIVATE)
        .addParameter(FLOATS, "input").addParameter(TypeName.INT, "xc")
        .addParameter(FLOATS, "output").addParameter(TypeName.INT, "yk")
        .addParameter(TypeName.INT, "k");
    if (!plane.isLiteral()) {
      method.addParameter(TypeName.INT, "plane");
    }
    return method;
  }

  /**
   * Input channels {@code [from, to)} of the micro-kernel, unrolled: literal offsets, no loop. The
   * first chunk starts from the bias, later ones from the partial sums in the output tile; the
   * last applies the activation.
   */
  private static MethodSpec straightLineChunk(KernelPlan.Pointwise plan, MethodSpec.Builder method,
      int channels, Size plane, int from, int to) {
    StageSpec stage = plan.stage();
    int in = stage.geometry().inChannels();
    ClassName vector = KernelClassWriter.FLOAT_VECTOR;
    boolean last = to == in;
    method.addStatement("float[] w = weight")
        .addStatement("int wp = k * $L", in);
    if (from > 0) {
      for (int r = 0; r < channels; r++) {
        String row = plus("yk", plane.times(r));
        method.addStatement("$T a$L_0 = $T.fromArray(F, output, $L)", vector, r, vector, row)
            .addStatement("$T a$L_1 = $T.fromArray(F, output, $L)", vector, r, vector,
                plus(row, 8));
      }
    } else {
      method.addCode(biasAccumulators(stage, channels));
    }
    method.addStatement("$T x0, x1, w0", vector);
    for (int c = from; c < to; c++) {
      String offset = plane.times(c);
      method.addStatement("x0 = $T.fromArray(F, input, $L)", vector, plus("xc", offset))
          .addStatement("x1 = $T.fromArray(F, input, $L)", vector, plus(plus("xc", offset), 8));
      for (int r = 0; r < channels; r++) {
        method.addStatement("w0 = $T.broadcast(F, w[$L])", vector, plus("wp", c * channels + r))
            .addStatement("a$L_0 = x0.fma(w0, a$L_0)", r, r)
            .addStatement("a$L_1 = x1.fma(w0, a$L_1)", r, r);
      }
    }
    return method.addCode(storeAccumulators(stage, channels, plane, last)).build();
  }

  /** {@code a<r>_0, a<r>_1} for output channels {@code k + r}, starting at the bias (or zero). */
  private static CodeBlock biasAccumulators(StageSpec stage, int channels) {
    ClassName vector = KernelClassWriter.FLOAT_VECTOR;
    CodeBlock.Builder code = CodeBlock.builder();
    for (int r = 0; r < channels; r++) {
      if (stage.bias()) {
        code.addStatement("$T a$L_0 = $T.broadcast(F, bias[$L])", vector, r, vector, plus("k", r));
      } else {
        code.addStatement("$T a$L_0 = $T.zero(F)", vector, r, vector);
      }
      code.addStatement("$T a$L_1 = a$L_0", vector, r, r);
    }
    return code.build();
  }

  /** Stores the accumulators to the output tile at {@code yk}, with the activation if final. */
  private static CodeBlock storeAccumulators(
      StageSpec stage, int channels, Size plane, boolean activate) {
    CodeBlock.Builder code = CodeBlock.builder();
    for (int r = 0; r < channels; r++) {
      String row = plus("yk", plane.times(r));
      for (int half = 0; half < 2; half++) {
        String value = "a" + r + "_" + half;
        code.addStatement("$L.intoArray(output, $L)",
            activate ? Expressions.activateVector(stage.activation(), value) : value,
            plus(row, 8 * half));
      }
    }
    return code.build();
  }

  /**
   * The micro-kernel as its own small method: {@code channels} output channels from {@code k} x
   * 16 pixels, the whole input-channel reduction. Kept out of the image loops on purpose: called
   * thousands of times, it is compiled normally by C2, while the same code inlined into a
   * long-running loop was measured to be compiled on-stack-replacement without Vector API
   * intrinsics now and then (2 instead of 40-55 GFLOP/s).
   */
  private static MethodSpec vectorBlockMethod(
      KernelPlan.Pointwise plan, String name, int channels, Size plane) {
    return blockSignature(name, plane).addCode(vectorChannelBlock(plan, channels, plane)).build();
  }

  /** The rolled micro-kernel for output channels {@code k .. k + channels - 1}. */
  private static CodeBlock vectorChannelBlock(
      KernelPlan.Pointwise plan, int channels, Size plane) {
    StageSpec stage = plan.stage();
    ConvGeometry g = stage.geometry();
    ClassName vector = KernelClassWriter.FLOAT_VECTOR;
    CodeBlock.Builder code = CodeBlock.builder()
        .addStatement("int wp = k * $L", g.inChannels())
        .add(biasAccumulators(stage, channels));
    code.addStatement("float[] w = weight");
    code.beginControlFlow("for (int c = 0; c < $L; c++)", g.inChannels())
        .addStatement("$T x0 = $T.fromArray(F, input, xc)", vector, vector)
        .addStatement("$T x1 = $T.fromArray(F, input, xc + 8)", vector, vector);
    for (int r = 0; r < channels; r++) {
      code.addStatement(r == 0 ? "$T w0 = $T.broadcast(F, w[$L])" : "w0 = $T.broadcast(F, w[$L])",
              r == 0 ? new Object[] {vector, vector, plus("wp", r)}
                  : new Object[] {vector, plus("wp", r)})
          .addStatement("a$L_0 = x0.fma(w0, a$L_0)", r, r)
          .addStatement("a$L_1 = x1.fma(w0, a$L_1)", r, r);
    }
    return code.addStatement("xc += $L", plane)
        .addStatement("wp += $L", channels)
        .endControlFlow()
        .add(storeAccumulators(stage, channels, plane, true))
        .build();
  }

  /** All output channels for {@code pixels} consecutive output pixels starting at column j. */
  private static CodeBlock pixelBlock(KernelPlan.Pointwise plan, int pixels, String pixelStride,
      Size inPlane, Size outPlane) {
    CodeBlock.Builder code = CodeBlock.builder()
        .addStatement("int xp = inRow + j$L", pixelStride.equals("1") ? "" : " * " + pixelStride)
        .addStatement("int yp = outRow + j");
    return code.add(channelBlocks(plan, (first, channels) ->
        channelBlock(plan, first, channels, pixels, pixelStride, inPlane, outPlane))).build();
  }

  /**
   * The output channels {@code [fromChannel, toChannel)}: a loop over full blocks, then the
   * narrower last block when the range reaches it.
   */
  private static CodeBlock channelBlocks(
      KernelPlan.Pointwise plan, BiFunction<String, Integer, CodeBlock> block) {
    int width = plan.channelBlock();
    int out = plan.stage().geometry().outChannels();
    int full = out - out % width;
    CodeBlock.Builder code = CodeBlock.builder();
    if (full > 0) {
      code.beginControlFlow("for (int k = fromChannel; k < $L; k += $L)",
              full == out ? "toChannel" : "Math.min(toChannel, " + full + ")", width)
          .add(block.apply("k", width))
          .endControlFlow();
    }
    if (full < out) {
      code.add("// output channels $L..$L\n", full, out - 1)
          .beginControlFlow("if (toChannel > $L)", full)
          .add(block.apply(Integer.toString(full), out - full))
          .endControlFlow();
    }
    return code.build();
  }

  /**
   * {@code channels x pixels} accumulators for output channels {@code first ...}; the weights of
   * this block are packed {@code [in][channels]} starting at {@code first * in}.
   */
  private static CodeBlock channelBlock(KernelPlan.Pointwise plan, String first, int channels,
      int pixels, String pixelStride, Size inPlane, Size outPlane) {
    StageSpec stage = plan.stage();
    ConvGeometry g = stage.geometry();
    int in = g.inChannels();
    int unroll = plan.reductionUnroll();
    CodeBlock.Builder code = CodeBlock.builder();
    String firstTimesIn = first.matches("\\d+")
        ? Integer.toString(Integer.parseInt(first) * in) : first + " * " + in;
    code.addStatement("int wp = $L", firstTimesIn);
    for (int r = 0; r < channels; r++) {
      String init = stage.bias() ? "b[" + plus(first, r) + "]" : "0f";
      for (int q = 0; q < pixels; q++) {
        code.addStatement("float a$L_$L = $L", r, q, q == 0 ? init : "a" + r + "_0");
      }
    }
    code.addStatement("int xc = xp");
    code.addStatement("float $L", String.join(", ", names("x", pixels)));
    code.addStatement("float w0");
    boolean loop = in > unroll;
    if (loop) {
      code.beginControlFlow("for (int c = 0; c < $L; c += $L)", in, unroll);
    }
    for (int u = 0; u < unroll; u++) {
      for (int q = 0; q < pixels; q++) {
        code.addStatement("x$L = input[$L]", q,
            plus("xc", q == 0 ? "0" : pixelStride.equals("1") ? Integer.toString(q)
                : Integer.toString(q * Integer.parseInt(pixelStride))));
      }
      for (int r = 0; r < channels; r++) {
        code.addStatement("w0 = w[$L]", plus("wp", u * channels + r));
        for (int q = 0; q < pixels; q++) {
          code.addStatement("a$L_$L += w0 * x$L", r, q, q);
        }
      }
      if (u < unroll - 1 || loop) {
        code.addStatement("xc += $L", inPlane);
      }
    }
    if (loop) {
      code.addStatement("wp += $L", unroll * channels);
      code.endControlFlow();
    }
    String outBase = first.equals("0") ? "yp" : "yp + " + (first.matches("\\d+")
        ? outPlane.times(Integer.parseInt(first)) : first + " * " + outPlane);
    code.addStatement("int yk = $L", outBase);
    for (int r = 0; r < channels; r++) {
      for (int q = 0; q < pixels; q++) {
        String index = plus(plus("yk", outPlane.times(r)), q);
        code.addStatement("output[$L] = $L", index,
            activate(stage.activation(), "a" + r + "_" + q));
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
