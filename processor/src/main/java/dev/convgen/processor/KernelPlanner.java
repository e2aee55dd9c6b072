package dev.convgen.processor;

import dev.convgen.runtime.Schedule;

/**
 * Chooses each stage's schedule, keeping every generated method well under HotSpot's 8000-byte
 * JIT limit ({@code -XX:HugeMethodLimit}); methods above it would run interpreted.
 *
 * <p>Heuristic (x86-64, 16 FP registers): pointwise tiles are {@value #SCALAR_CHANNEL_BLOCK} output
 * channels x 2 pixels (scalar) or 4 to 6 channels x 16 pixels (SIMD, {@code
 * Schedule.channelBlock}, walking the plane in {@code Schedule.pixelTile}s), weights loaded one at
 * a time next to their FMAs; the scalar reduction over input channels is unrolled by the largest of 8, 4, 2 that
 * divides the channel count, so offsets are literals and no remainder loop exists. Depthwise unrolls all taps up to {@value #MAX_UNROLLED_TAPS} (7x7 and
 * below); larger kernels loop over kernel rows with one row's taps unrolled.
 *
 * <p>When the compilation sees {@code jdk.incubator.vector}, stride-1 stages also get a SIMD
 * implementation (8 float lanes), chosen at run time by {@code Vectorization}.
 */
final class KernelPlanner {

  /** Output channels per scalar register tile (x 2 pixels: 12 accumulators). */
  static final int SCALAR_CHANNEL_BLOCK = 6;

  /** Most taps unrolled into one straight-line expression. */
  static final int MAX_UNROLLED_TAPS = 64;

  /** Input channels per straight-line reduction method under {@code Unroll.FULL}. */
  static final int FULL_UNROLL_CHUNK = 8;

  /** Bytecode budget per generated method; the JIT limit is 8000. */
  static final int METHOD_BYTES_BUDGET = 6000;

  /** Rough bytecode bytes per multiply-add with loads (measured on emitted kernels: 7..10). */
  private static final int BYTES_PER_MAC = 10;

  private final boolean simdAvailable;

  /** @param simdAvailable whether the compilation can see {@code jdk.incubator.vector} */
  KernelPlanner(boolean simdAvailable) {
    this.simdAvailable = simdAvailable;
  }

  KernelPlan plan(StageSpec stage) {
    if (stage.geometry().isPointwise()) {
      return planPointwise(stage);
    }
    boolean unrollAllTaps =
        stage.geometry().kernelH() * stage.geometry().kernelW() <= MAX_UNROLLED_TAPS;
    return new KernelPlan.Spatial(
        stage, unrollAllTaps, simdAvailable && unitStride(stage) && unrollAllTaps);
  }

  /**
   * The SIMD kernels read contiguous pixels: stride 1 only. (Measured and rejected for depthwise
   * stride 2: picking the even lanes of two loads with a two-vector {@code rearrange} is not
   * intrinsified on JDK 17 and allocated 4.5 MB per MobileNet block, 10.5 vs 23.7 GFLOP/s scalar.)
   */
  private static boolean unitStride(StageSpec stage) {
    return stage.geometry().strideH() == 1 && stage.geometry().strideW() == 1;
  }

  private KernelPlan.Pointwise planPointwise(StageSpec stage) {
    int in = stage.geometry().inChannels();
    boolean simd = simdAvailable && unitStride(stage);
    int channelBlock = Math.min(simd ? Schedule.channelBlock(in) : SCALAR_CHANNEL_BLOCK,
        stage.geometry().outChannels());
    int pixelBlock = 2;
    int unroll = 1;
    for (int candidate : new int[] {8, 4, 2}) {
      if (in % candidate == 0 && estimatedPointwiseBytes(channelBlock, pixelBlock, candidate)
          <= METHOD_BYTES_BUDGET) {
        unroll = candidate;
        break;
      }
    }
    return new KernelPlan.Pointwise(stage, channelBlock, pixelBlock, unroll,
        Schedule.pixelTile(in), simd);
  }


  /**
   * The image method holds up to four copies of the reduction body (full and tail channel block,
   * each for a full and a tail pixel block).
   */
  static int estimatedPointwiseBytes(int channelBlock, int pixelBlock, int unroll) {
    int perStep = channelBlock * pixelBlock + channelBlock + pixelBlock;
    return 4 * unroll * perStep * BYTES_PER_MAC + 600;
  }
}
