package dev.convgen.runtime.internal;

/**
 * Pointwise register-tile and cache-tile rules, shared on purpose by two readers: the processor's
 * planner, which applies them at compile time to the shapes a spec fixes (the processor depends on
 * the runtime for this and for {@code ConvGeometry} and {@code PlaneInterior}), and the tuned
 * generic kernels, which apply them at run time. So the specialized and the generic kernels are
 * measured with the same loop order, and a benchmark difference between them is the
 * specialization's.
 */
public final class Schedule {

  /** Bytes of input one pixel tile should occupy: half of a 512 KB L2, leaving room for output. */
  static final int TILE_BYTES = 64 * 1024;

  /**
   * Output channels per SIMD register tile with fewer than {@value #WIDE_BLOCK_MIN_INPUT} input
   * channels: 4 channels x 16 pixels = 8 vector accumulators (FMA latency 4 x 2 FMA units).
   * Measured in one JVM against 6 x 16, both with pixel tiles: 32 -> 64 on 8x56x56 34 vs 25
   * GFLOP/s, 128 -> 124 on 56x56 40 vs 35, 256 -> 256 on 28x28 49 vs 35.
   */
  public static final int CHANNEL_BLOCK = 4;

  /**
   * Output channels per SIMD register tile from {@value #WIDE_BLOCK_MIN_INPUT} input channels on:
   * 6 x 16 = 12 accumulators, 15 of the 16 ymm registers. A 16-pixel input block of 512 channels
   * is 32 KB, more than L1 holds, so using each loaded input vector for 6 channels instead of 4
   * pays: 512 -> 508 on 192 pixels 45 vs 42 GFLOP/s, 512 -> 1024 on 48 pixels 51 vs 42, 1024 ->
   * 1024 46 vs 39.
   */
  public static final int WIDE_CHANNEL_BLOCK = 6;

  /** Input channels from which {@link #WIDE_CHANNEL_BLOCK} is used. */
  public static final int WIDE_BLOCK_MIN_INPUT = 512;

  private Schedule() {}

  /** Output channels per SIMD register tile of a pointwise kernel with {@code inChannels}. */
  public static int channelBlock(int inChannels) {
    return inChannels >= WIDE_BLOCK_MIN_INPUT ? WIDE_CHANNEL_BLOCK : CHANNEL_BLOCK;
  }

  /**
   * Pixels per tile of a pointwise kernel with {@code inChannels} input channels: a multiple of 16
   * between 64 and 1024 whose input ({@code inChannels} planes x tile) fits in
   * {@value #TILE_BYTES} bytes. Every output-channel block passes over one tile before the next, so
   * on large planes the input is read from cache and the output written in a few sequential
   * streams instead of one stream per output channel (measured on 32 -> 64 at 56x56: 35-47 instead
   * of 21-27 GFLOP/s).
   */
  public static int pixelTile(int inChannels) {
    int tile = TILE_BYTES / Float.BYTES / Math.max(inChannels, 1);
    return Math.max(64, Math.min(1024, tile - tile % 16));
  }

  /**
   * {@link #pixelTile(int)} rounded down to a multiple of a register tile's {@code pixels} (16 at
   * 256 bits, 32 at 512), and at least one register tile.
   */
  public static int pixelTile(int inChannels, int pixels) {
    int tile = pixelTile(inChannels);
    return Math.max(pixels, tile - tile % pixels);
  }
}
