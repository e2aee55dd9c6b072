package dev.convgen.processor;

import static dev.convgen.processor.Expressions.activate;
import static dev.convgen.processor.Expressions.plus;
import static dev.convgen.processor.Expressions.times;
import static dev.convgen.processor.KernelClassWriter.FLOATS;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.TypeSpec;
import dev.convgen.annotations.Activation;
import dev.convgen.runtime.ConvGeometry;
import java.util.Arrays;
import java.util.List;
import javax.lang.model.element.Modifier;

/**
 * Emits a KxK kernel that works plane by plane: depthwise, grouped or dense. Each output plane is
 * split into an interior, where every tap falls inside the input and the taps are unrolled with
 * literal offsets and no bounds checks, and a border (rows above and below, columns left and
 * right) computed with checked taps. With a fixed input size the split is resolved at compile
 * time; otherwise it is computed once per call.
 *
 * <p>A depthwise output plane reads one input plane, so bias and activation are fused into its
 * single pass. A dense or grouped output plane reads {@code in / groups} input planes: it is
 * filled with the bias, then each input plane's filter is accumulated into it by the same
 * {@code plane} code (taps of one filter unrolled, reading the plane it adds to), and the
 * activation is applied in a last pass while the plane is still in cache.
 */
final class SpatialEmitter {

  /** Run-time sizes passed to {@code plane} when the spec leaves height and width open. */
  private static final List<String> PLANE_SIZES =
      List.of("height", "width", "outH", "outW", "rowLo", "rowHi", "colLo", "colHi");

  TypeSpec emit(String simpleName, KernelPlan.Spatial plan, CodeBlock javadoc) {
    StageSpec stage = plan.stage();
    TypeSpec.Builder type = KernelClassWriter.kernelClass(
        simpleName, stage, CodeBlock.of("weight.clone()"), javadoc, plan.simd());
    ConvGeometry g = stage.geometry();
    type.addMethod(KernelClassWriter.forwardUnitsMethod(type, stage, plan.simd(),
                accumulates(stage) ? g.outChannels() : g.inChannels(),
                accumulates(stage) ? "Output channels" : "Input channels (each with its "
                    + g.multiplier() + " output channel(s))")
            .addCode(batchLoops(stage)).build())
        .addMethod(plane(plan))
        .addMethod(borderRow(stage))
        .addMethod(borderPixel(stage));
    if (plan.simd()) {
      type.addType(KernelClassWriter.simdClass()
          .addMethod(KernelClassWriter.simdRun().addCode(batchLoops(stage)).build())
          .addMethod(simdPlane(plan))
          .addMethod(span(plan))
          .build());
    }
    return type.build();
  }

  /**
   * Whether output planes sum several input planes (dense and grouped kernels): {@code plane} then
   * adds one filter's contribution to the output instead of writing the finished value.
   */
  private static boolean accumulates(StageSpec stage) {
    return !stage.geometry().isDepthwise();
  }

  /** The assignment operator of a plane's stores: {@code =} or {@code +=}. */
  private static String store(StageSpec stage) {
    return accumulates(stage) ? "+=" : "=";
  }

  /**
   * The sizes a plane needs, each a literal (fixed-size stages) or the name of the generated
   * code's variable ({@link #PLANE_SIZES}): input and output size, and the interior's output rows
   * {@code [rowLo, rowHi)} and columns {@code [colLo, colHi)}.
   */
  private record PlaneSizes(String height, String width, String outH, String outW, String rowLo,
      String rowHi, String colLo, String colHi) {}

