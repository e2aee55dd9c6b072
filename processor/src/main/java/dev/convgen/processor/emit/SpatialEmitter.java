package dev.convgen.processor.emit;

import static dev.convgen.processor.emit.RuntimeTypes.FLOATS;

import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.TypeSpec;
import dev.convgen.annotations.Activation;
import dev.convgen.processor.model.StageSpec;
import dev.convgen.processor.plan.PointwisePlan;
import dev.convgen.processor.plan.SpatialPlan;
import dev.convgen.runtime.ConvGeometry;
import java.util.List;
import javax.lang.model.element.Modifier;

/**
 * Emits a KxK kernel class that works plane by plane: depthwise, grouped or dense. Each output
 * plane is split into an interior, where every tap falls inside the input and the taps are
 * unrolled with literal offsets and no bounds checks, and a border (rows above and below, columns
 * left and right) computed with checked taps. The interior's {@code plane} method is written by
 * {@link SpatialScalarEmitter} and, when planned, {@link SpatialSimdEmitter}; this class writes
 * what both share: the image loop, the border code, and the pieces of the plane methods.
 *
 * <p>A depthwise output plane reads one input plane, so bias and activation are fused into its
 * single pass. A dense or grouped output plane reads {@code in / groups} input planes: it is
 * filled with the bias, then each input plane's filter is accumulated into it by the same
 * {@code plane} code, and the activation is applied in a last pass while the plane is in cache.
 */
final class SpatialEmitter {

  /** Run-time sizes passed to {@code plane} when the spec leaves height and width open. */
  static final List<String> PLANE_SIZES =
      List.of("height", "width", "outH", "outW", "rowLo", "rowHi", "colLo", "colHi");

  TypeSpec emit(String simpleName, SpatialPlan plan, CodeBlock javadoc) {
    TypeSpec.Builder type = KernelClassWriter.kernelClass(
            simpleName, plan, CodeBlock.of("weight.clone()"), javadoc)
        .addMethod(KernelClassWriter.imageMethod(imageJavadoc(plan) + ", scalar.\n")
            .addCode(imageBody(plan)).build())
        .addMethod(SpatialScalarEmitter.plane(plan))
        .addMethod(borderRow(plan))
        .addMethod(borderPixel(plan));
    for (SpatialPlan.VectorSpan tile : plan.vectors()) {
      type.addType(SpatialSimdEmitter.simdClass(plan, tile));
    }
    if (plan.gemm() != null) {
      for (PointwisePlan.VectorTile tile : plan.gemm().tiles()) {
        type.addType(GemmSimdEmitter.simdClass(plan, tile));
      }
    }
    return type.build();
  }

  static String imageJavadoc(SpatialPlan plan) {
    return plan.accumulates() ? "Output channels {@code [firstUnit, lastUnit)} of one image"
        : "Input channels {@code [firstUnit, lastUnit)} (each with its "
            + plan.stage().geometry().multiplier() + " output channel(s)) of one image";
  }

  /**
   * The sizes a plane needs, each a literal (fixed-size stages) or a variable of the generated
   * code ({@link #PLANE_SIZES}): input and output size, and the interior's output rows
   * {@code [rowLo, rowHi)} and columns {@code [colLo, colHi)}.
   */
  record PlaneSizes(Expr height, Expr width, Expr outH, Expr outW, Expr rowLo, Expr rowHi,
      Expr colLo, Expr colHi) {}

  static PlaneSizes sizes(SpatialPlan plan) {
    StageSpec stage = plan.stage();
    if (plan.interior() == null) {
      return new PlaneSizes(Expr.var("height"), Expr.var("width"), Expr.var("outH"),
          Expr.var("outW"), Expr.var("rowLo"), Expr.var("rowHi"), Expr.var("colLo"),
          Expr.var("colHi"));
    }
    SpatialPlan.Interior interior = plan.interior();
    return new PlaneSizes(Expr.of(stage.height()), Expr.of(stage.width()),
        Expr.of(stage.outputHeight()), Expr.of(stage.outputWidth()), Expr.of(interior.rowLo()),
        Expr.of(interior.rowHi()), Expr.of(interior.colLo()), Expr.of(interior.colHi()));
  }

