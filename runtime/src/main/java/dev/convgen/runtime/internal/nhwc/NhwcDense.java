package dev.convgen.runtime.internal.nhwc;

import dev.convgen.annotations.Activation;
import dev.convgen.runtime.ConvGeometry;
import java.util.Arrays;

/**
 * Dense KxK convolution (groups 1, any stride, padding and dilation) on NHWC tensors as a matrix
 * product: per output row, an im2col panel of {@code outW x (kh x kw x in)} floats (in NHWC the
 * taps of one kernel row are contiguous runs of input channels), then {@link NhwcGemm} over it.
 * The panel is per thread and per kernel, allocated when a thread first runs a width.
 */
final class NhwcDense implements NhwcKernel {

  private final ConvGeometry g;
  private final int reduction;
  private final NhwcGemm gemm;
  private final ThreadLocal<float[]> panel = new ThreadLocal<>();

  /**
   * @param weight PyTorch layout {@code [out, in, kh, kw]}
   * @param bias {@code [out]}, or null
   */
  NhwcDense(ConvGeometry g, float[] weight, float[] bias, Activation activation) {
    if (g.groups() != 1) {
      throw new IllegalArgumentException("geometry: expected groups 1, got " + g.describe());
    }
    this.g = g;
    int in = g.inChannels();
    int kh = g.kernelH();
    int kw = g.kernelW();
    this.reduction = kh * kw * in;
    // [out][in][kh][kw] -> [out][kh][kw][in], the order of an NHWC im2col row
    float[] reordered = new float[g.outChannels() * reduction];
    for (int k = 0; k < g.outChannels(); k++) {
      for (int c = 0; c < in; c++) {
        for (int t = 0; t < kh * kw; t++) {
          reordered[k * reduction + t * in + c] = weight[(k * in + c) * kh * kw + t];
        }
      }
    }
    this.gemm = new NhwcGemm(reduction, g.outChannels(), reordered, bias, activation);
  }

  /** Output rows. */
  @Override
  public int unitsPerImage(int height, int width) {
    return g.outputHeight(height);
  }

  @Override
  public void compute(float[] input, int inputOffset, float[] output, int outputOffset,
      int height, int width, int firstRow, int lastRow) {
    int outW = g.outputWidth(width);
    float[] rowPanel = panel.get();
    if (rowPanel == null || rowPanel.length != outW * reduction) {
      rowPanel = new float[outW * reduction];
      panel.set(rowPanel);
    }
    for (int i = firstRow; i < lastRow; i++) {
      im2colRow(input, inputOffset, rowPanel, height, width, i, outW);
      gemm.pixels(rowPanel, 0, output, outputOffset + i * outW * g.outChannels(), 0, outW);
    }
  }

  /** The panel rows of output row {@code i}: taps outside the input are zero. */
  private void im2colRow(float[] input, int xo, float[] rows, int height, int width, int i,
      int outW) {
    int in = g.inChannels();
    int kh = g.kernelH();
    int kw = g.kernelW();
    for (int j = 0; j < outW; j++) {
      int to = j * reduction;
      for (int r = 0; r < kh; r++) {
        int ih = i * g.strideH() - g.padTop() + r * g.dilationH();
        if (ih < 0 || ih >= height) {
          Arrays.fill(rows, to, to + kw * in, 0f);
          to += kw * in;
          continue;
        }
        int iw0 = j * g.strideW() - g.padLeft();
        int dw = g.dilationW();
        if (dw == 1 && iw0 >= 0 && iw0 + kw <= width) {
          System.arraycopy(input, xo + (ih * width + iw0) * in, rows, to, kw * in);
          to += kw * in;
          continue;
        }
        for (int s = 0; s < kw; s++) {
          int iw = iw0 + s * dw;
          if (iw >= 0 && iw < width) {
            System.arraycopy(input, xo + (ih * width + iw) * in, rows, to, in);
          } else {
            Arrays.fill(rows, to, to + in, 0f);
          }
          to += in;
        }
      }
    }
  }
}
