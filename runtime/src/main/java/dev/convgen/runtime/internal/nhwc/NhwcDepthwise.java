package dev.convgen.runtime.internal.nhwc;

import dev.convgen.annotations.Activation;
import dev.convgen.runtime.ConvGeometry;
import dev.convgen.runtime.internal.PlaneInterior;
import dev.convgen.runtime.internal.ThreadBuffer;
import java.util.Arrays;
import java.util.Set;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Depthwise KxK convolution (multiplier 1) on NHWC tensors: channels in vector lanes, so any
 * stride and dilation is a plain vector loop over output pixels (XNNPACK's NHWC depthwise
 * formulation). 3x3 kernels at stride 1 or 2 ({@link #sliding}): one output row and one slice of
 * channels at a time, each input column vector loaded once and kept in registers for the outputs
 * it belongs to, the slice's 9 taps packed contiguously ({@code [slice][tap][lanes]}, as XNNPACK
 * packs its up9 weights); rows whose padding is at most one column each side slide whole, the
 * padding read as zeros ({@link #slidesWithEdges}). Other 3x3 kernels: groups of 4 output pixels,
 * every slice in turn. (Vectors of channels outer and pixels inner was measured at 23-45
 * GFLOP/s: with 1024 channels every pixel is 4 KB from the next, and the loads of one output
 * pixel fight over one L1 set.) Other kernel sizes: taps outer, accumulating in the output row.
 * Where rows do not slide whole, small planes run on a padded copy of their rows (no border,
 * pixels one cache line further apart than in the tensor) and larger ones check border pixels
 * tap by tap. Needs at least one vector of channels; a last vector that would pass the end
 * overlaps the one before.
 */
final class NhwcDepthwise implements NhwcKernel {

  /** {@link NhwcGemm}'s width: the NHWC bodies of one JVM share it. */
  private static final VectorSpecies<Float> F = NhwcGemm.F;
  private static final int L = F.length();

  /**
   * Input widths up to this, divided by the stride, run {@link #padded}. Measured on
   * MobileNet-v1's depthwise stages (Zen 5, 512-bit, us direct -> padded): stride 1 at 28x28x256
   * 132 -> 99, 14x14x512 83 -> 55, 7x7x1024 71 -> 37, where a quarter to a half of the pixels
   * are border pixels; stride 2 from 14x14x512 28 -> 24, but from 28x28x256 41 -> 45 and
   * 56x56x128 75 -> 100 (the copy is the whole input, four times the output); in the network
   * (the stage after a pointwise one), stride 2 from 28x28x256 52 -> 62-77 with the wider
   * padded pixels, stride 1 from 56x56x128 and 112x112x32 equal or slower (a plane of 1.6 MB
   * copied).
   */
  static final int PADDED_INPUT_WIDTH = 28;
  /**
   * Floats left unused after each pixel of the padded copy, so that its pixels are not a multiple
   * of 4 KB apart. In NHWC with 512 or 1024 channels the same channels of neighbouring pixels
   * are 2 or 4 KB apart and fall into the same one or two sets of the 48 KB L1 cache, evicting
   * one another. Measured on MobileNet-v1's stages (Zen 5, 512-bit, the 3x3 rows on a padded
   * plane, us, gap 0 -> 16): 14x14x512 41 -> 31, 7x7x1024 29 -> 18, 28x28x256 82 -> 65.
   */
  static final int PIXEL_GAP = 16;
  /**
   * The first {@value #COLD_ROWS} sliding rows in a JVM run in spans of {@value #COLD_SPAN}
   * pixels, later ones whole. A whole row is one call with up to 110 loop steps: in a fresh JVM
   * {@code slide1}/{@code slide2} then reach C2 only through on-stack replacement, late, while
   * every step runs as boxed vectors; short spans make the calls C2 counts. Measured on a Zen 5
   * (JDK 17, MobileNet-v1, first pass): the depthwise stages 650 -> 310-335 ms. Not for good:
   * spans of 8 cost 5-10% in steady state (the taps reloaded per span).
   */
  private static final int COLD_ROWS = 300;
  private static final int COLD_SPAN = 8;
  /** Sliding rows run so far, counted up to {@link #COLD_ROWS} (a lost update only delays). */
  private static int coldRows;

  private final ConvGeometry g;
  private final ThreadBuffer paddedRows = new ThreadBuffer();
  /** See {@link #zeroRow(int)}. */
  private volatile float[] zeroRow;
  /** {@link #sliding(ConvGeometry)}. */
  private final boolean sliding;
  private final int channels;
  /**
   * Floats between neighbouring pixels in the padded copy: the channels and {@link #PIXEL_GAP}
   * more.
   */
  private final int paddedPixel;
  /** Taps {@code [kh][kw][channels]}. */
  private final float[] taps;
  /** 3x3 kernels: per slice of {@link #L} channels, its 9 taps {@code [slice][tap][lanes]}. */
  private final float[] sliceTaps;
  /** First channel of each slice; the last one overlaps its neighbour when L does not divide. */
  private final int[] sliceStart;
  private final float[] bias;
  /** The activation as a clamp, passed to the loops as arguments (see {@code NhwcGemm}). */
  private final float low;
  private final float high;

  /**
   * @param weight PyTorch layout {@code [channels, 1, kh, kw]}
   * @param bias {@code [channels]}, or null
   */
  NhwcDepthwise(ConvGeometry g, float[] weight, float[] bias, Activation activation) {
    if (!g.isDepthwise() || g.multiplier() != 1 || g.inChannels() < L) {
      throw new IllegalArgumentException("geometry: expected a depthwise stage with multiplier 1"
          + " and at least " + L + " channels, got " + g.describe());
    }
    this.g = g;
    this.channels = g.inChannels();
    this.paddedPixel = channels + PIXEL_GAP;
    int kernel = g.kernelH() * g.kernelW();
    // [channels][kh][kw] -> [kh][kw][channels]: the filters transposed as an NCHW image of
    // kh x kw pixels would be
    this.taps = new float[kernel * channels];
    NhwcLayout.toNhwc(weight, taps, 1, channels, g.kernelH(), g.kernelW());
    this.bias = bias != null ? bias.clone() : new float[channels];
    this.sliding = sliding(g);
    int slices = (channels + L - 1) / L;
    this.sliceStart = new int[slices];
    this.sliceTaps = new float[kernel == 9 ? slices * 9 * L : 0];
    for (int s = 0; s < slices; s++) {
      sliceStart[s] = Math.min(s * L, channels - L);
      for (int t = 0; kernel == 9 && t < 9; t++) {
        System.arraycopy(taps, t * channels + sliceStart[s], sliceTaps, (s * 9 + t) * L, L);
      }
    }
    this.low = NhwcGemm.lowBound(activation);
    this.high = NhwcGemm.highBound(activation);
  }

  @Override
  public float[] weights() {
    float[] weight = new float[taps.length];
    NhwcLayout.toNchw(taps, weight, 1, channels, g.kernelH(), g.kernelW());
    return weight;
  }

  @Override
  public void warmUpKeys(int height, int width, Set<String> keys) {
    keys.add(NhwcWarmUp.depthwiseKey(g, width));
  }

  /** Output rows. */
  @Override
  public int unitsPerImage(int height, int width) {
    return g.outputHeight(height);
  }

  @Override
  public void compute(float[] input, int inputOffset, float[] output, int outputOffset,
      int height, int width, int firstRow, int lastRow) {
    compute(input, inputOffset, false, output, outputOffset, false, height, width, firstRow,
        lastRow);
  }

  /**
   * At 512 bits ({@link NhwcGemm#BLOCKED_LAYOUT}), rows that slide whole
   * ({@link #slidesWithEdges}) over whole vectors of channels: each slice
   * of {@link #L} channels is one block of the channel-blocked layout. Measured on MobileNet-v1's
   * depthwise stages alone (Zen 5, 512-bit, medians): 708 us from NHWC, 550 channel-blocked; the
   * 14x14x512 stage 33.8 -> 27.6, 28x28x256 at stride 2 38.7 -> 20.5 (in NHWC the same channels
   * of neighbouring pixels are 1-4 KB apart and share L1 sets; in a block they are adjacent).
   */
  @Override
  public boolean readsBlocked(int height, int width) {
    return NhwcGemm.BLOCKED_LAYOUT && slidesWithEdges(g, width) && channels % L == 0;
  }

  @Override
  public void compute(float[] input, int inputOffset, boolean inputBlocked, float[] output,
      int outputOffset, boolean outputBlocked, int height, int width, int firstRow,
      int lastRow) {
    if (outputBlocked || inputBlocked && !readsBlocked(height, width)) {
      throw new IllegalArgumentException("depthwise: reads a channel-blocked input only where"
          + " its rows slide whole over whole vectors of channels, and writes NHWC");
    }
    if (slidesWithEdges(g, width)) {
      boolean pairs = g.strideW() == 1 && g.strideH() == 1;
      int plane = inputBlocked ? height * width * L : 0;
      for (int i = firstRow; i < lastRow; ) {
        boolean pair = pairs && i + 1 < lastRow;
        slideEdgeRows(input, inputOffset, plane, output, outputOffset, height, width, i, pair);
        i += pair ? 2 : 1;
      }
    } else if (padded(g, width)) {
      padded(input, inputOffset, output, outputOffset, height, width, firstRow, lastRow);
    } else {
      direct(input, inputOffset, output, outputOffset, height, width, firstRow, lastRow);
    }
  }

  /** The stage's geometry. */
  ConvGeometry geometry() {
    return g;
  }

  /**
   * Whether 3x3 rows run {@link #slide1} / {@link #slide2}: stride 1 or 2, no dilation. At 256
   * bits too, although their 24 live vectors do not fit 16 ymm registers: C2 keeps what fits and
   * reloads the rest, and that beat {@link #pixels3x3} (MobileNet-v1 under -XX:UseAVX=2 on the
   * Zen 5, depthwise stages in a chained pass 1844-1855 -> 1667-1678 us, alone 1570-1595 ->
   * 1345-1365) as well as loading every tap in the loop (slower at both widths: 512-bit
   * 1060-1103 -> 1338-1463 us).
   */
  static boolean sliding(ConvGeometry g) {
    return g.kernelH() == 3 && g.kernelW() == 3 && g.dilationH() == 1
        && g.dilationW() == 1 && g.strideW() <= 2;
  }

  /**
   * Whether an input {@code width} pixels wide runs as whole sliding rows, the padding read as
   * zeros ({@link #slideEdgeRow}): sliding 3x3 rows whose columns reach at most one pixel past
   * either side (PyTorch's padding 1, TensorFlow's SAME). Computing border pixels tap by tap
   * instead cost a quarter to a third of MobileNet-v1's 112x112x32 and 56x56x128 stages (Zen 5,
   * 512-bit: 155 and 207 us against 95-116 and 123-147 for their interior loop alone on a padded
   * plane). Also for small planes, in place of {@link #padded}: after a pointwise stage, as in
   * a network, 28x28x256 98-108 us against 130-134 padded, 14x14x512 54-63 against 64-69,
   * 14x14x512 at stride 2 26-28 against 36-37, 7x7x1024 36-41 against 40-41.
   */
  static boolean slidesWithEdges(ConvGeometry g, int width) {
    int lastColumn = (g.outputWidth(width) - 1) * g.strideW() - g.padLeft() + 2;
    return sliding(g) && g.padLeft() <= 1 && lastColumn <= width;
  }

  /**
   * Whether an input {@code width} pixels wide runs on a padded copy ({@link #padded}), unless it
   * {@link #slidesWithEdges}.
   */
  static boolean padded(ConvGeometry g, int width) {
    return width <= PADDED_INPUT_WIDTH / g.strideW();
  }

  /**
   * Small planes: the input rows the output rows need, copied into a per-thread buffer with the
   * padding as zeros and {@link #PIXEL_GAP} floats after each pixel, so every output pixel is an
   * interior one, computed slice by slice over the whole rectangle with the taps loaded once.
   * (Direct, a 7x7 plane is half border pixels.)
   */
  private void padded(float[] input, int inputOffset, float[] output, int outputOffset,
      int height, int width, int firstRow, int lastRow) {
    int c = channels;
    int xc = paddedPixel;
    int outW = g.outputWidth(width);
    int rowFloats = (width + g.padLeft() + g.padRight()) * xc;
    int top = firstRow * g.strideH() - g.padTop();
    int rows = (lastRow - 1) * g.strideH() + g.extentH() - firstRow * g.strideH();
    float[] buffer = paddedRows.atLeast(rows * rowFloats);
    for (int r = 0; r < rows; r++) {
      int ih = top + r;
      int to = r * rowFloats;
      if (ih < 0 || ih >= height) {
        Arrays.fill(buffer, to, to + rowFloats, 0f);
      } else {
        Arrays.fill(buffer, to, to + g.padLeft() * xc, 0f);
        copyPixels(input, inputOffset + ih * width * c, buffer, to + g.padLeft() * xc, width);
        Arrays.fill(buffer, to + (g.padLeft() + width) * xc, to + rowFloats, 0f);
      }
    }
    boolean threeByThree = g.kernelH() == 3 && g.kernelW() == 3;
    int slices = sliceStart.length;
    for (int i = 0; i < lastRow - firstRow; i++) {
      int x = i * g.strideH() * rowFloats;
      int y = outputOffset + (firstRow + i) * outW * c;
      if (threeByThree) {
        row3x3(buffer, x, xc, rowFloats, output, y, outW, 0, slices, low, high);
      } else {
        for (int k : sliceStart) {
          interior(buffer, x + k, xc, output, y + k, outW, rowFloats, k, low, high);
        }
      }
    }
  }

  /** {@code pixels} pixels of all channels to the padded copy's wider pixel stride. */
  private void copyPixels(float[] input, int from, float[] buffer, int to, int pixels) {
    int c = channels;
    int xc = paddedPixel;
    int[] starts = sliceStart;
    for (int p = 0; p < pixels; p++) {
      int xi = from + p * c;
      int xo = to + p * xc;
      for (int k : starts) {
        FloatVector.fromArray(F, input, xi + k).intoArray(buffer, xo + k);
      }
    }
  }

  /** Larger planes: interior rows and columns directly from the input, the border checked. */
  private void direct(float[] input, int inputOffset, float[] output, int outputOffset,
      int height, int width, int firstRow, int lastRow) {
    for (int i = firstRow; i < lastRow; i++) {
      directRow(input, inputOffset, output, outputOffset, height, width, i, 0, sliceStart.length);
    }
  }

  /**
   * Output row {@code i}, and row {@code i + 1} too when {@code pair}, in one {@link #slideRow}
   * ({@link #slidesWithEdges}): input rows above or below the input read as {@link #zeroRow},
   * padding columns as zeros.
   */
  private void slideEdgeRows(float[] input, int inputOffset, int plane, float[] output,
      int outputOffset, int height, int width, int i, boolean pair) {
    int c = channels;
    int xc = plane == 0 ? c : L; // floats between input pixels
    int outW = g.outputWidth(width);
    int column = -g.padLeft() * xc; // the first pixel's left column, within a row
    boolean rightZero = (outW - 1) * g.strideW() - g.padLeft() + 2 == width;
    float[] zeros = zeroRow(width);
    int top = i * g.strideH() - g.padTop();
    float[] in0 = top >= 0 && top < height ? input : zeros;
    float[] in1 = top + 1 >= 0 && top + 1 < height ? input : zeros;
    float[] in2 = top + 2 >= 0 && top + 2 < height ? input : zeros;
    float[] in3 = !pair ? null : top + 3 >= 0 && top + 3 < height ? input : zeros;
    int x0 = in0 == input ? inputOffset + top * width * xc + column : column;
    int x1 = in1 == input ? inputOffset + (top + 1) * width * xc + column : column;
    int x2 = in2 == input ? inputOffset + (top + 2) * width * xc + column : column;
    int x3 = in3 == input ? inputOffset + (top + 3) * width * xc + column : column;
    slideRow(in0, x0, in1, x1, in2, x2, in3, x3, xc, plane, output,
        outputOffset + i * outW * c, outW * c, outW, zeros, g.padLeft() == 1, rightZero, 0,
        sliceStart.length, low, high);
  }

  /**
   * Zeros for at least a row of {@code width} pixels: read (never written) for the rows and
   * columns of padding, shared by every thread (a race replaces it with another array of zeros).
   */
  private float[] zeroRow(int width) {
    float[] zeros = zeroRow;
    if (zeros == null || zeros.length < width * channels + L) {
      zeros = new float[width * channels + L];
      zeroRow = zeros;
    }
    return zeros;
  }

  /** Output row {@code i} of {@link #direct}, slices {@code [s0, s1)}. */
  private void directRow(float[] input, int inputOffset, float[] output, int outputOffset,
      int height, int width, int i, int s0, int s1) {
    int outH = g.outputHeight(height);
    int outW = g.outputWidth(width);
    int rowLo = PlaneInterior.rowLo(g, outH);
    int rowHi = PlaneInterior.rowHi(g, height, outH);
    int colLo = PlaneInterior.colLo(g, outW);
    int colHi = PlaneInterior.colHi(g, width, outW);
    float low = this.low;
    float high = this.high;
    int c = channels;
    {
      int yr = outputOffset + i * outW * c;
      boolean interiorRow = i >= rowLo && i < rowHi;
      int from = interiorRow ? colLo : outW;
      for (int s = s0; s < s1; s++) {
        int k = sliceStart[s];
        for (int j = 0; j < from; j++) {
          border(input, inputOffset, output, yr + j * c + k, height, width, i, j, k, low, high);
        }
        for (int j = Math.max(from, colHi); j < outW; j++) {
          border(input, inputOffset, output, yr + j * c + k, height, width, i, j, k, low, high);
        }
      }
      if (!interiorRow || colHi <= colLo) {
        return;
      }
      int x = inputOffset + ((i * g.strideH() - g.padTop()) * width + colLo * g.strideW()
          - g.padLeft()) * c;
      int y = yr + colLo * c;
      if (g.kernelH() == 3 && g.kernelW() == 3) {
        row3x3(input, x, c, width * c, output, y, colHi - colLo, s0, s1, low, high);
      } else {
        for (int s = s0; s < s1; s++) {
          int k = sliceStart[s];
          interior(input, x + k, c, output, y + k, colHi - colLo, width * c, k, low, high);
        }
      }
    }
  }

  /**
   * {@code count} output pixels of one row of a 3x3 kernel, all channels, every tap inside
   * {@code input}: the first pixel's first tap at {@code input[x]} (channel 0), its output at
   * {@code output[y]}, input pixels {@code xc} and rows {@code rowFloats} apart. Sliding rows
   * where {@link #sliding}; otherwise groups of 4 pixels (a last group overlaps the one before),
   * single pixels when the row is shorter.
   */
  private void row3x3(float[] input, int x, int xc, int rowFloats, float[] output, int y,
      int count, int s0, int s1, float low, float high) {
    int c = channels;
    int step = g.strideW() * xc;
    if (sliding) {
      slideRow(input, x, input, x + rowFloats, input, x + 2 * rowFloats, null, 0, xc, 0, output,
          y, 0, count, null, false, false, s0, s1, low, high);
      return;
    }
    if (count < 4) {
      for (int j = 0; j < count; j++) {
        pixel3x3(input, x + j * step, xc, rowFloats, output, y + j * c, s0, s1, low, high);
      }
      return;
    }
    for (int j0 = 0; j0 < count; j0 += 4) {
      int j = Math.min(j0, count - 4);
      pixels3x3(input, x + j * step, xc, rowFloats, output, y + j * c, s0, s1, low, high);
    }
  }

  /**
   * One output row of a 3x3 kernel at stride 1 or 2, every slice: input rows {@code in0[x0]},
   * {@code in1[x1]}, {@code in2[x2]} (a row above or below the input is {@link #zeroRow}), each
   * at the first output pixel's first tap (channel 0), pixels {@code xc} apart. With {@code in3}
   * (stride 1), also the next output row, {@code nextRow} floats after the first, from input rows
   * 1 to 3. {@code leftZero}: the first pixel's left column is padding, never read, and
   * {@code zeros} ({@link #zeroRow}) read instead; {@code rightZero}: so is the last pixel's right
   * column. {@code plane}: 0 for an NHWC input, where slice {@code s}'s channels start at
   * {@code sliceStart[s]} within a pixel; else the floats of one block's plane in a channel-blocked
   * input, where slice {@code s} is block {@code s} (a padding row in {@code zeros} is read at
   * the same place for every slice).
   */
  private void slideRow(float[] in0, int x0, float[] in1, int x1, float[] in2, int x2,
      float[] in3, int x3, int xc, int plane, float[] output, int y, int nextRow, int count,
      float[] zeros, boolean leftZero, boolean rightZero, int s0, int s1, float low,
      float high) {
    int c = channels;
    int step = g.strideW() * xc;
    int nhwc = plane == 0 ? 1 : 0; // without branches in the slice loop
    int span = count;
    if (coldRows < COLD_ROWS) {
      coldRows++;
      span = COLD_SPAN;
    }
    for (int s = s0; s < s1; s++) {
      int k = sliceStart[s];
      int inSlice = k * nhwc + s * plane; // where the slice starts in an input row
      int zeroSlice = k * nhwc; // and in a row of zeros
      for (int j = 0; j < count; j += span) {
        int n = Math.min(span, count - j);
        int d = j * step;
        int e0 = x0 + d + (in0 == zeros ? zeroSlice : inSlice);
        int e1 = x1 + d + (in1 == zeros ? zeroSlice : inSlice);
        int e2 = x2 + d + (in2 == zeros ? zeroSlice : inSlice);
        int e3 = x3 + d + (in3 == zeros ? zeroSlice : inSlice);
        boolean left = leftZero && j == 0;
        boolean right = rightZero && j + n == count;
        if (in3 != null) {
          slide1Pair(in0, e0, in1, e1, in2, e2, in3, e3, xc, zeros, left, right, output,
              y + k + j * c, nextRow, n, s, low, high);
        } else if (g.strideW() == 1) {
          slide1(in0, e0, in1, e1, in2, e2, xc, zeros, left, right, output, y + k + j * c, n, s,
              low, high);
        } else {
          slide2(in0, e0, in1, e1, in2, e2, xc, zeros, left, right, output, y + k + j * c, n, s,
              low, high);
        }
      }
    }
  }

  /**
   * {@code count} output pixels of one row and one slice of a 3x3 kernel at stride 1: each
   * input column vector is loaded once and kept in registers for the 3 outputs it belongs to
   * (3 loads per output vector instead of 9: the loads, most of them split across two cache
   * lines, were what bounded the 9-load version at 17-60 GFLOP/s). Padding columns are read from
   * {@code zeros} (the loads chosen by array, so no vector is merged from two branches).
   */
  private void slide1(float[] in0, int x0, float[] in1, int x1, float[] in2, int x2, int xc,
      float[] zeros, boolean left, boolean right, float[] output, int y, int count, int slice,
      float low, float high) {
    FloatVector lo = FloatVector.broadcast(F, low);
    FloatVector hi = FloatVector.broadcast(F, high);
    int c = channels;
    int t = slice * 9 * L;
    float[] w = sliceTaps;
    FloatVector w0 = FloatVector.fromArray(F, w, t);
    FloatVector w1 = FloatVector.fromArray(F, w, t + L);
    FloatVector w2 = FloatVector.fromArray(F, w, t + 2 * L);
    FloatVector w3 = FloatVector.fromArray(F, w, t + 3 * L);
    FloatVector w4 = FloatVector.fromArray(F, w, t + 4 * L);
    FloatVector w5 = FloatVector.fromArray(F, w, t + 5 * L);
    FloatVector w6 = FloatVector.fromArray(F, w, t + 6 * L);
    FloatVector w7 = FloatVector.fromArray(F, w, t + 7 * L);
    FloatVector w8 = FloatVector.fromArray(F, w, t + 8 * L);
    FloatVector b = FloatVector.fromArray(F, bias, sliceStart[slice]);
    FloatVector a0 = FloatVector.fromArray(F, left ? zeros : in0, left ? 0 : x0);
    FloatVector a1 = FloatVector.fromArray(F, left ? zeros : in1, left ? 0 : x1);
    FloatVector a2 = FloatVector.fromArray(F, left ? zeros : in2, left ? 0 : x2);
    FloatVector b0 = FloatVector.fromArray(F, in0, x0 + xc);
    FloatVector b1 = FloatVector.fromArray(F, in1, x1 + xc);
    FloatVector b2 = FloatVector.fromArray(F, in2, x2 + xc);
    int inside = right ? count - 1 : count;
    for (int j = 0; j < count; j++) {
      int next = (j + 2) * xc;
      boolean in = j < inside;
      FloatVector n0 = FloatVector.fromArray(F, in ? in0 : zeros, in ? x0 + next : 0);
      FloatVector n1 = FloatVector.fromArray(F, in ? in1 : zeros, in ? x1 + next : 0);
      FloatVector n2 = FloatVector.fromArray(F, in ? in2 : zeros, in ? x2 + next : 0);
      FloatVector s0 = a0.fma(w0, b).add(b0.mul(w1)).add(n0.mul(w2));
      FloatVector s1 = a1.mul(w3).add(b1.mul(w4)).add(n1.mul(w5));
      FloatVector s2 = a2.mul(w6).add(b2.mul(w7)).add(n2.mul(w8));
      s0.add(s1).add(s2).max(lo).min(hi).intoArray(output, y + j * c);
      a0 = b0;
      a1 = b1;
      a2 = b2;
      b0 = n0;
      b1 = n1;
      b2 = n2;
    }
  }

  /**
   * {@link #slide1} for two output rows at once, from four input rows: each input column vector
   * loaded once serves both rows it belongs to (2 loads per output vector instead of 3; harness,
   * 512-bit, Zen 5: 14x14x512 39 -> 31 us, 28x28x256 85 -> 64, 56x56x128 145 -> 125,
   * 112x112x32 126 -> 97).
   */
  private void slide1Pair(float[] in0, int x0, float[] in1, int x1, float[] in2, int x2,
      float[] in3, int x3, int xc, float[] zeros, boolean left, boolean right, float[] output,
      int y, int nextRow, int count, int slice, float low, float high) {
    FloatVector lo = FloatVector.broadcast(F, low);
    FloatVector hi = FloatVector.broadcast(F, high);
    int c = channels;
    int t = slice * 9 * L;
    float[] w = sliceTaps;
    FloatVector w0 = FloatVector.fromArray(F, w, t);
    FloatVector w1 = FloatVector.fromArray(F, w, t + L);
    FloatVector w2 = FloatVector.fromArray(F, w, t + 2 * L);
    FloatVector w3 = FloatVector.fromArray(F, w, t + 3 * L);
    FloatVector w4 = FloatVector.fromArray(F, w, t + 4 * L);
    FloatVector w5 = FloatVector.fromArray(F, w, t + 5 * L);
    FloatVector w6 = FloatVector.fromArray(F, w, t + 6 * L);
    FloatVector w7 = FloatVector.fromArray(F, w, t + 7 * L);
    FloatVector w8 = FloatVector.fromArray(F, w, t + 8 * L);
    FloatVector b = FloatVector.fromArray(F, bias, sliceStart[slice]);
    FloatVector a0 = FloatVector.fromArray(F, left ? zeros : in0, left ? 0 : x0);
    FloatVector a1 = FloatVector.fromArray(F, left ? zeros : in1, left ? 0 : x1);
    FloatVector a2 = FloatVector.fromArray(F, left ? zeros : in2, left ? 0 : x2);
    FloatVector a3 = FloatVector.fromArray(F, left ? zeros : in3, left ? 0 : x3);
    FloatVector b0 = FloatVector.fromArray(F, in0, x0 + xc);
    FloatVector b1 = FloatVector.fromArray(F, in1, x1 + xc);
    FloatVector b2 = FloatVector.fromArray(F, in2, x2 + xc);
    FloatVector b3 = FloatVector.fromArray(F, in3, x3 + xc);
    int inside = right ? count - 1 : count;
    for (int j = 0; j < count; j++) {
      int next = (j + 2) * xc;
      boolean in = j < inside;
      FloatVector n0 = FloatVector.fromArray(F, in ? in0 : zeros, in ? x0 + next : 0);
      FloatVector n1 = FloatVector.fromArray(F, in ? in1 : zeros, in ? x1 + next : 0);
      FloatVector n2 = FloatVector.fromArray(F, in ? in2 : zeros, in ? x2 + next : 0);
      FloatVector n3 = FloatVector.fromArray(F, in ? in3 : zeros, in ? x3 + next : 0);
      FloatVector s0 = a0.fma(w0, b).add(b0.mul(w1)).add(n0.mul(w2));
      FloatVector s1 = a1.mul(w3).add(b1.mul(w4)).add(n1.mul(w5));
      FloatVector s2 = a2.mul(w6).add(b2.mul(w7)).add(n2.mul(w8));
      s0.add(s1).add(s2).max(lo).min(hi).intoArray(output, y + j * c);
      FloatVector u0 = a1.fma(w0, b).add(b1.mul(w1)).add(n1.mul(w2));
      FloatVector u1 = a2.mul(w3).add(b2.mul(w4)).add(n2.mul(w5));
      FloatVector u2 = a3.mul(w6).add(b3.mul(w7)).add(n3.mul(w8));
      u0.add(u1).add(u2).max(lo).min(hi).intoArray(output, y + nextRow + j * c);
      a0 = b0;
      a1 = b1;
      a2 = b2;
      a3 = b3;
      b0 = n0;
      b1 = n1;
      b2 = n2;
      b3 = n3;
    }
  }

  /**
   * {@code count} output pixels of one row and one slice of a 3x3 kernel at stride 2: each
   * input column vector is loaded once and kept in registers for the 2 outputs it belongs to
   * (6 loads per output vector instead of 9), padding columns read from {@code zeros}.
   */
  private void slide2(float[] in0, int x0, float[] in1, int x1, float[] in2, int x2, int xc,
      float[] zeros, boolean left, boolean right, float[] output, int y, int count, int slice,
      float low, float high) {
    FloatVector lo = FloatVector.broadcast(F, low);
    FloatVector hi = FloatVector.broadcast(F, high);
    int c = channels;
    int t = slice * 9 * L;
    float[] w = sliceTaps;
    FloatVector w0 = FloatVector.fromArray(F, w, t);
    FloatVector w1 = FloatVector.fromArray(F, w, t + L);
    FloatVector w2 = FloatVector.fromArray(F, w, t + 2 * L);
    FloatVector w3 = FloatVector.fromArray(F, w, t + 3 * L);
    FloatVector w4 = FloatVector.fromArray(F, w, t + 4 * L);
    FloatVector w5 = FloatVector.fromArray(F, w, t + 5 * L);
    FloatVector w6 = FloatVector.fromArray(F, w, t + 6 * L);
    FloatVector w7 = FloatVector.fromArray(F, w, t + 7 * L);
    FloatVector w8 = FloatVector.fromArray(F, w, t + 8 * L);
    FloatVector b = FloatVector.fromArray(F, bias, sliceStart[slice]);
    FloatVector a0 = FloatVector.fromArray(F, left ? zeros : in0, left ? 0 : x0);
    FloatVector a1 = FloatVector.fromArray(F, left ? zeros : in1, left ? 0 : x1);
    FloatVector a2 = FloatVector.fromArray(F, left ? zeros : in2, left ? 0 : x2);
    int inside = right ? count - 1 : count;
    for (int j = 0; j < count; j++) {
      int odd = (2 * j + 1) * xc;
      int next = odd + xc;
      boolean in = j < inside;
      FloatVector b0 = FloatVector.fromArray(F, in0, x0 + odd);
      FloatVector b1 = FloatVector.fromArray(F, in1, x1 + odd);
      FloatVector b2 = FloatVector.fromArray(F, in2, x2 + odd);
      FloatVector n0 = FloatVector.fromArray(F, in ? in0 : zeros, in ? x0 + next : 0);
      FloatVector n1 = FloatVector.fromArray(F, in ? in1 : zeros, in ? x1 + next : 0);
      FloatVector n2 = FloatVector.fromArray(F, in ? in2 : zeros, in ? x2 + next : 0);
      FloatVector s0 = a0.fma(w0, b).add(b0.mul(w1)).add(n0.mul(w2));
      FloatVector s1 = a1.mul(w3).add(b1.mul(w4)).add(n1.mul(w5));
      FloatVector s2 = a2.mul(w6).add(b2.mul(w7)).add(n2.mul(w8));
      s0.add(s1).add(s2).max(lo).min(hi).intoArray(output, y + j * c);
      a0 = n0;
      a1 = n1;
      a2 = n2;
    }
  }

  /**
   * 4 neighbouring output pixels of a 3x3 kernel, every slice of channels in turn: each tap
   * vector loaded once and applied to the 4 pixels (6 live vectors, so the 256-bit code fits
   * 16 registers), the 4 results stored together after the slice's loads. (Storing each pixel
   * before loading the next one's taps ran 2-4x slower: with 1024 channels the next loads are a
   * multiple of 4 KB from that store, which the CPU takes for a dependence.)
   */
  private void pixels3x3(float[] input, int x, int xc, int rowFloats, float[] output, int y,
      int s0, int s1, float low, float high) {
    FloatVector lo = FloatVector.broadcast(F, low);
    FloatVector hi = FloatVector.broadcast(F, high);
    int c = channels;
    int col = g.dilationW() * xc;
    int row = g.dilationH() * rowFloats;
    int step = g.strideW() * xc;
    float[] w = sliceTaps;
    int[] starts = sliceStart;
    for (int s = s0; s < s1; s++) {
      int k = starts[s];
      int t = s * 9 * L;
      int x0 = x + k;
      int x1 = x0 + step;
      int x2 = x1 + step;
      int x3 = x2 + step;
      FloatVector a0 = FloatVector.fromArray(F, bias, k);
      FloatVector a1 = a0;
      FloatVector a2 = a0;
      FloatVector a3 = a0;
      FloatVector wt = FloatVector.fromArray(F, w, t);
      a0 = FloatVector.fromArray(F, input, x0).fma(wt, a0);
      a1 = FloatVector.fromArray(F, input, x1).fma(wt, a1);
      a2 = FloatVector.fromArray(F, input, x2).fma(wt, a2);
      a3 = FloatVector.fromArray(F, input, x3).fma(wt, a3);
      wt = FloatVector.fromArray(F, w, t + L);
      a0 = FloatVector.fromArray(F, input, x0 + col).fma(wt, a0);
      a1 = FloatVector.fromArray(F, input, x1 + col).fma(wt, a1);
      a2 = FloatVector.fromArray(F, input, x2 + col).fma(wt, a2);
      a3 = FloatVector.fromArray(F, input, x3 + col).fma(wt, a3);
      wt = FloatVector.fromArray(F, w, t + 2 * L);
      a0 = FloatVector.fromArray(F, input, x0 + 2 * col).fma(wt, a0);
      a1 = FloatVector.fromArray(F, input, x1 + 2 * col).fma(wt, a1);
      a2 = FloatVector.fromArray(F, input, x2 + 2 * col).fma(wt, a2);
      a3 = FloatVector.fromArray(F, input, x3 + 2 * col).fma(wt, a3);
      wt = FloatVector.fromArray(F, w, t + 3 * L);
      a0 = FloatVector.fromArray(F, input, x0 + row).fma(wt, a0);
      a1 = FloatVector.fromArray(F, input, x1 + row).fma(wt, a1);
      a2 = FloatVector.fromArray(F, input, x2 + row).fma(wt, a2);
      a3 = FloatVector.fromArray(F, input, x3 + row).fma(wt, a3);
      wt = FloatVector.fromArray(F, w, t + 4 * L);
      a0 = FloatVector.fromArray(F, input, x0 + row + col).fma(wt, a0);
      a1 = FloatVector.fromArray(F, input, x1 + row + col).fma(wt, a1);
      a2 = FloatVector.fromArray(F, input, x2 + row + col).fma(wt, a2);
      a3 = FloatVector.fromArray(F, input, x3 + row + col).fma(wt, a3);
      wt = FloatVector.fromArray(F, w, t + 5 * L);
      a0 = FloatVector.fromArray(F, input, x0 + row + 2 * col).fma(wt, a0);
      a1 = FloatVector.fromArray(F, input, x1 + row + 2 * col).fma(wt, a1);
      a2 = FloatVector.fromArray(F, input, x2 + row + 2 * col).fma(wt, a2);
      a3 = FloatVector.fromArray(F, input, x3 + row + 2 * col).fma(wt, a3);
      wt = FloatVector.fromArray(F, w, t + 6 * L);
      a0 = FloatVector.fromArray(F, input, x0 + 2 * row).fma(wt, a0);
      a1 = FloatVector.fromArray(F, input, x1 + 2 * row).fma(wt, a1);
      a2 = FloatVector.fromArray(F, input, x2 + 2 * row).fma(wt, a2);
      a3 = FloatVector.fromArray(F, input, x3 + 2 * row).fma(wt, a3);
      wt = FloatVector.fromArray(F, w, t + 7 * L);
      a0 = FloatVector.fromArray(F, input, x0 + 2 * row + col).fma(wt, a0);
      a1 = FloatVector.fromArray(F, input, x1 + 2 * row + col).fma(wt, a1);
      a2 = FloatVector.fromArray(F, input, x2 + 2 * row + col).fma(wt, a2);
      a3 = FloatVector.fromArray(F, input, x3 + 2 * row + col).fma(wt, a3);
      wt = FloatVector.fromArray(F, w, t + 8 * L);
      a0 = FloatVector.fromArray(F, input, x0 + 2 * row + 2 * col).fma(wt, a0);
      a1 = FloatVector.fromArray(F, input, x1 + 2 * row + 2 * col).fma(wt, a1);
      a2 = FloatVector.fromArray(F, input, x2 + 2 * row + 2 * col).fma(wt, a2);
      a3 = FloatVector.fromArray(F, input, x3 + 2 * row + 2 * col).fma(wt, a3);
      int yk = y + k;
      a0.max(lo).min(hi).intoArray(output, yk);
      a1.max(lo).min(hi).intoArray(output, yk + c);
      a2.max(lo).min(hi).intoArray(output, yk + 2 * c);
      a3.max(lo).min(hi).intoArray(output, yk + 3 * c);
    }
  }

  /** One output pixel of a 3x3 kernel, every slice of channels in turn. */
  private void pixel3x3(float[] input, int x, int xc, int rowFloats, float[] output, int y,
      int s0, int s1, float low, float high) {
    FloatVector lo = FloatVector.broadcast(F, low);
    FloatVector hi = FloatVector.broadcast(F, high);
    int col = g.dilationW() * xc;
    int row = g.dilationH() * rowFloats;
    float[] w = sliceTaps;
    int[] starts = sliceStart;
    for (int s = s0; s < s1; s++) {
      int k = starts[s];
      int t = s * 9 * L;
      int xk = x + k;
      FloatVector r0 = FloatVector.fromArray(F, input, xk)
          .fma(FloatVector.fromArray(F, w, t), FloatVector.fromArray(F, bias, k));
      FloatVector r1 = FloatVector.fromArray(F, input, xk + row)
          .mul(FloatVector.fromArray(F, w, t + 3 * L));
      FloatVector r2 = FloatVector.fromArray(F, input, xk + 2 * row)
          .mul(FloatVector.fromArray(F, w, t + 6 * L));
      r0 = FloatVector.fromArray(F, input, xk + col).fma(FloatVector.fromArray(F, w, t + L), r0);
      r1 = FloatVector.fromArray(F, input, xk + row + col)
          .fma(FloatVector.fromArray(F, w, t + 4 * L), r1);
      r2 = FloatVector.fromArray(F, input, xk + 2 * row + col)
          .fma(FloatVector.fromArray(F, w, t + 7 * L), r2);
      r0 = FloatVector.fromArray(F, input, xk + 2 * col)
          .fma(FloatVector.fromArray(F, w, t + 2 * L), r0);
      r1 = FloatVector.fromArray(F, input, xk + row + 2 * col)
          .fma(FloatVector.fromArray(F, w, t + 5 * L), r1);
      r2 = FloatVector.fromArray(F, input, xk + 2 * row + 2 * col)
          .fma(FloatVector.fromArray(F, w, t + 8 * L), r2);
      r0.add(r1).add(r2).max(lo).min(hi).intoArray(output, y + k);
    }
  }

  /**
   * {@code count} interior pixels of any kernel size: taps outer, each adding into the output
   * row, so no vector is carried through the nested loops.
   */
  private void interior(float[] input, int x, int xc, float[] output, int y, int count,
      int rowFloats, int k, float low, float high) {
    FloatVector lo = FloatVector.broadcast(F, low);
    FloatVector hi = FloatVector.broadcast(F, high);
    int c = channels;
    int step = g.strideW() * xc;
    FloatVector b = FloatVector.fromArray(F, bias, k);
    for (int j = 0; j < count; j++) {
      b.intoArray(output, y + j * c);
    }
    for (int r = 0; r < g.kernelH(); r++) {
      for (int s = 0; s < g.kernelW(); s++) {
        FloatVector w = FloatVector.fromArray(F, taps, (r * g.kernelW() + s) * c + k);
        int xt = x + r * g.dilationH() * rowFloats + s * g.dilationW() * xc;
        for (int j = 0; j < count; j++) {
          FloatVector.fromArray(F, input, xt + j * step)
              .fma(w, FloatVector.fromArray(F, output, y + j * c)).intoArray(output, y + j * c);
        }
      }
    }
    for (int j = 0; j < count; j++) {
      FloatVector.fromArray(F, output, y + j * c).max(lo).min(hi).intoArray(output, y + j * c);
    }
  }

  /** Output pixel {@code (i, j)}, channels {@code k ..}: the taps inside the input only. */
  private void border(float[] input, int xo, float[] output, int y, int height, int width, int i,
      int j, int k, float low, float high) {
    int c = channels;
    FloatVector.fromArray(F, bias, k).intoArray(output, y);
    for (int r = 0; r < g.kernelH(); r++) {
      int ih = i * g.strideH() - g.padTop() + r * g.dilationH();
      if (ih < 0 || ih >= height) {
        continue;
      }
      for (int s = 0; s < g.kernelW(); s++) {
        int iw = j * g.strideW() - g.padLeft() + s * g.dilationW();
        if (iw >= 0 && iw < width) {
          FloatVector.fromArray(F, input, xo + (ih * width + iw) * c + k)
              .fma(FloatVector.fromArray(F, taps, (r * g.kernelW() + s) * c + k),
                  FloatVector.fromArray(F, output, y))
              .intoArray(output, y);
        }
      }
    }
    FloatVector.fromArray(F, output, y).max(low).min(high).intoArray(output, y);
  }
}