  /**
   * The body of {@code image}: run-time sizes first, then the loops over channels calling
   * {@code plane} (the scalar or the SIMD one, whichever class it is emitted into).
   */
  static CodeBlock imageBody(SpatialPlan plan) {
    StageSpec stage = plan.stage();
    ConvGeometry g = stage.geometry();
    CodeBlock.Builder code = CodeBlock.builder();
    Expr inPlane;
    Expr outPlane;
    String extra = "";
    if (plan.interior() != null) {
      inPlane = Expr.of(stage.height() * stage.width());
      outPlane = Expr.of(stage.outputHeight() * stage.outputWidth());
    } else {
      code.addStatement("int outH = GEOMETRY.outputHeight(height)")
          .addStatement("int outW = GEOMETRY.outputWidth(width)")
          .add("// interior: output rows/columns whose taps all fall inside the input\n")
          .addStatement("int rowLo = $T.rowLo(GEOMETRY, outH)", RuntimeTypes.PLANE_INTERIOR)
          .addStatement("int rowHi = $T.rowHi(GEOMETRY, height, outH)",
              RuntimeTypes.PLANE_INTERIOR)
          .addStatement("int colLo = $T.colLo(GEOMETRY, outW)", RuntimeTypes.PLANE_INTERIOR)
          .addStatement("int colHi = $T.colHi(GEOMETRY, width, outW)",
              RuntimeTypes.PLANE_INTERIOR)
          .addStatement("int inPlane = height * width")
          .addStatement("int outPlane = outH * outW");
      inPlane = Expr.var("inPlane");
      outPlane = Expr.var("outPlane");
      extra = ", " + String.join(", ", PLANE_SIZES);
    }
    if (plan.accumulates()) {
      return accumulatingLoops(plan, code, inPlane, outPlane, extra);
    }
    int multiplier = g.multiplier();
    code.beginControlFlow("for (int c = firstUnit; c < lastUnit; c++)")
        .addStatement("int xo = $L", Expr.var("inputOffset").plus(Expr.var("c").times(inPlane)));
    if (multiplier == 1) {
      code.addStatement("plane(input, xo, output, $L, c$L)",
          Expr.var("outputOffset").plus(Expr.var("c").times(outPlane)), extra);
    } else {
      code.beginControlFlow("for (int m = 0; m < $L; m++)", multiplier)
          .addStatement("int k = c * $L + m", multiplier)
          .addStatement("plane(input, xo, output, $L, k$L)",
              Expr.var("outputOffset").plus(Expr.var("k").times(outPlane)), extra)
          .endControlFlow();
    }
    return code.endControlFlow().build();
  }

