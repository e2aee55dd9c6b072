package dev.convgen.processor;

/**
 * How one stage will be computed: the schedule chosen by {@link KernelPlanner}. The stage says
 * what is computed; the plan says in which blocks and how far loops are unrolled.
 */
sealed interface KernelPlan permits KernelPlan.Pointwise, KernelPlan.Spatial {

  StageSpec stage();

  /** Whether a {@code jdk.incubator.vector} implementation is emitted beside the scalar one. */
  boolean simd();

  /**
   * A register-blocked pointwise kernel: {@code channelBlock} output channels x {@code pixelBlock}
   * pixels of accumulators; the input-channel reduction unrolled {@code reductionUnroll} times.
   * The SIMD variant keeps {@code channelBlock} channels x 2 vectors of 8 pixels and walks the
   * plane in tiles of {@code pixelTile} pixels, every channel block passing over one tile before
   * the next.
   */
  record Pointwise(StageSpec stage, int channelBlock, int pixelBlock, int reductionUnroll,
      int pixelTile, boolean simd) implements KernelPlan {}

  /**
   * A KxK kernel computed plane by plane (depthwise, grouped or dense): all taps of one filter
   * unrolled into straight-line code ({@code unrollAllTaps}), or the taps of one kernel row unrolled
   * inside a loop over kernel rows (large kernels).
   */
  record Spatial(StageSpec stage, boolean unrollAllTaps, boolean simd) implements KernelPlan {}
}
