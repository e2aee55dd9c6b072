package dev.convgen.runtime;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/** The SIMD body of {@link TunedDepthwiseKernel} (stride 1); loaded only with the Vector API. */
final class TunedDepthwiseSimd implements KernelBody {

  private static final VectorSpecies<Float> F = FloatVector.SPECIES_256;

  private final TunedDepthwiseKernel kernel;

  TunedDepthwiseSimd(TunedDepthwiseKernel kernel) {
    this.kernel = kernel;
  }

  @Override
  public void run(float[] input, int batch, int height, int width, float[] output, int fromUnit,
      int toUnit) {
    ConvGeometry g = kernel.geometry;
    TunedDepthwiseKernel.Plane p = new TunedDepthwiseKernel.Plane(g, height, width);
    boolean flat = p.outW == width;
    int channels = g.inChannels();
    int multiplier = g.multiplier();
    for (int n = fromUnit / channels; n < batch && n * channels < toUnit; n++) {
      int first = Math.max(fromUnit - n * channels, 0);
      int last = Math.min(toUnit - n * channels, channels);
      for (int c = first; c < last; c++) {
        int xo = (n * channels + c) * height * width;
        for (int m = 0; m < multiplier; m++) {
          int k = c * multiplier + m;
          int yo = (n * g.outChannels() + k) * p.outH * p.outW;
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
          kernel.borders(input, xo, output, yo, k, p);
        }
      }
    }
  }

  /** Output {@code yo + q} for q in [from, to), first tap at {@code input[xb + q]}. */
  private void span(float[] input, int xb, float[] output, int yo, int from, int to, int width,
      int k) {
    ConvGeometry g = kernel.geometry;
    float[] w = kernel.weight;
    int kh = g.kernelH();
    int kw = g.kernelW();
    int rowStep = g.dilationH() * width;
    int dw = g.dilationW();
    int wo = k * kh * kw;
    FloatVector vb = FloatVector.broadcast(F, kernel.bias[k]);
    int q = from;
    for (; q <= to - 8; q += 8) {
      FloatVector acc = vb;
      int x = xb + q;
      int wp = wo;
      for (int r = 0; r < kh; r++) {
        for (int c = 0; c < kw; c++) {
          acc = FloatVector.fromArray(F, input, x + c * dw)
              .fma(FloatVector.broadcast(F, w[wp++]), acc);
        }
        x += rowStep;
      }
      switch (kernel.activation) {
        case RELU -> acc.max(0f).intoArray(output, yo + q);
        case RELU6 -> acc.max(0f).min(6f).intoArray(output, yo + q);
        default -> acc.intoArray(output, yo + q);
      }
    }
    for (; q < to; q++) {
      output[yo + q] = kernel.interior(input, xb + q, width, k);
    }
  }
}