  /**
   * Dense and grouped kernels: per output plane, the bias fill, one {@code plane} call per input
   * channel of its group, and the activation pass.
   */
  private static CodeBlock accumulatingLoops(SpatialPlan plan, CodeBlock.Builder code,
      Expr inPlane, Expr outPlane, String extra) {
    StageSpec stage = plan.stage();
    ConvGeometry g = stage.geometry();
    int perGroupIn = g.inChannelsPerGroup();
    int perGroupOut = g.outChannels() / g.groups();
    Expr firstInput = g.groups() == 1 ? Expr.of(0)
        : Expr.var("(k / " + perGroupOut + " * " + perGroupIn + ")"); // the group's first input
    if (plan.gemm() != null) {
      // work units are the GEMM path's channel blocks, never straddling two groups
      int block = plan.gemm().channelBlock();
      int blocks = plan.blocksPerGroup();
      code.beginControlFlow("for (int u = firstUnit; u < lastUnit; u++)")
          .addStatement("int group = u / $L", blocks)
          .addStatement("int from = $L", gemmUnitChannel(plan))
          .beginControlFlow("for (int k = from; k < $T.min(from + $L, $L); k++)",
              RuntimeTypes.MATH, block, Expr.var("group").times(perGroupOut).plus(perGroupOut));
    } else {
      code.beginControlFlow("for (int k = firstUnit; k < lastUnit; k++)");
    }
    code.addStatement("int yo = $L", Expr.var("outputOffset").plus(Expr.var("k").times(outPlane)))
        .addStatement("$T.fill(output, yo, $L, $L)", RuntimeTypes.ARRAYS,
            Expr.var("yo").plus(outPlane), stage.bias() ? "bias[k]" : "0f")
        .addStatement("int xo = $L",
            Expr.var("inputOffset").plus(firstInput.times(inPlane)))
        .beginControlFlow("for (int c = 0; c < $L; c++)", perGroupIn)
        .addStatement("plane(input, $L, output, yo, $L$L)",
            Expr.var("xo").plus(Expr.var("c").times(inPlane)),
            Expr.var("k").times(perGroupIn).plus(Expr.var("c")), extra)
        .endControlFlow();
    if (stage.activation() != Activation.NONE) {
      code.beginControlFlow("for (int p = yo; p < $L; p++)", Expr.var("yo").plus(outPlane))
          .addStatement("float v = output[p]")
          .addStatement("output[p] = $L", ActivationCode.scalar(stage.activation(), "v"))
          .endControlFlow();
    }
    if (plan.gemm() != null) {
      code.endControlFlow();
    }
    return code.endControlFlow().build();
  }

  /**
   * The first output channel of GEMM work unit {@code u} in group {@code group} (both locals of
   * the generated code): units are channel blocks, group by group.
   */
  static Expr gemmUnitChannel(SpatialPlan plan) {
    ConvGeometry g = plan.stage().geometry();
    return Expr.var("group").times(g.outChannels() / g.groups())
        .plus(Expr.var("(u - group * " + plan.blocksPerGroup() + ")")
            .times(plan.gemm().channelBlock()));
  }

  /** The assignment operator of a plane's stores: {@code =}, or {@code +=} when accumulating. */
  static String store(SpatialPlan plan) {
    return plan.accumulates() ? "+=" : "=";
  }

  /** The border size arguments: none for fixed sizes. */
  static String borderSizeArgs(SpatialPlan plan) {
    return plan.interior() != null ? "" : ", height, width";
  }

  /** Output rows {@code [from, to)} computed entirely as border; nothing when known empty. */
  static void borderRows(SpatialPlan plan, MethodSpec.Builder method, Expr from, Expr to) {
    if (!from.equals(to)) {
      method.beginControlFlow("for (int i = $L; i < $L; i++)", from, to)
          .addStatement("borderRow(input, xo, output, yo, i, k$L)", borderSizeArgs(plan))
          .endControlFlow();
    }
  }

  /** Border pixels {@code [from, to)} of output row {@code row}, index variable {@code j}. */
  static CodeBlock borderColumns(SpatialPlan plan, String row, String j, Expr from, Expr to) {
    return CodeBlock.builder()
        .beginControlFlow("for (int $L = $L; $L < $L; $L++)", j, from, j, to, j)
        .addStatement("output[$L + $L] $L borderPixel(input, xo, i, $L, k$L)", row, j,
            store(plan), j, borderSizeArgs(plan))
        .endControlFlow()
        .build();
  }

