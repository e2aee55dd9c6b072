package dev.convgen.runtime.kernels;

import dev.convgen.annotations.Activation;
import dev.convgen.runtime.ConvGeometry;
import dev.convgen.runtime.internal.PlaneInterior;

/**
 * The scalar parts of {@link TunedDepthwiseKernel} that its scalar and SIMD bodies share: the
 * sizes of a plane, one interior pixel computed without checks, and the checked border pixels.
 * Taps are loops, not unrolled, because the kernel size is a run-time value.
 */
final class DepthwisePlanes {

  final ConvGeometry geometry;
  final float[] weight;
  /** One value per output channel; zeros when there is no bias. */
  final float[] bias;
  final Activation activation;

  DepthwisePlanes(ConvGeometry geometry, float[] weight, float[] bias, Activation activation) {
    this.geometry = geometry;
    this.weight = weight;
    this.bias = bias;
    this.activation = activation;
  }

  /** The sizes of one call: output size and the interior ({@link PlaneInterior}). */
  static final class Plane {
    final int height;
    final int width;
    final int outH;
    final int outW;
    final int rowLo;
    final int rowHi;
    final int colLo;
    final int colHi;

    Plane(ConvGeometry g, int height, int width) {
      this.height = height;
      this.width = width;
      outH = g.outputHeight(height);
      outW = g.outputWidth(width);
      rowLo = PlaneInterior.rowLo(g, outH);
      rowHi = PlaneInterior.rowHi(g, height, outH);
      colLo = PlaneInterior.colLo(g, outW);
      colHi = PlaneInterior.colHi(g, width, outW);
    }
  }

  /** One interior value: first tap at {@code input[x]}, no checks. */
  float interior(float[] input, int x, int width, int k) {
    int kh = geometry.kernelH();
    int kw = geometry.kernelW();
    int rowStep = geometry.dilationH() * width;
    int dw = geometry.dilationW();
    int wp = k * kh * kw;
    float acc = bias[k];
    for (int r = 0; r < kh; r++) {
      for (int c = 0; c < kw; c++) {
        acc += weight[wp++] * input[x + c * dw];
      }
      x += rowStep;
    }
    return activation.apply(acc);
  }

  /** Every output value outside the interior, with checked taps. */
  void borders(float[] input, int xo, float[] output, int yo, int k, Plane p) {
    for (int i = 0; i < p.outH; i++) {
      boolean interiorRow = i >= p.rowLo && i < p.rowHi;
      for (int j = 0; j < p.outW; j++) {
        if (interiorRow && j == p.colLo && p.colHi > p.colLo) {
          j = Math.max(j, p.colHi) - 1;
          continue;
        }
        output[yo + i * p.outW + j] = borderPixel(input, xo, i, j, k, p.height, p.width);
      }
    }
  }

  private float borderPixel(float[] input, int xo, int i, int j, int k, int height, int width) {
    ConvGeometry g = geometry;
    float acc = bias[k];
    int wp = k * g.kernelH() * g.kernelW();
    for (int r = 0; r < g.kernelH(); r++) {
      int ih = i * g.strideH() - g.padTop() + r * g.dilationH();
      for (int c = 0; c < g.kernelW(); c++) {
        int iw = j * g.strideW() - g.padLeft() + c * g.dilationW();
        if (ih >= 0 && ih < height && iw >= 0 && iw < width) {
          acc += weight[wp + r * g.kernelW() + c] * input[xo + ih * width + iw];
        }
      }
    }
    return activation.apply(acc);
  }
}
