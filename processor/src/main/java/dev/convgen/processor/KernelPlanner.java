package dev.convgen.processor;

/**
 * Chooses each stage's schedule, keeping every generated method well under HotSpot's 8000-byte
 * JIT limit ({@code -XX:HugeMethodLimit}); methods above it would run interpreted.
 *
 * <p>Heuristic (scalar code on x86-64 with 16 FP registers): pointwise keeps 4 output channels x 2
 * pixels = 8 accumulators plus 6 operands in registers; the reduction over input channels is
 * unrolled by the largest of 8, 4, 2 that divides the channel count, so offsets are literals and
 * no remainder loop exists. Depthwise unrolls all taps up to {@value #MAX_UNROLLED_TAPS} (7x7 and
 * below); larger kernels loop over kernel rows with one row's taps unrolled.
 *
 * <p>When the compilation sees {@code jdk.incubator.vector}, stride-1 stages also get a SIMD
 * implementation (8 float lanes), chosen at run time by {@code Vectorization}.
 */
final class KernelPlanner {

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
    return new KernelPlan.Depthwise(
        stage, unrollAllTaps, simdAvailable && unitStride(stage) && unrollAllTaps);
  }

  /** The SIMD kernels read contiguous pixels: stride 1 only, for now. */
  private static boolean unitStride(StageSpec stage) {
    return stage.geometry().strideH() == 1 && stage.geometry().strideW() == 1;
  }

  private KernelPlan.Pointwise planPointwise(StageSpec stage) {
    int in = stage.geometry().inChannels();
    int channelBlock = Math.min(4, stage.geometry().outChannels());
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
        simdAvailable && unitStride(stage));
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