  /** The header shared by the scalar and SIMD {@code plane} methods. */
  static MethodSpec.Builder planeMethod(SpatialPlan plan) {
    MethodSpec.Builder method = MethodSpec.methodBuilder("plane")
        .addJavadoc(plan.accumulates()
            ? "Adds filter {@code k} applied to input plane {@code xo} to output plane {@code yo}.\n"
            : "Output channel {@code k} of one image, reading input plane {@code xo}.\n")
        .addModifiers(Modifier.PRIVATE)
        .addParameter(FLOATS, "input").addParameter(TypeName.INT, "xo")
        .addParameter(FLOATS, "output").addParameter(TypeName.INT, "yo")
        .addParameter(TypeName.INT, "k");
    if (plan.interior() == null) {
      PLANE_SIZES.forEach(size -> method.addParameter(TypeName.INT, size));
    }
    return withWeights(plan, method);
  }

  /** Where the weights are made on demand, a local {@code weight} array from them. */
  static MethodSpec.Builder withWeights(SpatialPlan plan, MethodSpec.Builder method) {
    return plan.nchwWeightsOnDemand()
        ? method.addStatement("float[] weight = this.weight.get()")
        : method;
  }

  /**
   * The offset of each kernel row from a pixel's first tap: literals when the width is fixed,
   * otherwise locals {@code row1..} declared in {@code method}.
   */
  static Expr[] rowOffsets(SpatialPlan plan, MethodSpec.Builder method) {
    StageSpec stage = plan.stage();
    ConvGeometry g = stage.geometry();
    Expr[] rowOffsets = new Expr[g.kernelH()];
    for (int r = 0; r < g.kernelH(); r++) {
      if (plan.interior() != null || r == 0) {
        rowOffsets[r] = Expr.of(r * g.dilationH() * stage.width());
      } else {
        rowOffsets[r] = Expr.var("row" + r);
        method.addStatement("int row$L = $L", r, Expr.var("width").times(r * g.dilationH()));
      }
    }
    return rowOffsets;
  }

  /**
   * Declares the bias {@code bk} and the taps {@code w0..} (when unrolled) and computes the border
   * rows above the interior; returns each kernel row's offset ({@link #rowOffsets}).
   */
  static Expr[] tapPreamble(SpatialPlan plan, MethodSpec.Builder method) {
    StageSpec stage = plan.stage();
    ConvGeometry g = stage.geometry();
    int taps = g.kernelH() * g.kernelW();
    if (!plan.accumulates()) {
      method.addStatement("float bk = $L", stage.bias() ? "bias[k]" : "0f");
    }
    if (plan.unrollAllTaps()) {
      method.addStatement("int wo = k * $L", taps);
      for (int t = 0; t < taps; t++) {
        method.addStatement("float w$L = weight[$L]", t, Expr.var("wo").plus(t));
      }
    }
    Expr[] rowOffsets = rowOffsets(plan, method);
    borderRows(plan, method, Expr.of(0), sizes(plan).rowLo());
    return rowOffsets;
  }

  /** One interior output value at {@code yr + j}, first tap at {@code input[x]}: no checks. */
  static CodeBlock interiorPixel(SpatialPlan plan, Expr[] rowOffsets) {
    ConvGeometry g = plan.stage().geometry();
    int kh = g.kernelH();
    int kw = g.kernelW();
    CodeBlock.Builder code = CodeBlock.builder()
        .addStatement("float acc = $L", plan.accumulates() ? "output[yr + j]" : "bk");
    if (plan.unrollAllTaps()) {
      for (int r = 0; r < kh; r++) {
        for (int c = 0; c < kw; c++) {
          code.addStatement("acc += w$L * input[$L]", r * kw + c,
              Expr.var("x").plus(rowOffsets[r]).plus(c * g.dilationW()));
        }
      }
    } else {
      // Too many taps for registers: loop over kernel rows, one row's taps unrolled.
      Expr rowStep = plan.interior() != null
          ? Expr.of(g.dilationH() * plan.stage().width())
          : Expr.var("width").times(g.dilationH());
      code.addStatement("int xr = x")
          .addStatement("int wr = k * $L", kh * kw)
          .beginControlFlow("for (int r = 0; r < $L; r++)", kh);
      for (int c = 0; c < kw; c++) {
        code.addStatement("acc += weight[$L] * input[$L]", Expr.var("wr").plus(c),
            Expr.var("xr").plus(c * g.dilationW()));
      }
      code.addStatement("xr += $L", rowStep)
          .addStatement("wr += $L", kw)
          .endControlFlow();
    }
    return code.addStatement("output[yr + j] = $L", plan.accumulates() ? "acc"
            : ActivationCode.scalar(plan.stage().activation(), "acc"))
        .build();
  }

