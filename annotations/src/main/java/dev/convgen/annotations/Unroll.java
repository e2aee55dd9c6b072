package dev.convgen.annotations;

/** How far the generated SIMD kernels unroll their loops. */
public enum Unroll {
  /**
   * The planner's choice (the default): loops whose unrolling measured as paying are unrolled —
   * depthwise taps up to 64 — and the pointwise input-channel reduction stays a loop, which C2
   * compiles better than straight-line code on the machines measured.
   */
  AUTO,
  /**
   * Every input channel of the pointwise micro-kernel straight-line as well, split into methods of
   * at most 32 channels so each stays well under HotSpot's 8000-byte JIT limit; accumulators pass
   * between them through the output tile. For comparison: see the README's figures.
   */
  FULL
}
