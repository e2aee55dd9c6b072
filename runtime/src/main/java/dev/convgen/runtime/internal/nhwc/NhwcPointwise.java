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

  /**
   * Where the weights outweigh the input (more output channels than pixels: the 14x14 and 7x7
   * stages, a classifier), panels of output channels, so threads splitting the stage each read
   * a share of the weights; otherwise register tiles of {@link NhwcGemm#PIXELS} output pixels
   * (the last one may be shorter), finer than rows and never a tile cut in two.
   */
  @Override
  public int unitsPerImage(int height, int width) {
    int pixels = height * width;
    return byPanels(pixels) ? gemm.panels() : (pixels + NhwcGemm.PIXELS - 1) / NhwcGemm.PIXELS;
  }

  @Override
  public void compute(float[] input, int inputOffset, float[] output, int outputOffset,
      int height, int width, int firstUnit, int lastUnit) {
    int pixels = height * width;
    if (byPanels(pixels)) {
      gemm.pixels(input, inputOffset, output, outputOffset, 0, pixels, firstUnit, lastUnit);
    } else {
      gemm.pixels(input, inputOffset, output, outputOffset,
          Math.min(firstUnit * NhwcGemm.PIXELS, pixels),
          Math.min(lastUnit * NhwcGemm.PIXELS, pixels));
    }
  }

  private boolean byPanels(int pixels) {
    return gemm.outChannels() > pixels && gemm.panels() > 1;
  }
}
