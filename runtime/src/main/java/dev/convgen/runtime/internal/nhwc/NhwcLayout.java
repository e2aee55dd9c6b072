package dev.convgen.runtime.internal.nhwc;

import dev.convgen.runtime.ConvLayer;
import dev.convgen.runtime.Vectorization;
import dev.convgen.runtime.internal.Arguments;
import java.util.Objects;

/**
 * Conversions between NCHW ({@code [batch, channels, height, width]}) and NHWC
 * ({@code [batch, height, width, channels]}). A plane of one pixel, or a single channel, has the
 * same memory order in both, so {@link #same} tells a network when no copy is needed.
 */
public final class NhwcLayout {

  /** Source rows per block of the transposition (written out in {@link #blocks}). */
  private static final int BLOCK = 8;
  /** Columns per chunk of {@link #fewRows}: the chunk's output (at most 56 KB) stays in cache. */
  private static final int CHUNK = 2048;
  /**
   * Pixels per unit of a transposition ({@link #transposeUnits}), the runs threads split it by;
   * on one thread too, one unit after the other, so that a unit's output (256 KB for 32
   * channels) stays in cache while each block of rows adds its values. Measured on a Zen 5,
   * input and output evicted before each call: 32 x 112 x 112 into NHWC 257-288 -> 172-188 us
   * in runs of 512-2,048 pixels (before, the whole 1.6 MB output was written in 4 passes of 8
   * channels); 64 x 56 x 56 (an output within L2), 128 x 56 x 56 and back into NCHW within 1-7%
   * either way; no difference in a network pass, whose input stays in cache.
   */
  private static final int PIXELS_PER_UNIT = 2048;

  /** Per-thread buffers of {@link #forwardViaNchw} and {@link #forwardViaNhwc}, by exact length. */
  private static final int SCRATCH_SLOTS = 8;
  private static final ThreadLocal<float[][]> SCRATCH =
      ThreadLocal.withInitial(() -> new float[SCRATCH_SLOTS][]);

  private NhwcLayout() {}

  /**
   * {@code ConvLayer.forwardNhwc} of a layer without an NHWC implementation: the input transposed
   * to NCHW, {@code forward}, the output transposed back, through per-thread buffers kept by
   * length (so repeated sizes allocate nothing).
   */
  public static void forwardViaNchw(ConvLayer layer, float[] input, int batch, int height,
      int width, float[] output) {
    forwardTransposed(layer, false, input, batch, height, width, output);
  }

  /**
   * {@code ConvLayer.forward} of a layer whose NCHW calls run its NHWC implementation (a kernel
   * without NCHW SIMD code, where its plan chose so, and {@code ParallelLayer} over it): the
   * input transposed to NHWC, {@code forwardNhwc}, the output transposed back, through the same
   * per-thread buffers.
   */
  public static void forwardViaNhwc(ConvLayer layer, float[] input, int batch, int height,
      int width, float[] output) {
    Arguments.requireDistinct(input, output);
    forwardTransposed(layer, true, input, batch, height, width, output);
  }

  private static void forwardTransposed(ConvLayer layer, boolean viaNhwc, float[] input,
      int batch, int height, int width, float[] output) {
    Objects.requireNonNull(input, "input");
    Objects.requireNonNull(output, "output");
    Arguments.requirePositive("batch", batch);
    Arguments.requirePositive("height", height);
    Arguments.requirePositive("width", width);
    int in = layer.inChannels();
    int out = layer.outChannels();
    int outH = layer.outputHeight(height);
    int outW = layer.outputWidth(width);
    Arguments.checkTensor("input", input, batch, in, height, width);
    if (outH > 0 && outW > 0) {
      Arguments.checkTensor("output", output, batch, out, outH, outW);
    }
    float[] innerIn = input;
    if (!same(in, height, width)) {
      innerIn = scratch(input.length, null);
      if (viaNhwc) {
        toNhwc(input, innerIn, batch, in, height, width);
      } else {
        toNchw(input, innerIn, batch, in, height, width);
      }
    }
    boolean outSame = outH > 0 && outW > 0 && same(out, outH, outW);
    float[] innerOut = outSame || outH <= 0 || outW <= 0 ? output
        : scratch(output.length, innerIn);
    if (viaNhwc) {
      layer.forwardNhwc(innerIn, batch, height, width, innerOut);
    } else {
      layer.forward(innerIn, batch, height, width, innerOut);
    }
    if (innerOut != output) {
      if (viaNhwc) {
        toNchw(innerOut, output, batch, out, outH, outW);
      } else {
        toNhwc(innerOut, output, batch, out, outH, outW);
      }
    }
  }

