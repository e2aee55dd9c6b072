package dev.convgen.runtime.kernels;

import dev.convgen.runtime.ConvGeometry;
import dev.convgen.runtime.Vectorization;
import dev.convgen.runtime.internal.ImageKernel;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/** The SIMD body of {@link TunedDepthwiseKernel} (stride 1); loaded only with the Vector API. */
final class TunedDepthwiseSimd implements ImageKernel {

  /** As in {@code TunedPointwiseSimd}: the width named when the class is first used. */
  private static final VectorSpecies<Float> F =
      Vectorization.bits() == 512 ? FloatVector.SPECIES_512 : FloatVector.SPECIES_256;
  /** Lanes per vector. */
  private static final int L = F.length();

  private final DepthwisePlanes planes;

  TunedDepthwiseSimd(DepthwisePlanes planes) {
    this.planes = planes;
  }

  @Override
  public String implementation() {
    return "SIMD " + F.vectorBitSize() + "-bit";
  }

  @Override
  public void image(float[] input, int inputOffset, float[] output, int outputOffset, int height,
      int width, int firstUnit, int lastUnit) {
    ConvGeometry g = planes.geometry;
    DepthwisePlanes.Plane p = new DepthwisePlanes.Plane(g, height, width);
    boolean flat = p.outW == width;
    int multiplier = g.multiplier();
    for (int c = firstUnit; c < lastUnit; c++) {
      int xo = inputOffset + c * height * width;
      for (int m = 0; m < multiplier; m++) {
        int k = c * multiplier + m;
        int yo = outputOffset + k * p.outH * p.outW;
        int xb = xo - g.padTop() * width - g.padLeft();
        if (p.rowHi > p.rowLo && p.colHi > p.colLo) {
          if (flat) {
            // interior rows as one run; the wrapped edge columns are rewritten by borders()
            span(input, xb, output, yo, p.rowLo * width + p.colLo,
                (p.rowHi - 1) * width + p.colHi, width, k);
          } else {
            for (int i = p.rowLo; i < p.rowHi; i++) {
              span(input, xb + i * width - i * p.outW, output, yo,
                  i * p.outW + p.colLo, i * p.outW + p.colHi, width, k);
            }
          }
        }
        planes.borders(input, xo, output, yo, k, p);
      }
    }
  }

  /**
   * Output {@code yo + q} for q in [from, to), first tap at {@code input[xb + q]}: bounded
   * {@link #vectors} calls, then scalar pixels.
   */
  private void span(float[] input, int xb, float[] output, int yo, int from, int to, int width,
      int k) {
    int q = from;
    while (q + L <= to) {
      int count = Math.min((to - q) / L, 8);
      vectors(input, xb + q, output, yo + q, count, width, k);
      q += count * L;
    }
    for (; q < to; q++) {
      output[yo + q] = planes.interior(input, xb + q, width, k);
    }
  }

  /**
   * {@code count} x {@link #L} interior pixels. With run-time kernel sizes the taps are loops, so the output
   * tile is the accumulator (tap-outer order): no vector value is carried through a nested loop,
   * which C2 on JDK 17 could not keep in registers (measured: every vector boxed).
   */
  private void vectors(float[] input, int x, float[] output, int y, int count, int width, int k) {
    ConvGeometry g = planes.geometry;
    float[] w = planes.weight;
    FloatVector bias = FloatVector.broadcast(F, planes.bias[k]);
    for (int v = 0; v < count; v++) {
      bias.intoArray(output, y + L * v);
    }
    int wp = k * g.kernelH() * g.kernelW();
    int rowStep = g.dilationH() * width;
    for (int r = 0; r < g.kernelH(); r++) {
      for (int c = 0; c < g.kernelW(); c++) {
        FloatVector tap = FloatVector.broadcast(F, w[wp++]);
        int offset = x + r * rowStep + c * g.dilationW();
        for (int v = 0; v < count; v++) {
          FloatVector.fromArray(F, input, offset + L * v)
              .fma(tap, FloatVector.fromArray(F, output, y + L * v))
              .intoArray(output, y + L * v);
        }
      }
    }
    switch (planes.activation) {
      case RELU -> {
        for (int v = 0; v < count; v++) {
          FloatVector.fromArray(F, output, y + L * v).max(0f).intoArray(output, y + L * v);
        }
      }
      case RELU6 -> {
        for (int v = 0; v < count; v++) {
          FloatVector.fromArray(F, output, y + L * v).max(0f).min(6f)
              .intoArray(output, y + L * v);
        }
      }
      default -> {
      }
    }
  }
}