  private static PlaneSizes sizes(StageSpec stage) {
    if (!stage.fixedSize()) {
      return new PlaneSizes("height", "width", "outH", "outW", "rowLo", "rowHi", "colLo", "colHi");
    }
    ConvGeometry g = stage.geometry();
    int outH = stage.outputHeight();
    int outW = stage.outputWidth();
    int rowLo = Math.min(outH, ceilDiv(g.padTop(), g.strideH()));
    int rowHi = Math.max(rowLo, Math.min(outH,
        Math.floorDiv(stage.height() - g.extentH() + g.padTop(), g.strideH()) + 1));
    int colLo = Math.min(outW, ceilDiv(g.padLeft(), g.strideW()));
    int colHi = Math.max(colLo, Math.min(outW,
        Math.floorDiv(stage.width() - g.extentW() + g.padLeft(), g.strideW()) + 1));
    return new PlaneSizes(Integer.toString(stage.height()), Integer.toString(stage.width()),
        Integer.toString(outH), Integer.toString(outW), Integer.toString(rowLo),
        Integer.toString(rowHi), Integer.toString(colLo), Integer.toString(colHi));
  }

  /** The loops over images and channels calling {@code plane}, with run-time sizes first. */
  private static CodeBlock batchLoops(StageSpec stage) {
    ConvGeometry g = stage.geometry();
    CodeBlock.Builder forward = CodeBlock.builder();
    String inPlane;
    String outPlane;
    String extra = "";
    if (stage.fixedSize()) {
      inPlane = Integer.toString(stage.height() * stage.width());
      outPlane = Integer.toString(stage.outputHeight() * stage.outputWidth());
    } else {
      forward.addStatement("int outH = GEOMETRY.outputHeight(height)")
          .addStatement("int outW = GEOMETRY.outputWidth(width)")
          .add("// interior: output rows/columns whose taps all fall inside the input\n")
          .addStatement("int rowLo = Math.min(outH, $L)", ceilDiv(g.padTop(), g.strideH()))
          .addStatement("int rowHi = Math.max(rowLo, Math.min(outH, "
              + "Math.floorDiv(height - $L, $L) + 1))", g.extentH() - g.padTop(), g.strideH())
          .addStatement("int colLo = Math.min(outW, $L)", ceilDiv(g.padLeft(), g.strideW()))
          .addStatement("int colHi = Math.max(colLo, Math.min(outW, "
              + "Math.floorDiv(width - $L, $L) + 1))", g.extentW() - g.padLeft(), g.strideW())
          .addStatement("int inPlane = height * width")
          .addStatement("int outPlane = outH * outW");
      inPlane = "inPlane";
      outPlane = "outPlane";
      extra = ", " + String.join(", ", PLANE_SIZES);
    }
    if (accumulates(stage)) {
      return accumulatingLoops(stage, forward, inPlane, outPlane, extra);
    }
    int channels = g.inChannels();
    int multiplier = g.multiplier();
    KernelClassWriter.imageLoop(forward, channels)
        .beginControlFlow("for (int c = first; c < last; c++)")
        .addStatement("int xo = (n * $L + c) * $L", channels, inPlane);
    if (multiplier == 1) {
      forward.addStatement("plane(input, xo, output, (n * $L + c) * $L, c$L)",
          channels, outPlane, extra);
    } else {
      forward.beginControlFlow("for (int m = 0; m < $L; m++)", multiplier)
          .addStatement("int k = c * $L + m", multiplier)
          .addStatement("plane(input, xo, output, (n * $L + k) * $L, k$L)",
              g.outChannels(), outPlane, extra)
          .endControlFlow();
    }
    return forward.endControlFlow().endControlFlow().build();
  }

