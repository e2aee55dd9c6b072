package dev.convgen.runtime.internal.nhwc;

import dev.convgen.annotations.Activation;
import dev.convgen.runtime.ConvGeometry;
import dev.convgen.runtime.internal.ThreadBuffer;
import java.util.Set;

/**
 * Pointwise (1x1) convolution on NHWC tensors: one {@link NhwcGemm} over the output pixels. At
 * stride 1 those are the input's pixels, contiguous; at a larger stride each output row is a
 * run of input pixels {@code strideW} apart, which the tiles read in place.
 */
final class NhwcPointwise implements NhwcKernel {

  private final ConvGeometry g;
  private final NhwcGemm gemm;
  private final boolean strided;
  /** Per thread: an output row's input pixels, gathered when fewer than a tile. */
  private final ThreadBuffer gathered = new ThreadBuffer();

  NhwcPointwise(ConvGeometry g, float[] weight, float[] bias, Activation activation) {
    if (!g.isPointwise()) {
      throw new IllegalArgumentException("geometry: expected a pointwise stage, got "
          + g.describe());
    }
    this.g = g;
    this.gemm = new NhwcGemm(g.inChannels(), g.outChannels(), weight, bias, activation, true);
    this.strided = g.strideH() != 1 || g.strideW() != 1;
  }

  @Override
  public float[] weights() {
    return gemm.weights();
  }

  @Override
  public void warmUpKeys(int height, int width, Set<String> keys) {
    gemm.warmUpKeys(false, keys);
  }

  /**
   * Strided: output rows. Otherwise, where the weights outweigh the input (more output channels
   * than pixels: the 14x14 and 7x7 stages, a classifier), panels of output channels, so threads
   * splitting the stage each read a share of the weights; else register tiles of
   * {@link NhwcGemm#PIXELS} output pixels (the last one may be shorter), finer than rows and
   * never a tile cut in two.
   */
  @Override
  public int unitsPerImage(int height, int width) {
    if (strided) {
      return g.outputHeight(height);
    }
    int pixels = height * width;
    return byPanels(pixels) ? gemm.panels() : (pixels + NhwcGemm.PIXELS - 1) / NhwcGemm.PIXELS;
  }

  @Override
  public boolean unitsAreRows(int height, int width) {
    return strided;
  }

  @Override
  public void compute(float[] input, int inputOffset, float[] output, int outputOffset,
      int height, int width, int firstUnit, int lastUnit) {
    compute(input, inputOffset, false, output, outputOffset, false, height, width, firstUnit,
        lastUnit);
  }

  /**
   * At 512 bits ({@link NhwcGemm#BLOCKED_LAYOUT}), at stride 1 with whole 4-vector panels of
   * output channels (a multiple of 64): the register tiles store each vector
   * into its block's plane instead of next to the pixel's other channels, at no cost measured
   * (MobileNet-v1's pointwise stages before a depthwise one, Zen 5, 512-bit: 6537 us NHWC, 6530
   * channel-blocked), so that the depthwise stage after it reads its channels contiguously.
   */
  @Override
  public boolean writesBlocked(int height, int width) {
    return NhwcGemm.BLOCKED_LAYOUT && !strided
        && g.outChannels() % (NhwcGemm.WIDE * NhwcGemm.L) == 0;
  }

  @Override
  public void compute(float[] input, int inputOffset, boolean inputBlocked, float[] output,
      int outputOffset, boolean outputBlocked, int height, int width, int firstUnit,
      int lastUnit) {
    if (inputBlocked || outputBlocked && !writesBlocked(height, width)) {
      throw new IllegalArgumentException("pointwise: reads NHWC, and writes channel-blocked only"
          + " at 512 bits, at stride 1, with whole 4-vector panels of output channels");
    }
    if (strided) {
      rows(input, inputOffset, output, outputOffset, width, g.outputWidth(width), firstUnit,
          lastUnit);
      return;
    }
    int pixels = height * width;
    int plane = outputBlocked ? pixels * NhwcGemm.L : 0;
    if (byPanels(pixels)) {
      gemm.pixels(input, inputOffset, output, outputOffset, plane, 0, pixels, firstUnit,
          lastUnit);
    } else {
      gemm.pixels(input, inputOffset, output, outputOffset, plane,
          Math.min(firstUnit * NhwcGemm.PIXELS, pixels),
          Math.min(lastUnit * NhwcGemm.PIXELS, pixels), 0, gemm.panels());
    }
  }

  /** Output rows {@code [first, last)} of a strided stage. */
  private void rows(float[] input, int inputOffset, float[] output, int outputOffset, int width,
      int outW, int first, int last) {
    int in = g.inChannels();
    int pixelStep = g.strideW() * in;
    for (int i = first; i < last; i++) {
      int x = inputOffset + i * g.strideH() * width * in;
      int y = outputOffset + i * outW * g.outChannels();
      if (outW >= NhwcGemm.PIXELS) {
        gemm.direct(input, x, pixelStep, in, 0, 1, 0, output, y, outW);
      } else {
        float[] pixels = gathered.atLeast(outW * in);
        for (int j = 0; j < outW; j++) {
          System.arraycopy(input, x + j * pixelStep, pixels, j * in, in);
        }
        gemm.pixels(pixels, 0, output, y, 0, outW);
      }
    }
  }

  /** The stage's geometry. */
  ConvGeometry geometry() {
    return g;
  }

  /**
   * Output pixels {@code [from, to)} of a stride-1 stage, NHWC: pixel {@code q} reads
   * {@code x[xo + q * in ...]} and writes {@code y[yo + q * out ...]} ({@link
   * PointwiseDepthwiseBands} writes a band of rows this way into a buffer of its own).
   */
  void pixels(float[] x, int xo, float[] y, int yo, int from, int to) {
    if (strided) {
      throw new IllegalStateException("pixels: a strided stage computes output rows");
    }
    gemm.pixels(x, xo, y, yo, from, to);
  }

  private boolean byPanels(int pixels) {
    return gemm.outChannels() > pixels && gemm.panels() > 1;
  }
}
