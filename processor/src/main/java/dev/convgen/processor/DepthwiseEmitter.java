package dev.convgen.processor;

import static dev.convgen.processor.Expressions.activate;
import static dev.convgen.processor.Expressions.plus;
import static dev.convgen.processor.Expressions.times;
import static dev.convgen.processor.KernelClassWriter.FLOATS;

import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.TypeSpec;
import dev.convgen.runtime.ConvGeometry;
import java.util.List;
import javax.lang.model.element.Modifier;

/**
 * Emits a depthwise kernel. Each output plane is split into an interior, where every tap falls
 * inside the input and the taps are unrolled with literal offsets and no bounds checks, and a
 * border (rows above and below, columns left and right) computed with checked taps. With a fixed
 * input size the split is resolved at compile time; otherwise it is computed once per call.
 */
final class DepthwiseEmitter {

  /** Run-time sizes passed to {@code plane} when the spec leaves height and width open. */
  private static final List<String> PLANE_SIZES =
      List.of("height", "width", "outH", "outW", "rowLo", "rowHi", "colLo", "colHi");

  TypeSpec emit(String simpleName, KernelPlan.Depthwise plan, CodeBlock javadoc) {
    StageSpec stage = plan.stage();
    return KernelClassWriter.kernelClass(simpleName, stage, CodeBlock.of("weight.clone()"), javadoc)
        .addMethod(forward(stage))
        .addMethod(plane(plan))
        .addMethod(borderRow(stage))
        .addMethod(borderPixel(stage))
        .build();
  }