  /**
   * Dense and grouped kernels: per output plane, the bias fill, one {@code plane} call per input
   * channel of its group, and the activation pass.
   */
  private static CodeBlock accumulatingLoops(StageSpec stage, CodeBlock.Builder forward,
      String inPlane, String outPlane, String extra) {
    ConvGeometry g = stage.geometry();
    int out = g.outChannels();
    int perGroupIn = g.inChannelsPerGroup();
    int perGroupOut = out / g.groups();
    String firstInput = g.groups() == 1 ? "n * " + g.inChannels()
        : "n * " + g.inChannels() + " + k / " + perGroupOut + " * " + perGroupIn;
    KernelClassWriter.imageLoop(forward, out)
        .beginControlFlow("for (int k = first; k < last; k++)")
        .addStatement("int yo = (n * $L + k) * $L", out, outPlane)
        .addStatement("$T.fill(output, yo, yo + $L, $L)", Arrays.class, outPlane,
            stage.bias() ? "bias[k]" : "0f")
        .addStatement("int xo = ($L) * $L", firstInput, inPlane)
        .beginControlFlow("for (int c = 0; c < $L; c++)", perGroupIn)
        .addStatement("plane(input, xo + c * $L, output, yo, k * $L + c$L)", inPlane, perGroupIn,
            extra)
        .endControlFlow();
    if (stage.activation() != Activation.NONE) {
      forward.beginControlFlow("for (int p = yo; p < yo + $L; p++)", outPlane)
          .addStatement("float v = output[p]")
          .addStatement("output[p] = $L", activate(stage.activation(), "v"))
          .endControlFlow();
    }
    return forward.endControlFlow().endControlFlow().build();
  }

  /** Output rows {@code [from, to)} computed entirely as border; nothing when known empty. */
  private static void borderRows(
      MethodSpec.Builder method, String from, String to, String sizeArgs) {
    if (!from.equals(to)) {
      method.beginControlFlow("for (int i = $L; i < $L; i++)", from, to)
          .addStatement("borderRow(input, xo, output, yo, i, k$L)", sizeArgs)
          .endControlFlow();
    }
  }

  /** The header shared by the scalar and SIMD {@code plane} methods. */
  private static MethodSpec.Builder planeMethod(StageSpec stage) {
    MethodSpec.Builder method = MethodSpec.methodBuilder("plane")
        .addJavadoc(accumulates(stage)
            ? "Adds filter {@code k} applied to input plane {@code xo} to output plane {@code yo}.\n"
            : "Output channel {@code k} of one image, reading input plane {@code xo}.\n")
        .addModifiers(Modifier.PRIVATE)
        .addParameter(FLOATS, "input").addParameter(TypeName.INT, "xo")
        .addParameter(FLOATS, "output").addParameter(TypeName.INT, "yo")
        .addParameter(TypeName.INT, "k");
    if (!stage.fixedSize()) {
      PLANE_SIZES.forEach(size -> method.addParameter(TypeName.INT, size));
    }
    return method;
  }

  /**
   * Declares the bias {@code bk}, the taps {@code w0..} (when unrolled) and the kernel-row offsets
   * {@code row1..} (when the width is a run-time value); returns each kernel row's offset.
   */
  private static String[] tapPreamble(KernelPlan.Spatial plan, MethodSpec.Builder method) {
    StageSpec stage = plan.stage();
    ConvGeometry g = stage.geometry();
    int kh = g.kernelH();
    int taps = kh * g.kernelW();
    if (!accumulates(stage)) {
      method.addStatement("float bk = $L", stage.bias() ? "bias[k]" : "0f");
    }
    if (plan.unrollAllTaps()) {
      method.addStatement("int wo = k * $L", taps);
      for (int t = 0; t < taps; t++) {
        method.addStatement("float w$L = weight[$L]", t, plus("wo", t));
      }
    }
    String[] rowOffsets = new String[kh];
    for (int r = 0; r < kh; r++) {
      if (stage.fixedSize() || r == 0) {
        rowOffsets[r] = Integer.toString(r * g.dilationH() * stage.width());
      } else {
        rowOffsets[r] = "row" + r;
        method.addStatement("int row$L = $L", r, times("width", r * g.dilationH()));
      }
    }
    return rowOffsets;
  }

