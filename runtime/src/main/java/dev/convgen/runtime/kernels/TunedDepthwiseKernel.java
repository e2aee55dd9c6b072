package dev.convgen.runtime.kernels;

import dev.convgen.annotations.Activation;
import dev.convgen.runtime.ConvGeometry;
import dev.convgen.runtime.Vectorization;
import dev.convgen.runtime.internal.ImageKernel;
import dev.convgen.runtime.internal.PlaneInterior;

/**
 * Depthwise convolution with run-time shapes, written with the techniques of the generated
 * kernels: each plane split into an interior computed without bounds checks and a checked border,
 * and (stride 1, when {@link Vectorization#enabled()}) an 8-lane SIMD interior that runs as one
 * flat loop across rows when the output is as wide as the input. Taps are loops, not unrolled,
 * because the kernel size is a run-time value.
 */
public final class TunedDepthwiseKernel extends GenericKernel {

  private final ImageKernel simd;

  public TunedDepthwiseKernel(
      ConvGeometry geometry, float[] weight, float[] bias, Activation activation) {
    super(GenericDepthwiseKernel.requireDepthwise(geometry), weight, bias, activation,
        geometry.inChannels());
    this.simd = Vectorization.enabled() && geometry.strideH() == 1 && geometry.strideW() == 1
        ? new TunedDepthwiseSimd(this) : null;
  }

  @Override
  protected ImageKernel simd() {
    return simd;
  }

  /** Work units are input channels, each with its {@code multiplier} output channels. */
  @Override
  public void image(float[] input, int inputOffset, float[] output, int outputOffset, int height,
      int width, int firstUnit, int lastUnit) {
    Plane p = new Plane(geometry, height, width);
    int multiplier = geometry.multiplier();
    for (int c = firstUnit; c < lastUnit; c++) {
      int xo = inputOffset + c * height * width;
      for (int m = 0; m < multiplier; m++) {
        int k = c * multiplier + m;
        int yo = outputOffset + k * p.outH * p.outW;
        borders(input, xo, output, yo, k, p);
        for (int i = p.rowLo; i < p.rowHi; i++) {
          int xp = xo + (i * geometry.strideH() - geometry.padTop()) * width
              - geometry.padLeft();
          for (int j = p.colLo; j < p.colHi; j++) {
            output[yo + i * p.outW + j] = interior(input, xp + j * geometry.strideW(), width, k);
          }
        }
      }
    }
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
