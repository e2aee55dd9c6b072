package dev.convgen.processor.emit;

import static dev.convgen.processor.emit.RuntimeTypes.FLOATS;
import static dev.convgen.processor.emit.RuntimeTypes.FLOAT_VECTOR;

import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.TypeSpec;
import dev.convgen.processor.model.StageSpec;
import dev.convgen.processor.plan.SpatialPlan;
import dev.convgen.runtime.ConvGeometry;
import javax.lang.model.element.Modifier;

/**
 * The SIMD implementation of a KxK kernel (stride 1): scalar control flow (borders, remainders)
 * around calls of the {@code span} leaf, which computes up to the plan's span of interior pixels
 * with no bounds checks. With a flat interior, the interior rows are one run of pixels across
 * rows whose wrapped edge columns are then rewritten by the border code: long runs even on 7x7
 * planes.
 */
final class SpatialSimdEmitter {

  private SpatialSimdEmitter() {}

  static TypeSpec simdClass(SpatialPlan plan, SpatialPlan.VectorSpan tile) {
    return KernelClassWriter.simdClass(tile.shape())
        .addMethod(KernelClassWriter.imageMethod(SpatialEmitter.imageJavadoc(plan) + ", SIMD.\n")
            .addCode(SpatialEmitter.imageBody(plan)).build())
        .addMethod(plane(plan, tile))
        .addMethod(span(plan, tile))
        .build();
  }

  private static MethodSpec plane(SpatialPlan plan, SpatialPlan.VectorSpan tile) {
    StageSpec stage = plan.stage();
    ConvGeometry g = stage.geometry();
    SpatialEmitter.PlaneSizes s = SpatialEmitter.sizes(plan);
    MethodSpec.Builder method = SpatialEmitter.planeMethod(plan);
    Expr[] rowOffsets = SpatialEmitter.tapPreamble(plan, method);
    // the first tap of output pixel (0, 0)
    Expr origin = Expr.var("xo").plus(s.width().times(-g.padTop())).plus(-g.padLeft());
    if (tile.flatInterior()) {
      method.addComment("interior rows as one flat run of pixels; wrapped edge columns fixed below");
      if (plan.interior() != null) {
        SpatialPlan.Interior interior = plan.interior();
        int w = stage.width();
        int qLo = interior.rowLo() * w + interior.colLo();
        int qHi = interior.isEmpty() ? qLo : (interior.rowHi() - 1) * w + interior.colHi();
        method.addStatement("int end = $L", qHi)
            .addStatement("int xb = $L", origin)
            .addStatement("int j = $L", qLo);
      } else {
        method.addStatement("int end = rowHi > rowLo && colHi > colLo ? (rowHi - 1) * width + colHi"
                + " : rowLo * width + colLo")
            .addStatement("int xb = $L", origin)
            .addStatement("int j = rowLo * width + colLo");
      }
      method.addStatement("int yr = yo")
          .addCode(spanCalls(plan, tile, rowOffsets, "xb"))
          .beginControlFlow("for (int i = $L; i < $L; i++)", s.rowLo(), s.rowHi())
          .addStatement("int row = $L", Expr.var("yo").plus(Expr.var("i").times(s.width())))
          .addCode(SpatialEmitter.borderColumns(plan, "row", "c", Expr.of(0), s.colLo()))
          .addCode(SpatialEmitter.borderColumns(plan, "row", "c", s.colHi(), s.width()))
          .endControlFlow();
    } else {
      method.beginControlFlow("for (int i = $L; i < $L; i++)", s.rowLo(), s.rowHi())
          .addStatement("int yr = $L", Expr.var("yo").plus(Expr.var("i").times(s.outW())))
          .addCode(SpatialEmitter.borderColumns(plan, "yr", "j", Expr.of(0), s.colLo()))
          .addStatement("int xp = $L", Expr.var("xo")
              .plus(Expr.var("i").plus(-g.padTop()).times(s.width())).plus(-g.padLeft()))
          .addStatement("int end = $L", s.colHi())
          .addStatement("int j = $L", s.colLo())
          .addCode(spanCalls(plan, tile, rowOffsets, "xp"))
          .addCode(SpatialEmitter.borderColumns(plan, "yr", "c", s.colHi(), s.outW()))
          .endControlFlow();
    }
    SpatialEmitter.borderRows(plan, method, s.rowHi(), s.outH());
    return method.build();
  }

