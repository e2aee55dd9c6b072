package dev.convgen.runtime.kernels;

import dev.convgen.annotations.Activation;
import dev.convgen.runtime.ConvGeometry;
import dev.convgen.runtime.Vectorization;
import dev.convgen.runtime.internal.ImageKernel;

/**
 * Depthwise convolution with run-time shapes, written with the techniques of the generated
 * kernels: each plane split into an interior computed without bounds checks and a checked border
 ({@link DepthwisePlanes}),
 * and (stride 1, when {@link Vectorization#enabled()}) an 8-lane SIMD interior that runs as one
 * flat loop across rows when the output is as wide as the input. Taps are loops, not unrolled,
 * because the kernel size is a run-time value.
 */
public final class TunedDepthwiseKernel extends GenericKernel {

  private final DepthwisePlanes planes;
  private final ImageKernel simd;

  public TunedDepthwiseKernel(
      ConvGeometry geometry, float[] weight, float[] bias, Activation activation) {
    super(GenericDepthwiseKernel.requireDepthwise(geometry), weight, bias, activation,
        geometry.inChannels(), true, true);
    this.planes = new DepthwisePlanes(geometry, this.weight, this.bias, activation);
    this.simd = Vectorization.enabled() && geometry.strideH() == 1 && geometry.strideW() == 1
        ? new TunedDepthwiseSimd(planes) : null;
  }

  @Override
  protected ImageKernel simd() {
    return simd;
  }

  /** Work units are input channels, each with its {@code multiplier} output channels. */
  @Override
  public void image(float[] input, int inputOffset, float[] output, int outputOffset, int height,
      int width, int firstUnit, int lastUnit) {
    DepthwisePlanes.Plane p = new DepthwisePlanes.Plane(geometry, height, width);
    int multiplier = geometry.multiplier();
    for (int c = firstUnit; c < lastUnit; c++) {
      int xo = inputOffset + c * height * width;
      for (int m = 0; m < multiplier; m++) {
        int k = c * multiplier + m;
        int yo = outputOffset + k * p.outH * p.outW;
        planes.borders(input, xo, output, yo, k, p);
        for (int i = p.rowLo; i < p.rowHi; i++) {
          int xp = xo + (i * geometry.strideH() - geometry.padTop()) * width
              - geometry.padLeft();
          for (int j = p.colLo; j < p.colHi; j++) {
            output[yo + i * p.outW + j] = planes.interior(input, xp + j * geometry.strideW(), width, k);
          }
        }
      }
    }
  }
}
