package dev.convgen.runtime.internal.nhwc;

import dev.convgen.annotations.Activation;
import dev.convgen.runtime.ConvGeometry;

/** Pointwise (1x1, stride 1) convolution on NHWC tensors: one {@link NhwcGemm} over the rows' pixels. */
final class NhwcPointwise implements NhwcKernel {

  private final NhwcGemm gemm;

  NhwcPointwise(ConvGeometry g, float[] weight, float[] bias, Activation activation) {
    if (!g.isPointwise() || g.strideH() != 1 || g.strideW() != 1) {
      throw new IllegalArgumentException("geometry: expected a pointwise stage with stride 1, got "
          + g.describe());
    }
    this.gemm = new NhwcGemm(g.inChannels(), g.outChannels(), weight, bias, activation);
  }

  /** Output pixels: finer than rows, so a 7x7 plane splits evenly between threads. */
  @Override
  public int unitsPerImage(int height, int width) {
    return height * width;
  }

  @Override
  public void compute(float[] input, int inputOffset, float[] output, int outputOffset,
      int height, int width, int firstUnit, int lastUnit) {
    gemm.pixels(input, inputOffset, output, outputOffset, firstUnit, lastUnit);
  }
}