  /** One output plane {@code k}: border rows, then interior rows with border columns. */
  private static MethodSpec plane(KernelPlan.Spatial plan) {
    StageSpec stage = plan.stage();
    ConvGeometry g = stage.geometry();
    PlaneSizes s = sizes(stage);
    String outH = s.outH();
    String outW = s.outW();
    String rowLo = s.rowLo();
    String rowHi = s.rowHi();
    String colLo = s.colLo();
    String colHi = s.colHi();
    MethodSpec.Builder method = planeMethod(stage);
    String sizeArgs = stage.fixedSize() ? "" : ", height, width";
    String[] rowOffsets = tapPreamble(plan, method);
    borderRows(method, "0", rowLo, sizeArgs);
    method.beginControlFlow("for (int i = $L; i < $L; i++)", rowLo, rowHi)
        .addStatement("int yr = yo + i * $L", outW);
    if (!colLo.equals("0")) {
      method.beginControlFlow("for (int j = 0; j < $L; j++)", colLo)
          .addStatement("output[yr + j] $L borderPixel(input, xo, i, j, k$L)",
              store(stage), sizeArgs)
          .endControlFlow();
    }
    if (stage.fixedSize()) {
      int constant = -g.padTop() * stage.width() - g.padLeft();
      method.addStatement("int xp = $L", plus(plus("xo", "i * " + g.strideH() * stage.width()),
          constant));
    } else {
      String firstRow = plus(times("i", g.strideH()), -g.padTop());
      method.addStatement("int xp = $L", plus(plus("xo", (firstRow.equals("i") ? "i"
          : "(" + firstRow + ")") + " * width"), -g.padLeft()));
    }
    // Taps are addressed from the loop index alone (x = xp + j * stride), the form C2's range-check
    // elimination handles best.
    method.beginControlFlow("for (int j = $L; j < $L; j++)", colLo, colHi)
        .addStatement("int x = xp + $L", times("j", g.strideW()))
        .addCode(interiorPixel(plan, rowOffsets))
        .endControlFlow();
    method.beginControlFlow("for (int j = $L; j < $L; j++)", colHi, outW)
        .addStatement("output[yr + j] $L borderPixel(input, xo, i, j, k$L)", store(stage), sizeArgs)
        .endControlFlow()
        .endControlFlow();
    borderRows(method, rowHi, outH, sizeArgs);
    return method.build();
  }

  /** Vectors of 8 pixels per call of the SIMD {@code span} leaf method. */
  static final int SPAN_VECTORS = 8;