  /** Literal or run-time values of the sizes a plane needs, in {@link #PLANE_SIZES} order. */
  private static String[] sizes(StageSpec stage) {
    if (!stage.fixedSize()) {
      return PLANE_SIZES.toArray(new String[0]);
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
    return new String[] {
        Integer.toString(stage.height()), Integer.toString(stage.width()),
        Integer.toString(outH), Integer.toString(outW),
        Integer.toString(rowLo), Integer.toString(rowHi),
        Integer.toString(colLo), Integer.toString(colHi)};
  }

  private static MethodSpec forward(StageSpec stage) {
    ConvGeometry g = stage.geometry();
    MethodSpec.Builder forward = KernelClassWriter.forwardMethod(stage);
    String inPlane;
    String outPlane;
    String extra = "";
    if (stage.fixedSize()) {
      inPlane = Integer.toString(stage.height() * stage.width());
      outPlane = Integer.toString(stage.outputHeight() * stage.outputWidth());
    } else {
      forward.addStatement("int outH = GEOMETRY.outputHeight(height)")
          .addStatement("int outW = GEOMETRY.outputWidth(width)")
          .addComment("interior: output rows/columns whose taps all fall inside the input")
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
    int channels = g.inChannels();
    int multiplier = g.multiplier();
    forward.beginControlFlow("for (int n = 0; n < batch; n++)")
        .beginControlFlow("for (int c = 0; c < $L; c++)", channels)
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

  /** One output plane {@code k}: border rows, then interior rows with border columns. */
  private static MethodSpec plane(KernelPlan.Depthwise plan) {
    StageSpec stage = plan.stage();
    ConvGeometry g = stage.geometry();
    String[] s = sizes(stage);
    String width = s[1];
    String outH = s[2];
    String outW = s[3];
    String rowLo = s[4];
    String rowHi = s[5];
    String colLo = s[6];
    String colHi = s[7];
    MethodSpec.Builder method = MethodSpec.methodBuilder("plane")
        .addJavadoc("Output channel {@code k} of one image, reading input plane {@code xo}.\n")
        .addModifiers(Modifier.PRIVATE)
        .addParameter(FLOATS, "input").addParameter(TypeName.INT, "xo")
        .addParameter(FLOATS, "output").addParameter(TypeName.INT, "yo")
        .addParameter(TypeName.INT, "k");
    if (!stage.fixedSize()) {
      PLANE_SIZES.forEach(size -> method.addParameter(TypeName.INT, size));
    }
    int kh = g.kernelH();
    int kw = g.kernelW();
    int taps = kh * kw;
    String sizeArgs = stage.fixedSize() ? "" : ", height, width";
    method.addStatement("float bk = $L", stage.bias() ? "bias[k]" : "0f");
    if (plan.unrollAllTaps()) {
      method.addStatement("int wo = k * $L", taps);
      for (int t = 0; t < taps; t++) {
        method.addStatement("float w$L = weight[$L]", t, plus("wo", t));
      }
    }
    // Offset of kernel row r from the first tap: a literal when the width is known.
    String[] rowOffsets = new String[kh];
    for (int r = 0; r < kh; r++) {
      if (stage.fixedSize() || r == 0) {
        rowOffsets[r] = Integer.toString(r * g.dilationH() * stage.width());
      } else {
        rowOffsets[r] = "row" + r;
        method.addStatement("int row$L = $L", r, times("width", r * g.dilationH()));
      }
    }
    if (!rowLo.equals("0")) {
      method.beginControlFlow("for (int i = 0; i < $L; i++)", rowLo)
          .addStatement("borderRow(input, xo, output, yo, i, k$L)", sizeArgs)
          .endControlFlow();
    }
    method.beginControlFlow("for (int i = $L; i < $L; i++)", rowLo, rowHi)
        .addStatement("int yr = yo + i * $L", outW);
    if (!colLo.equals("0")) {
      method.beginControlFlow("for (int j = 0; j < $L; j++)", colLo)
          .addStatement("output[yr + j] = borderPixel(input, xo, i, j, k$L)", sizeArgs)
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
        .addStatement("output[yr + j] = borderPixel(input, xo, i, j, k$L)", sizeArgs)
        .endControlFlow()
        .endControlFlow();
    if (!rowHi.equals(outH)) {
      method.beginControlFlow("for (int i = $L; i < $L; i++)", rowHi, outH)
          .addStatement("borderRow(input, xo, output, yo, i, k$L)", sizeArgs)
          .endControlFlow();
    }
    return method.build();
  }

  /** One interior output value at {@code yr + j}, first tap at {@code input[x]}: no checks. */
  private static CodeBlock interiorPixel(KernelPlan.Depthwise plan, String[] rowOffsets) {
    ConvGeometry g = plan.stage().geometry();
    int kh = g.kernelH();
    int kw = g.kernelW();
    CodeBlock.Builder code = CodeBlock.builder().addStatement("float acc = bk");
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
    return code.addStatement("output[yr + j] = $L", activate(plan.stage().activation(), "acc"))
        .build();
  }

  /** A whole output row in the border: every pixel checked. */
  private static MethodSpec borderRow(StageSpec stage) {
    String[] s = sizes(stage);
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
    return method.addStatement("int yr = yo + i * $L", s[3])
        .beginControlFlow("for (int j = 0; j < $L; j++)", s[3])
        .addStatement("output[yr + j] = borderPixel(input, xo, i, j, k$L)", sizeArgs)
        .endControlFlow()
        .build();
  }

  /** One output value near the border: taps outside the input read zero padding. */
  private static MethodSpec borderPixel(StageSpec stage) {
    ConvGeometry g = stage.geometry();
    String[] s = sizes(stage);
    String height = s[0];
    String width = s[1];
    MethodSpec.Builder method = MethodSpec.methodBuilder("borderPixel")
        .addModifiers(Modifier.PRIVATE)
        .returns(TypeName.FLOAT)
        .addParameter(FLOATS, "input").addParameter(TypeName.INT, "xo")
        .addParameter(TypeName.INT, "i").addParameter(TypeName.INT, "j")
        .addParameter(TypeName.INT, "k");
    if (!stage.fixedSize()) {
      method.addParameter(TypeName.INT, "height").addParameter(TypeName.INT, "width");
    }
    method.addStatement("float acc = $L", stage.bias() ? "bias[k]" : "0f")
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
        .addStatement("return $L", activate(stage.activation(), "acc"))
        .build();
  }

  private static int ceilDiv(int a, int b) {
    return (a + b - 1) / b;
  }
}