  /**
   * Interior pixels {@code [j, end)} of output run {@code yr}, first tap of pixel j at
   * {@code input[base + j]}: {@code span} calls for whole vectors, then scalar pixels.
   */
  private static CodeBlock spanCalls(SpatialPlan plan, SpatialPlan.VectorSpan tile,
      Expr[] rowOffsets, String base) {
    int lanes = tile.shape().lanes();
    return CodeBlock.builder()
        .beginControlFlow("while (j + $L <= end)", lanes)
        .addStatement("int vectors = $T.min((end - j) >> $L, $L)", // lanes: a power of 2
            RuntimeTypes.MATH, Integer.numberOfTrailingZeros(lanes), tile.spanVectors())
        .addStatement("span(input, $L + j, output, yr + j, vectors, k$L)", base,
            plan.interior() != null ? "" : ", width")
        .addStatement("j += vectors * $L", lanes)
        .endControlFlow()
        .beginControlFlow("for (; j < end; j++)")
        .addStatement("int x = $L + j", base)
        .add(SpatialEmitter.interiorPixel(plan, rowOffsets))
        .endControlFlow()
        .build();
  }

  /**
   * The SIMD leaf: {@code vectors} vectors of consecutive interior pixels, all taps unrolled, one
   * FMA per tap. Kept small, branch-free and bounded on purpose: a long-running method holding
   * Vector API code was measured to be deoptimized now and then, and each time it ran
   * interpreted, boxing every vector (75 MB allocated per call, ~1000x slower).
   */
  private static MethodSpec span(SpatialPlan plan, SpatialPlan.VectorSpan tile) {
    StageSpec stage = plan.stage();
    ConvGeometry g = stage.geometry();
    int lanes = tile.shape().lanes();
    MethodSpec.Builder method = MethodSpec.methodBuilder("span")
        .addModifiers(Modifier.PRIVATE)
        .addParameter(FLOATS, "input").addParameter(TypeName.INT, "x")
        .addParameter(FLOATS, "output").addParameter(TypeName.INT, "y")
        .addParameter(TypeName.INT, "vectors").addParameter(TypeName.INT, "k");
    if (plan.interior() == null) {
      method.addParameter(TypeName.INT, "width");
    }
    int taps = g.kernelH() * g.kernelW();
    boolean hoist = tile.hoistTaps();
    method.addStatement("int wo = k * $L", taps);
    if (!plan.accumulates()) {
      method.addStatement(stage.bias() ? "$T vb = $T.broadcast(F, bias[k])" : "$T vb = $T.zero(F)",
          FLOAT_VECTOR, FLOAT_VECTOR);
    }
    if (hoist) {
      for (int t = 0; t < taps; t++) {
        method.addStatement("$T v$L = $T.broadcast(F, weight[$L])", FLOAT_VECTOR, t,
            FLOAT_VECTOR, Expr.var("wo").plus(t));
      }
    }
    Expr[] rowOffsets = SpatialEmitter.rowOffsets(plan, method);
    method.beginControlFlow("for (int v = 0; v < vectors; v++)");
    if (plan.accumulates()) {
      method.addStatement("$T acc = $T.fromArray(F, output, y)", FLOAT_VECTOR, FLOAT_VECTOR);
    } else {
      method.addStatement("$T acc = vb", FLOAT_VECTOR);
    }
    for (int r = 0; r < g.kernelH(); r++) {
      for (int c = 0; c < g.kernelW(); c++) {
        int t = r * g.kernelW() + c;
        method.addStatement("acc = $T.fromArray(F, input, $L).fma($L, acc)", FLOAT_VECTOR,
            Expr.var("x").plus(rowOffsets[r]).plus(c * g.dilationW()),
            hoist ? "v" + t : CodeBlock.of("$T.broadcast(F, weight[$L])", FLOAT_VECTOR,
                Expr.var("wo").plus(t)));
      }
    }
    return method.addStatement("$L.intoArray(output, y)", plan.accumulates() ? "acc"
            : ActivationCode.vector(stage.activation(), "acc"))
        .addStatement("x += $L", lanes)
        .addStatement("y += $L", lanes)
        .endControlFlow()
        .build();
  }
}