  /**
   * This thread's buffer of exactly {@code length} floats, other than {@code busy}: the buffers
   * of {@link #forwardViaNchw} and {@link #forwardViaNhwc}, shared by every layer the thread runs
   * (eight lengths kept), for use until the thread's next call here.
   */
  public static float[] scratch(int length, float[] busy) {
    float[][] slots = SCRATCH.get();
    for (float[] slot : slots) {
      if (slot != null && slot.length == length && slot != busy) {
        return slot;
      }
    }
    // replace the first slot that is neither busy nor the newest; keep the rest
    float[] fresh = new float[length];
    int victim = slots[0] == busy ? 1 : 0;
    System.arraycopy(slots, victim + 1, slots, victim, SCRATCH_SLOTS - victim - 1);
    slots[SCRATCH_SLOTS - 1] = fresh;
    return fresh;
  }

  /** Whether NCHW and NHWC coincide for this shape. */
  public static boolean same(int channels, int height, int width) {
    return channels == 1 || height * width == 1;
  }

  /**
   * {@code nchw [batch, channels, height, width]} into
   * {@code nhwc [batch, height, width, channels]}.
   */
  public static void toNhwc(float[] nchw, float[] nhwc, int batch, int channels, int height,
      int width) {
    int plane = height * width;
    transposeUnits(nchw, nhwc, false, channels, plane, 0, transposeUnits(batch, plane));
  }

  /**
   * {@code nhwc [batch, height, width, channels]} into
   * {@code nchw [batch, channels, height, width]}.
   */
  public static void toNchw(float[] nhwc, float[] nchw, int batch, int channels, int height,
      int width) {
    int plane = height * width;
    transposeUnits(nhwc, nchw, true, channels, plane, 0, transposeUnits(batch, plane));
  }

  /**
   * The units a transposition ({@link #toNhwc}, {@link #toNchw}) splits into between threads:
   * runs of {@link #PIXELS_PER_UNIT} pixels of each image (the last one shorter).
   */
  public static int transposeUnits(int batch, int plane) {
    return Arguments.workUnits(batch, unitsPerImage(plane));
  }

  /** Units of one image's transposition: runs of {@link #PIXELS_PER_UNIT} of its pixels. */
  private static int unitsPerImage(int plane) {
    return (plane + PIXELS_PER_UNIT - 1) / PIXELS_PER_UNIT;
  }

  /**
   * Units {@code [firstUnit, lastUnit)} ({@link #transposeUnits}) of {@link #toNchw} when
   * {@code fromNhwc}, else of {@link #toNhwc}: each unit's pixels, every channel, from one
   * tensor into the other.
   */
  public static void transposeUnits(float[] from, float[] to, boolean fromNhwc, int channels,
      int plane, int firstUnit, int lastUnit) {
    int perImage = unitsPerImage(plane);
    for (int u = firstUnit; u < lastUnit; u++) {
      int image = u / perImage * channels * plane;
      int first = u % perImage * PIXELS_PER_UNIT;
      int pixels = Math.min(PIXELS_PER_UNIT, plane - first);
      if (fromNhwc) { // rows of pixels into rows of channels
        transpose(from, image + first * channels, channels, to, image + first, plane, pixels,
            channels);
      } else {
        transpose(from, image + first, plane, to, image + first * channels, channels, channels,
            pixels);
      }
    }
  }

  /**
   * The vector lanes of the NHWC bodies, the channels of one block of the channel-blocked layout
   * ({@code [batch][channels / lanes][height][width][lanes]}): 16 at 512 bits, 8 at 256; without
   * loading the Vector API.
   */
  public static int blockLanes() {
    return Vectorization.bits() == 512 ? 16 : 8;
  }

  /**
   * A channel-blocked tensor ({@code [batch][channels / lanes][height][width][lanes]},
   * {@code lanes} dividing {@code channels}) into NCHW.
   */
  public static void blockedToNchw(float[] blocked, float[] nchw, int batch, int channels,
      int height, int width, int lanes) {
    int plane = height * width;
    int image = channels * plane;
    for (int n = 0; n < batch; n++) {
      for (int c = 0; c < channels; c++) {
        int from = n * image + c / lanes * plane * lanes + c % lanes;
        int to = n * image + c * plane;
        for (int p = 0; p < plane; p++) {
          nchw[to + p] = blocked[from + p * lanes];
        }
      }
    }
  }

  /**
   * Output pixels {@code [firstPixel, firstPixel + pixels)} of one image, held NHWC from the
   * start of {@code nhwcPixels}, into their places in the image's NCHW planes at
   * {@code imageOffset} ({@code plane} floats each): what an NCHW call that runs an NHWC body
   * band by band writes after each band, while the band is in cache.
   */
  public static void pixelsToNchw(float[] nhwcPixels, float[] nchw, int imageOffset,
      int channels, int plane, int firstPixel, int pixels) {
    transpose(nhwcPixels, 0, channels, nchw, imageOffset + firstPixel, plane, pixels, channels);
  }

