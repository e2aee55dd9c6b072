package dev.convgen.processor;

/**
 * How one stage will be computed: the schedule chosen by {@link KernelPlanner}. The stage says
 * what is computed; the plan says in which blocks and how far loops are unrolled.
 */
sealed interface KernelPlan permits KernelPlan.Pointwise, KernelPlan.Depthwise {

  StageSpec stage();

  /**
   * A register-blocked pointwise kernel: {@code channelBlock} output channels x {@code pixelBlock}
   * pixels of accumulators; the input-channel reduction unrolled {@code reductionUnroll} times.
   */
  record Pointwise(StageSpec stage, int channelBlock, int pixelBlock, int reductionUnroll)
      implements KernelPlan {}

  /**
   * A depthwise kernel with all taps unrolled into straight-line code ({@code unrollAllTaps}), or
   * with the taps of one kernel row unrolled inside a loop over kernel rows (large kernels).
   */
  record Depthwise(StageSpec stage, boolean unrollAllTaps) implements KernelPlan {}
}