  /**
   * The SIMD plane (stride 1): scalar control flow (borders, remainders) around calls of the
   * {@code span} leaf, which computes up to {@value #SPAN_VECTORS} x 8 interior pixels with no
   * bounds checks. When the output is as wide as the input (padding left + right = kernel extent
   * - 1), the interior is one flat run across rows whose wrapped edge columns are then rewritten
   * by the border code: long runs even for 7x7 planes.
   */
  private static MethodSpec simdPlane(KernelPlan.Spatial plan) {
    StageSpec stage = plan.stage();
    ConvGeometry g = stage.geometry();
    PlaneSizes s = sizes(stage);
    String width = s.width();
    String rowLo = s.rowLo();
    String rowHi = s.rowHi();
    String colLo = s.colLo();
    String colHi = s.colHi();
    MethodSpec.Builder method = planeMethod(stage);
    String sizeArgs = stage.fixedSize() ? "" : ", height, width";
    String spanWidth = stage.fixedSize() ? "" : ", width";
    String[] rowOffsets = tapPreamble(plan, method);
    borderRows(method, "0", rowLo, sizeArgs);
    // (Not when accumulating: the wrapped columns would add garbage that the border cannot undo.)
    boolean flat = !accumulates(stage) && g.padLeft() + g.padRight() == g.extentW() - 1;
    if (flat) {
      method.addComment("interior rows as one flat run of pixels; wrapped edge columns fixed below");
      if (stage.fixedSize()) {
        int w = stage.width();
        boolean empty = Integer.parseInt(rowHi) <= Integer.parseInt(rowLo)
            || Integer.parseInt(colHi) <= Integer.parseInt(colLo);
        int qLo = Integer.parseInt(rowLo) * w + Integer.parseInt(colLo);
        int qHi = empty ? qLo : (Integer.parseInt(rowHi) - 1) * w + Integer.parseInt(colHi);
        method.addStatement("int end = $L", qHi)
            .addStatement("int xb = $L", plus("xo", -g.padTop() * w - g.padLeft()))
            .addStatement("int j = $L", qLo);
      } else {
        method.addStatement("int end = rowHi > rowLo && colHi > colLo ? (rowHi - 1) * width + colHi"
                + " : rowLo * width + colLo")
            .addStatement("int xb = $L", plus(plus("xo", times("width", -g.padTop())),
                -g.padLeft()))
            .addStatement("int j = rowLo * width + colLo");
      }
      method.addStatement("int yr = yo")
          .addCode(spanCalls(plan, rowOffsets, "xb", spanWidth))
          .beginControlFlow("for (int i = $L; i < $L; i++)", rowLo, rowHi)
          .addStatement("int row = yo + i * $L", width)
          .beginControlFlow("for (int c = 0; c < $L; c++)", colLo)
          .addStatement("output[row + c] $L borderPixel(input, xo, i, c, k$L)",
              store(stage), sizeArgs)
          .endControlFlow()
          .beginControlFlow("for (int c = $L; c < $L; c++)", colHi, width)
          .addStatement("output[row + c] $L borderPixel(input, xo, i, c, k$L)",
              store(stage), sizeArgs)
          .endControlFlow()
          .endControlFlow();
    } else {
      String outW = s.outW();
      method.beginControlFlow("for (int i = $L; i < $L; i++)", rowLo, rowHi)
          .addStatement("int yr = yo + i * $L", outW)
          .beginControlFlow("for (int j = 0; j < $L; j++)", colLo)
          .addStatement("output[yr + j] $L borderPixel(input, xo, i, j, k$L)",
              store(stage), sizeArgs)
          .endControlFlow()
          .addStatement("int xp = $L", plus(plus("xo", "(" + plus("i", -g.padTop()) + ") * "
              + width), -g.padLeft()))
          .addStatement("int end = $L", colHi)
          .addStatement("int j = $L", colLo)
          .addCode(spanCalls(plan, rowOffsets, "xp", spanWidth))
          .beginControlFlow("for (j = $L; j < $L; j++)", colHi, outW)
          .addStatement("output[yr + j] $L borderPixel(input, xo, i, j, k$L)",
              store(stage), sizeArgs)
          .endControlFlow()
          .endControlFlow();
    }
    borderRows(method, rowHi, s.outH(), sizeArgs);
    return method.build();
  }

  /**
   * Interior pixels {@code [j, end)} of output run {@code yr}, first tap of pixel j at
   * {@code input[base + j]}: {@code span} calls for whole vectors, then scalar pixels.
   */
  private static CodeBlock spanCalls(KernelPlan.Spatial plan, String[] rowOffsets, String base,
      String spanWidth) {
    return CodeBlock.builder()
        .beginControlFlow("while (j + 8 <= end)")
        .addStatement("int vectors = Math.min((end - j) >> 3, $L)", SPAN_VECTORS)
        .addStatement("span(input, $L + j, output, yr + j, vectors, k$L)", base, spanWidth)
        .addStatement("j += vectors * 8")
        .endControlFlow()
        .beginControlFlow("for (; j < end; j++)")
        .addStatement("int x = $L + j", base)
        .add(interiorPixel(plan, rowOffsets))
        .endControlFlow()
        .build();
  }

