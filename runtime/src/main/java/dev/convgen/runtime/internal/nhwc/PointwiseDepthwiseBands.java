package dev.convgen.runtime.internal.nhwc;

import dev.convgen.runtime.ConvGeometry;
import dev.convgen.runtime.internal.ThreadBuffer;

/**
 * A stride-1 pointwise stage and the 3x3 depthwise stage after it, run together band by band of
 * the depthwise stage's output rows: the pointwise stage writes the input rows a band reads into
 * a per-thread buffer of about {@link #BAND_FLOATS} floats, and the depthwise rows read them while
 * they are in cache, instead of the whole intermediate tensor going out to memory and back (an
 * MBConv block's expansion at 112x112x96 is 4.8 MB). Rows the next band reads again are moved to
 * the buffer's front, not computed again. Each value is computed by the same code as unfused, so
 * the results are identical.
 *
 * <p>Measured on a Zen 5 (512-bit, 1 MB L2), both stages on an NHWC input with 16 MB of other
 * memory written before each call, as in a network pass (medians of 200): 16 -> 96 at 112x112
 * with a stride-2 depthwise stage 558 -> 483 us, 24 -> 144 at 56x56 stride 1 323 -> 279, stride 2
 * 234 -> 197; 32 -> 192 at 28x28 (602 KB) 105 -> 104 and 77 -> 75, no gain, hence {@link
 * #MIN_INTERMEDIATE_FLOATS} (and such a stage, at 512 bits, gets a channel-blocked tensor when
 * unbanded). Computing the shared rows twice instead of moving them cost the stride-1 stage what
 * banding gained (bands of 8 rows: 428 -> 447 us). MBConv's whole pass: 2,744-2,760 -> 2,492-2,606
 * us (same JVM, alternated).
 */
final class PointwiseDepthwiseBands {

  /** Floats of intermediate rows per band: 384 KB, within L2 with the rows' output beside it. */
  static final int BAND_FLOATS = 96 * 1024;

  /**
   * The smallest intermediate tensor (floats per image) worth banding: 256K floats (1 MB, the L2
   * measured); MBConv's 28x28x192 (150K) measured no faster banded.
   */
  static final long MIN_INTERMEDIATE_FLOATS = 256 * 1024;

  /** Per thread: the band of intermediate rows. */
  static final ThreadBuffer BAND = new ThreadBuffer();

  private PointwiseDepthwiseBands() {}

  /**
   * Whether {@code pointwise} then {@code depthwise} run banded on an input of this size: a
   * stride-1 pointwise body, then a depthwise one whose 3x3 rows slide whole ({@link
   * NhwcDepthwise#slidesWithEdges}) over the channels it writes, and an intermediate of at least
   * {@link #MIN_INTERMEDIATE_FLOATS}.
   */
  static boolean fuses(NhwcKernel pointwise, NhwcKernel depthwise, int height, int width) {
    if (!(pointwise instanceof NhwcPointwise pw) || !(depthwise instanceof NhwcDepthwise dw)) {
      return false;
    }
    ConvGeometry p = pw.geometry();
    ConvGeometry d = dw.geometry();
    return p.strideH() == 1 && p.strideW() == 1 && p.padTop() == 0 && p.padLeft() == 0
        && p.outChannels() == d.inChannels()
        && NhwcDepthwise.slidesWithEdges(d, width)
        && (long) height * width * p.outChannels() >= MIN_INTERMEDIATE_FLOATS;
  }

  /**
   * Allocates the calling thread's band for {@code pointwise} then {@code depthwise} on an input
   * of this size, as {@link #rows} would on its first call ({@code network.WarmUp}); needs {@link
   * #fuses}.
   */
  static void prepare(NhwcKernel depthwise, int height, int width) {
    BAND.atLeast(bufferFloats(((NhwcDepthwise) depthwise).geometry(), height, width));
  }

  /** Depthwise output rows per band: {@link #BAND_FLOATS} of the intermediate rows they read. */
  private static int bandRows(ConvGeometry depthwise, int width) {
    return Math.max(1, BAND_FLOATS / (depthwise.strideH() * width * depthwise.inChannels()));
  }

  /** Floats of the band: the intermediate rows one band of output rows reads. */
  private static int bufferFloats(ConvGeometry depthwise, int height, int width) {
    int rows = Math.min(height, (bandRows(depthwise, width) - 1) * depthwise.strideH()
        + depthwise.extentH());
    return rows * width * depthwise.inChannels();
  }

  /**
   * Depthwise output rows {@code [firstRow, lastRow)} of one image, NHWC: the input at
   * {@code input[inputOffset ...]}, the output at {@code output[outputOffset ...]}, both whole
   * images. Needs {@link #fuses}.
   */
  static void rows(NhwcKernel pointwise, NhwcKernel depthwise, float[] input, int inputOffset,
      float[] output, int outputOffset, int height, int width, int firstRow, int lastRow) {
    NhwcPointwise pw = (NhwcPointwise) pointwise;
    NhwcDepthwise dw = (NhwcDepthwise) depthwise;
    ConvGeometry d = dw.geometry();
    int stride = d.strideH();
    int rowFloats = width * d.inChannels();
    int bandRows = bandRows(d, width);
    float[] band = BAND.atLeast(bufferFloats(d, height, width));
    int first = 0; // the buffer holds intermediate rows [first, end)
    int end = 0;
    for (int o0 = firstRow; o0 < lastRow; o0 += bandRows) {
      int o1 = Math.min(o0 + bandRows, lastRow);
      int a = Math.max(0, o0 * stride - d.padTop());
      int b = Math.min(height, (o1 - 1) * stride - d.padTop() + d.extentH());
      int kept = Math.max(0, end - a); // rows [a, end) the last band read too (a >= first)
      if (kept > 0) {
        System.arraycopy(band, (a - first) * rowFloats, band, 0, kept * rowFloats);
      }
      first = a;
      end = a + kept;
      if (b > end) {
        pw.pixels(input, inputOffset, band, -first * rowFloats, end * width, b * width);
        end = b;
      }
      // the depthwise body addresses row r at offset + r * rowFloats: rows [first, end) are here
      dw.compute(band, -first * rowFloats, output, outputOffset, height, width, o0, o1);
    }
  }
}