  /**
   * Pixels {@code [firstPixel, firstPixel + pixels)} of one NCHW image at {@code imageOffset}
   * ({@code plane} floats per channel) into NHWC from the start of {@code nhwcPixels}: the
   * input rows a band of output rows needs, for an NCHW call that runs an NHWC body band by band.
   */
  public static void pixelsToNhwc(float[] nchw, int imageOffset, int channels, int plane,
      int firstPixel, int pixels, float[] nhwcPixels) {
    transpose(nchw, imageOffset + firstPixel, plane, nhwcPixels, 0, channels, channels, pixels);
  }

  /**
   * The {@code [rows][columns]} matrix at {@code from[fromBase]}, its rows {@code fromStride}
   * floats apart, into {@code [columns][rows]} at {@code to[toBase]}, its rows {@code toStride}
   * floats apart: three rows ({@link #threeRows}), fewer than {@link #BLOCK} ({@link #fewRows}),
   * else {@link #BLOCK} rows at a time ({@link #blocks}).
   */
  private static void transpose(float[] from, int fromBase, int fromStride, float[] to,
      int toBase, int toStride, int rows, int columns) {
    if (rows == 3) {
      threeRows(from, fromBase, fromStride, to, toBase, toStride, columns);
    } else if (rows < BLOCK) {
      fewRows(from, fromBase, fromStride, to, toBase, toStride, rows, columns);
    } else {
      blocks(from, fromBase, fromStride, to, toBase, toStride, rows, columns);
    }
  }

  /**
   * {@link #transpose} of three rows (an RGB image into NHWC): per column, its three values
   * written as one run, the rows read as three streams. Measured on a Zen 5, 3 x 224 x 224 (4 MB
   * written between calls, medians): 32-37 us against 94 with {@link #fewRows}; the same loop with
   * an inner loop over a variable number of rows: 134.
   */
  private static void threeRows(float[] from, int fromBase, int fromStride, float[] to,
      int toBase, int toStride, int columns) {
    int r = fromBase;
    int g = r + fromStride;
    int b = g + fromStride;
    for (int c = 0, o = toBase; c < columns; c++, o += toStride) {
      to[o] = from[r + c];
      to[o + 1] = from[g + c];
      to[o + 2] = from[b + c];
    }
  }

  /**
   * {@link #transpose} of a matrix with fewer rows than a block (other than three): per
   * chunk of {@link #CHUNK} columns, each row read front to back into every
   * {@code toStride}-th output float. Measured on a Zen 5, 3 x 224 x 224: 83 us against 170-190
   * us with the blocked loop, whose inner loop over three rows is mostly overhead.
   */
  private static void fewRows(float[] from, int fromBase, int fromStride, float[] to,
      int toBase, int toStride, int rows, int columns) {
    for (int c0 = 0; c0 < columns; c0 += CHUNK) {
      int c1 = Math.min(c0 + CHUNK, columns);
      for (int r = 0; r < rows; r++) {
        int source = fromBase + r * fromStride;
        for (int c = c0; c < c1; c++) {
          to[toBase + c * toStride + r] = from[source + c];
        }
      }
    }
  }

  /**
   * {@link #transpose} {@link #BLOCK} rows at a time (the last rows one at a time): per column,
   * the block's values (one from each row, read as {@code BLOCK} streams) are written as one
   * run. Written out rather than as an inner loop over the block, which C2 left as a loop:
   * measured on a Zen 5, 8 x 32 x 56 x 56 into NHWC 266-389 us against 600-980, 8 x 64 x 56 x 56
   * back into NCHW 560-1000 us against 1250-1940 (16 rows at a time: no faster).
   */
  private static void blocks(float[] from, int fromBase, int fromStride, float[] to,
      int toBase, int toStride, int rows, int columns) {
    int r0 = 0;
    for (; r0 + BLOCK <= rows; r0 += BLOCK) {
      int x = fromBase + r0 * fromStride;
      int y = toBase + r0;
      for (int c = 0; c < columns; c++, x++, y += toStride) {
        to[y] = from[x];
        to[y + 1] = from[x + fromStride];
        to[y + 2] = from[x + 2 * fromStride];
        to[y + 3] = from[x + 3 * fromStride];
        to[y + 4] = from[x + 4 * fromStride];
        to[y + 5] = from[x + 5 * fromStride];
        to[y + 6] = from[x + 6 * fromStride];
        to[y + 7] = from[x + 7 * fromStride];
      }
    }
    for (; r0 < rows; r0++) { // the last rows, one at a time
      for (int c = 0; c < columns; c++) {
        to[toBase + c * toStride + r0] = from[fromBase + r0 * fromStride + c];
      }
    }
  }
}
