package dev.convgen.runtime.internal.nhwc;

import dev.convgen.annotations.Activation;
import dev.convgen.runtime.ConvGeometry;
import dev.convgen.runtime.internal.ThreadBuffer;
import java.util.Arrays;
import java.util.Set;

/**
 * Dense KxK convolution (groups 1, any stride, padding and dilation) on NHWC tensors as a matrix
 * product through {@link NhwcGemm}; in NHWC the taps of one kernel row are a contiguous run of
 * {@code kw x in} input floats. Output columns whose taps all lie inside the input (all but the
 * padded borders) are read in place, one run per kernel row, with no copy
 * ({@link NhwcGemm#direct}); the border columns, and whole rows under width dilation, go through an
 * im2col panel of {@code kh x kw x in} floats per pixel. Measured on a Zen 5 (AVX-512), MobileNet's
 * stem 3 -> 32 stride 2 at 224: 146-166 us in place against 340-490 us with a whole-row im2col
 * (the copy of 27 floats per pixel cost more than the product). The border columns of several
 * rows share one panel ({@link #BORDER_PIXELS}): one or two border pixels per row had each taken
 * a whole register tile. Measured on the Zen 5, same JVM, medians: standard 3x3 8x32x56x56 -> 64
 * 5,617 -> 4,773 us, 1x32x32x32 -> 64 251 -> 195 us, the stem (one border column) 174 -> 176
 * (best 162 -> 151). The panels are per thread and per kernel, allocated when a thread first
 * runs a width.
 */
final class NhwcDense implements NhwcKernel {

  /**
   * Border pixels (columns whose taps leave the input) per register-tile call, gathered from as
   * many output rows as it takes: two tiles...
   */
  private static final int BORDER_PIXELS = 2 * NhwcGemm.PIXELS;

  /**
   * ...within a panel of at most 128 KB per thread and kernel (wide reductions gather fewer
   * rows: 3x3 over 512 channels, 3 rows of 2 border pixels).
   */
  private static final int BORDER_PANEL_FLOATS = 32 * 1024;

  private final ConvGeometry g;
  private final int reduction;
  private final NhwcGemm gemm;
  /** Per thread: im2col rows (whole output rows, or the border columns of several). */
  private final ThreadBuffer panel = new ThreadBuffer();
  /** Per thread: the products of the border columns, before they go to their pixels. */
  private final ThreadBuffer borderResults = new ThreadBuffer();

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
    // [out][in][kh][kw] -> [out][kh][kw][in], the order of an NHWC im2col row: each output
    // channel's filter transposed as an NCHW image of kh x kw pixels would be
    float[] reordered = new float[g.outChannels() * reduction];
    NhwcLayout.toNhwc(weight, reordered, g.outChannels(), in, kh, kw);
    this.gemm = new NhwcGemm(reduction, g.outChannels(), reordered, bias, activation, false);
  }

  @Override
  public float[] weights() {
    float[] reordered = gemm.weights();
    float[] weight = new float[reordered.length];
    NhwcLayout.toNchw(reordered, weight, g.outChannels(), g.inChannels(), g.kernelH(),
        g.kernelW());
    return weight;
  }

  @Override
  public void warmUpKeys(int height, int width, Set<String> keys) {
    gemm.warmUpKeys(true, keys);
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
    int out = g.outChannels();
    int in = g.inChannels();
    // output columns whose taps all lie inside the input: read in place, no im2col
    int kw = g.kernelW();
    int sw = g.strideW();
    int left = Math.min(outW, (g.padLeft() + sw - 1) / sw);
    int right = Math.max(left, Math.min(outW, Math.floorDiv(width - kw + g.padLeft(), sw) + 1));
    if (g.dilationW() != 1 || right - left < NhwcGemm.PIXELS) {
      float[] rowPanel = panel.atLeast(outW * reduction);
      for (int i = firstRow; i < lastRow; i++) {
        im2col(input, inputOffset, rowPanel, 0, height, width, i, 0, outW);
        gemm.pixels(rowPanel, 0, output, outputOffset + i * outW * out, 0, outW);
      }
      return;
    }
    for (int i = firstRow; i < lastRow; i++) {
      // kernel rows inside the input
      int top = i * g.strideH() - g.padTop();
      int dh = g.dilationH();
      int r0 = top >= 0 ? 0 : Math.min(g.kernelH(), (-top + dh - 1) / dh);
      int r1 = Math.max(r0, Math.min(g.kernelH(), Math.floorDiv(height - 1 - top, dh) + 1));
      int x = r1 > r0 ? inputOffset + ((top + r0 * dh) * width + left * sw - g.padLeft()) * in
          : inputOffset; // no row inside: bias and activation only
      gemm.direct(input, x, sw * in, kw * in, r0, r1 - r0, dh * width * in, output,
          outputOffset + (i * outW + left) * out, right - left);
    }
    int border = left + outW - right; // columns per row
    if (border == 0) {
      return;
    }
    // the border columns of several rows through one panel: a register tile of them instead of
    // a whole tile per row side (a 56-pixel row: 10 tiles a row instead of 11)
    int rowsPerPanel = Math.max(1, Math.min((BORDER_PIXELS + border - 1) / border,
        BORDER_PANEL_FLOATS / (border * reduction)));
    float[] borderPanel = panel.atLeast(rowsPerPanel * border * reduction);
    float[] results = borderResults.atLeast(rowsPerPanel * border * out);
    for (int i0 = firstRow; i0 < lastRow; i0 += rowsPerPanel) {
      int i1 = Math.min(i0 + rowsPerPanel, lastRow);
      for (int i = i0; i < i1; i++) {
        int to = (i - i0) * border * reduction;
        im2col(input, inputOffset, borderPanel, to, height, width, i, 0, left);
        im2col(input, inputOffset, borderPanel, to + left * reduction, height, width, i, right,
            outW);
      }
      gemm.pixels(borderPanel, 0, results, 0, 0, (i1 - i0) * border);
      for (int i = i0; i < i1; i++) {
        int from = (i - i0) * border * out;
        int y = outputOffset + i * outW * out;
        System.arraycopy(results, from, output, y, left * out);
        System.arraycopy(results, from + left * out, output, y + right * out,
            (outW - right) * out);
      }
    }
  }

  /**
   * The im2col rows of output row {@code i}, columns {@code [first, last)}, into {@code rows}
   * from {@code start}: taps outside the input are zero.
   */
  private void im2col(float[] input, int xo, float[] rows, int start, int height, int width,
      int i, int first, int last) {
    int in = g.inChannels();
    int kh = g.kernelH();
    int kw = g.kernelW();
    for (int j = first; j < last; j++) {
      int to = start + (j - first) * reduction;
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
