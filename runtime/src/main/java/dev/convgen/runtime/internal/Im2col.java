package dev.convgen.runtime.internal;

import dev.convgen.runtime.ConvGeometry;
import java.util.Arrays;

/**
 * Copies the input windows under a tile of output pixels into a panel, so that a convolution
 * becomes a matrix product (im2col): row {@code (c, r, s)} of the panel holds tap {@code (r, s)}
 * of input channel {@code c} for every pixel of the tile, zero where the tap falls into the
 * padding. Shared by the tuned generic dense kernel and the generated dense kernels' SIMD path.
 */
public final class Im2col {

  private Im2col() {}

  /**
   * Fills panel rows {@code 0 .. channels x kh x kw - 1}, each {@code panelWidth} floats, for
   * output pixels {@code [t, t + valid)} of a plane {@code outW} pixels wide.
   *
   * @param channelsOffset where the group's first input channel starts in {@code input}
   * @param channels input channels of the group
   */
  public static void fill(ConvGeometry g, float[] input, int channelsOffset, int channels,
      int height, int width, int outW, int t, int valid, float[] panel, int panelWidth) {
    int row = 0;
    for (int c = 0; c < channels; c++) {
      int plane = channelsOffset + c * height * width;
      for (int r = 0; r < g.kernelH(); r++) {
        for (int s = 0; s < g.kernelW(); s++, row++) {
          int at = row * panelWidth;
          for (int q = 0; q < valid; ) {
            int oh = (t + q) / outW;
            int ow = (t + q) % outW;
            int run = Math.min(valid - q, outW - ow); // output pixels left in this output row
            int ih = oh * g.strideH() - g.padTop() + r * g.dilationH();
            if (ih < 0 || ih >= height) {
              Arrays.fill(panel, at + q, at + q + run, 0f);
            } else {
              copyRun(input, plane + ih * width, width, ow * g.strideW() - g.padLeft()
                  + s * g.dilationW(), g.strideW(), panel, at + q, run);
            }
            q += run;
          }
        }
      }
    }
  }

  /**
   * {@code run} values of one input row starting at column {@code iw}, {@code stride} apart,
   * into {@code panel[at ..]}; columns outside {@code [0, width)} read zero.
   */
  private static void copyRun(float[] input, int rowStart, int width, int iw, int stride,
      float[] panel, int at, int run) {
    if (stride == 1) {
      int from = Math.min(run, Math.max(0, -iw)); // leading pixels in the left padding
      int to = Math.max(from, Math.min(run, width - iw)); // and trailing ones in the right
      Arrays.fill(panel, at, at + from, 0f);
      if (to > from) { // (an empty run may start past the array's end)
        System.arraycopy(input, rowStart + iw + from, panel, at + from, to - from);
      }
      Arrays.fill(panel, at + to, at + run, 0f);
      return;
    }
    for (int k = 0; k < run; k++, iw += stride) {
      panel[at + k] = iw >= 0 && iw < width ? input[rowStart + iw] : 0f;
    }
  }
}
