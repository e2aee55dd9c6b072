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
   * Every input channel of the pointwise SIMD micro-kernel straight-line as well, split into
   * methods of 8 channels (C1 refused 32-channel methods, "out of virtual registers") so each stays
   * well under HotSpot's 8000-byte JIT limit; accumulators pass between them through the output
   * tile. Pointwise stages only (a depthwise or dense spec gets a warning). Measured slower than
   * {@link #AUTO}: see the README's figures.
   */
  FULL
}