  /**
   * The SIMD leaf: {@code vectors} x 8 consecutive interior pixels, all taps unrolled, one FMA per
   * tap. Kept small, branch-free and bounded on purpose: a long-running method holding Vector API
   * code was measured to be deoptimized now and then, and each time it ran interpreted, boxing
   * every vector (75 MB allocated per call, ~1000x slower).
   */
  private static MethodSpec span(KernelPlan.Spatial plan) {
    StageSpec stage = plan.stage();
    ConvGeometry g = stage.geometry();
    ClassName vector = KernelClassWriter.FLOAT_VECTOR;
    MethodSpec.Builder method = MethodSpec.methodBuilder("span")
        .addModifiers(Modifier.PRIVATE)
        .addParameter(FLOATS, "input").addParameter(TypeName.INT, "x")
        .addParameter(FLOATS, "output").addParameter(TypeName.INT, "y")
        .addParameter(TypeName.INT, "vectors").addParameter(TypeName.INT, "k");
    if (!stage.fixedSize()) {
      method.addParameter(TypeName.INT, "width");
    }
    int taps = g.kernelH() * g.kernelW();
    boolean hoist = taps <= 16;
    method.addStatement("int wo = k * $L", taps);
    if (!accumulates(stage)) {
      method.addStatement(stage.bias() ? "$T vb = $T.broadcast(F, bias[k])" : "$T vb = $T.zero(F)",
          vector, vector);
    }
    if (hoist) {
      for (int t = 0; t < taps; t++) {
        method.addStatement("$T v$L = $T.broadcast(F, weight[$L])", vector, t, vector,
            plus("wo", t));
      }
    }
    String[] rowOffsets = new String[g.kernelH()];
    for (int r = 0; r < g.kernelH(); r++) {
      if (stage.fixedSize() || r == 0) {
        rowOffsets[r] = Integer.toString(r * g.dilationH() * stage.width());
      } else {
        rowOffsets[r] = "row" + r;
        method.addStatement("int row$L = $L", r, times("width", r * g.dilationH()));
      }
    }
    method.beginControlFlow("for (int v = 0; v < vectors; v++)");
    if (accumulates(stage)) {
      method.addStatement("$T acc = $T.fromArray(F, output, y)", vector, vector);
    } else {
      method.addStatement("$T acc = vb", vector);
    }
    for (int r = 0; r < g.kernelH(); r++) {
      for (int c = 0; c < g.kernelW(); c++) {
        int t = r * g.kernelW() + c;
        method.addStatement("acc = $T.fromArray(F, input, $L).fma($L, acc)", vector,
            plus(plus("x", rowOffsets[r]), c * g.dilationW()),
            hoist ? "v" + t : "FloatVector.broadcast(F, weight[" + plus("wo", t) + "])");
      }
    }
    return method.addStatement("$L.intoArray(output, y)", accumulates(stage) ? "acc"
            : Expressions.activateVector(stage.activation(), "acc"))
        .addStatement("x += 8")
        .addStatement("y += 8")
        .endControlFlow()
        .build();
  }

  /** One interior output value at {@code yr + j}, first tap at {@code input[x]}: no checks. */
  private static CodeBlock interiorPixel(KernelPlan.Spatial plan, String[] rowOffsets) {
    ConvGeometry g = plan.stage().geometry();
    int kh = g.kernelH();
    int kw = g.kernelW();
    CodeBlock.Builder code = CodeBlock.builder()
        .addStatement("float acc = $L", accumulates(plan.stage()) ? "output[yr + j]" : "bk");
    if (plan.unrollAllTaps()) {
      for (int r = 0; r < kh; r++) {
        for (int c = 0; c < kw; c++) {
          code.addStatement("acc += w$L * input[$L]", r * kw + c,
              plus(plus("x", rowOffsets[r]), c * g.dilationW()));
        }
      }
    } else {
      // Too many taps for registers: loop over kernel rows, one row's taps unrolled.
      String rowStep = plan.stage().fixedSize()
          ? Integer.toString(g.dilationH() * plan.stage().width())
          : g.dilationH() + " * width";
      code.addStatement("int xr = x")
          .addStatement("int wr = k * $L", kh * kw)
          .beginControlFlow("for (int r = 0; r < $L; r++)", kh);
      for (int c = 0; c < kw; c++) {
        code.addStatement("acc += weight[$L] * input[$L]", plus("wr", c),
            plus("xr", c * g.dilationW()));
      }
      code.addStatement("xr += $L", rowStep)
          .addStatement("wr += $L", kw)
          .endControlFlow();
    }
    return code.addStatement("output[yr + j] = $L", accumulates(plan.stage()) ? "acc"
            : activate(plan.stage().activation(), "acc"))
        .build();
  }

