package dev.convgen.runtime.internal;

import dev.convgen.runtime.ConvGeometry;

/**
 * The interior of an output plane: the output rows {@code [rowLo, rowHi)} and columns
 * {@code [colLo, colHi)} whose taps all fall inside the input, so they need no bounds checks. The
 * one definition of it: the processor's planner evaluates it at compile time for specs with a
 * fixed input size, generated code for run-time sizes calls it once per forward pass, and the tuned
 * generic depthwise kernel uses it too. Each bound is clamped to the output plane, and an empty
 * interior has {@code hi == lo}.
 */
public final class PlaneInterior {

  private PlaneInterior() {}

  /** First output row whose taps start at or below input row 0. */
  public static int rowLo(ConvGeometry g, int outH) {
    return Math.min(outH, (g.padTop() + g.strideH() - 1) / g.strideH());
  }

  /** One past the last output row whose taps end inside the input. */
  public static int rowHi(ConvGeometry g, int height, int outH) {
    return Math.max(rowLo(g, outH), Math.min(outH,
        Math.floorDiv(height - g.extentH() + g.padTop(), g.strideH()) + 1));
  }

  /** First output column whose taps start at or right of input column 0. */
  public static int colLo(ConvGeometry g, int outW) {
    return Math.min(outW, (g.padLeft() + g.strideW() - 1) / g.strideW());
  }

  /** One past the last output column whose taps end inside the input. */
  public static int colHi(ConvGeometry g, int width, int outW) {
    return Math.max(colLo(g, outW), Math.min(outW,
        Math.floorDiv(width - g.extentW() + g.padLeft(), g.strideW()) + 1));
  }
}