  /** A whole output row in the border: every pixel checked. */
  private static MethodSpec borderRow(SpatialPlan plan) {
    MethodSpec.Builder method = MethodSpec.methodBuilder("borderRow")
        .addModifiers(Modifier.PRIVATE)
        .addParameter(FLOATS, "input").addParameter(TypeName.INT, "xo")
        .addParameter(FLOATS, "output").addParameter(TypeName.INT, "yo")
        .addParameter(TypeName.INT, "i").addParameter(TypeName.INT, "k");
    if (plan.interior() == null) {
      method.addParameter(TypeName.INT, "height").addParameter(TypeName.INT, "width")
          .addStatement("int outW = GEOMETRY.outputWidth(width)");
    }
    Expr outW = sizes(plan).outW();
    return method.addStatement("int yr = $L", Expr.var("yo").plus(Expr.var("i").times(outW)))
        .addCode(borderColumns(plan, "yr", "j", Expr.of(0), outW))
        .build();
  }

  /**
   * One output value near the border (or, when accumulating, one filter's contribution to it):
   * taps outside the input read zero padding.
   */
  private static MethodSpec borderPixel(SpatialPlan plan) {
    StageSpec stage = plan.stage();
    ConvGeometry g = stage.geometry();
    PlaneSizes s = sizes(plan);
    MethodSpec.Builder method = MethodSpec.methodBuilder("borderPixel")
        .addModifiers(Modifier.PRIVATE)
        .returns(TypeName.FLOAT)
        .addParameter(FLOATS, "input").addParameter(TypeName.INT, "xo")
        .addParameter(TypeName.INT, "i").addParameter(TypeName.INT, "j")
        .addParameter(TypeName.INT, "k");
    if (plan.interior() == null) {
      method.addParameter(TypeName.INT, "height").addParameter(TypeName.INT, "width");
    }
    withWeights(plan, method).addStatement("float acc = $L",
            plan.accumulates() || !stage.bias() ? "0f" : "bias[k]")
        .addStatement("int ih0 = $L", Expr.var("i").times(g.strideH()).plus(-g.padTop()))
        .addStatement("int iw0 = $L", Expr.var("j").times(g.strideW()).plus(-g.padLeft()))
        .beginControlFlow("for (int r = 0; r < $L; r++)", g.kernelH())
        .addStatement("int ih = $L", Expr.var("ih0").plus(Expr.var("r").times(g.dilationH())))
        .beginControlFlow("if (ih < 0 || ih >= $L)", s.height())
        .addStatement("continue")
        .endControlFlow()
        .addStatement("int xr = $L", Expr.var("xo").plus(Expr.var("ih").times(s.width())))
        .addStatement("int wr = (k * $L + r) * $L", g.kernelH(), g.kernelW());
    for (int c = 0; c < g.kernelW(); c++) {
      Expr iw = Expr.var("iw0").plus(c * g.dilationW());
      method.beginControlFlow("if ($L >= 0 && $L < $L)", iw, iw, s.width())
          .addStatement("acc += weight[$L] * input[xr + $L]", Expr.var("wr").plus(c),
              c == 0 ? "iw0" : "(" + iw + ")")
          .endControlFlow();
    }
    return method.endControlFlow()
        .addStatement("return $L", plan.accumulates() ? "acc"
            : ActivationCode.scalar(stage.activation(), "acc"))
        .build();
  }
}