  /** A whole output row in the border: every pixel checked. */
  private static MethodSpec borderRow(StageSpec stage) {
    String outW = sizes(stage).outW();
    MethodSpec.Builder method = MethodSpec.methodBuilder("borderRow")
        .addModifiers(Modifier.PRIVATE)
        .addParameter(FLOATS, "input").addParameter(TypeName.INT, "xo")
        .addParameter(FLOATS, "output").addParameter(TypeName.INT, "yo")
        .addParameter(TypeName.INT, "i").addParameter(TypeName.INT, "k");
    String sizeArgs = "";
    if (!stage.fixedSize()) {
      method.addParameter(TypeName.INT, "height").addParameter(TypeName.INT, "width")
          .addStatement("int outW = GEOMETRY.outputWidth(width)");
      sizeArgs = ", height, width";
    }
    return method.addStatement("int yr = yo + i * $L", outW)
        .beginControlFlow("for (int j = 0; j < $L; j++)", outW)
        .addStatement("output[yr + j] $L borderPixel(input, xo, i, j, k$L)", store(stage), sizeArgs)
        .endControlFlow()
        .build();
  }

  /**
   * One output value near the border (or, when accumulating, one filter's contribution to it):
   * taps outside the input read zero padding.
   */
  private static MethodSpec borderPixel(StageSpec stage) {
    ConvGeometry g = stage.geometry();
    PlaneSizes s = sizes(stage);
    String height = s.height();
    String width = s.width();
    MethodSpec.Builder method = MethodSpec.methodBuilder("borderPixel")
        .addModifiers(Modifier.PRIVATE)
        .returns(TypeName.FLOAT)
        .addParameter(FLOATS, "input").addParameter(TypeName.INT, "xo")
        .addParameter(TypeName.INT, "i").addParameter(TypeName.INT, "j")
        .addParameter(TypeName.INT, "k");
    if (!stage.fixedSize()) {
      method.addParameter(TypeName.INT, "height").addParameter(TypeName.INT, "width");
    }
    method.addStatement("float acc = $L",
            accumulates(stage) || !stage.bias() ? "0f" : "bias[k]")
        .addStatement("int ih0 = $L", plus(times("i", g.strideH()), -g.padTop()))
        .addStatement("int iw0 = $L", plus(times("j", g.strideW()), -g.padLeft()))
        .beginControlFlow("for (int r = 0; r < $L; r++)", g.kernelH())
        .addStatement("int ih = ih0 + $L", times("r", g.dilationH()))
        .beginControlFlow("if (ih < 0 || ih >= $L)", height)
        .addStatement("continue")
        .endControlFlow()
        .addStatement("int xr = xo + ih * $L", width)
        .addStatement("int wr = (k * $L + r) * $L", g.kernelH(), g.kernelW());
    for (int c = 0; c < g.kernelW(); c++) {
      String iw = plus("iw0", c * g.dilationW());
      method.beginControlFlow("if ($L >= 0 && $L < $L)", iw, iw, width)
          .addStatement("acc += weight[$L] * input[xr + $L]", plus("wr", c),
              c == 0 ? "iw0" : "(" + iw + ")")
          .endControlFlow();
    }
    return method.endControlFlow()
        .addStatement("return $L", accumulates(stage) ? "acc" : activate(stage.activation(), "acc"))
        .build();
  }

  private static int ceilDiv(int a, int b) {
    return (a + b - 1) / b;
  }
}
