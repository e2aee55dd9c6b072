package dev.convgen.processor.emit;

import com.palantir.javapoet.MethodSpec;
import dev.convgen.processor.model.StageSpec;
import dev.convgen.processor.plan.SpatialPlan;
import dev.convgen.runtime.ConvGeometry;

/** The scalar {@code plane} method: border rows, then interior rows with border columns. */
final class SpatialScalarEmitter {

  private SpatialScalarEmitter() {}

  static MethodSpec plane(SpatialPlan plan) {
    StageSpec stage = plan.stage();
    ConvGeometry g = stage.geometry();
    SpatialEmitter.PlaneSizes s = SpatialEmitter.sizes(plan);
    MethodSpec.Builder method = SpatialEmitter.planeMethod(plan);
    Expr[] rowOffsets = SpatialEmitter.tapPreamble(plan, method);
    method.beginControlFlow("for (int i = $L; i < $L; i++)", s.rowLo(), s.rowHi())
        .addStatement("int yr = $L", Expr.var("yo").plus(Expr.var("i").times(s.outW())));
    if (!s.colLo().equals(Expr.of(0))) {
      method.addCode(SpatialEmitter.borderColumns(plan, "yr", "j", Expr.of(0), s.colLo()));
    }
    // the first tap of output pixel (i, 0)
    Expr firstRow = Expr.var("i").times(g.strideH()).plus(-g.padTop());
    method.addStatement("int xp = $L",
        Expr.var("xo").plus(firstRow.times(s.width())).plus(-g.padLeft()));
    // Taps are addressed from the loop index alone (x = xp + j * stride), the form C2's
    // range-check elimination handles best.
    method.beginControlFlow("for (int j = $L; j < $L; j++)", s.colLo(), s.colHi())
        .addStatement("int x = $L", Expr.var("xp").plus(Expr.var("j").times(g.strideW())))
        .addCode(SpatialEmitter.interiorPixel(plan, rowOffsets))
        .endControlFlow()
        .addCode(SpatialEmitter.borderColumns(plan, "yr", "j", s.colHi(), s.outW()))
        .endControlFlow();
    SpatialEmitter.borderRows(plan, method, s.rowHi(), s.outH());
    return method.build();
  }
}
