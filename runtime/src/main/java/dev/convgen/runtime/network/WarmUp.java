package dev.convgen.runtime.network;

import dev.convgen.runtime.internal.nhwc.NhwcKernels;

/**
 * A fresh JVM's first pass of a network runs its SIMD code before C2 has compiled it, as boxed
 * vectors, and C2 compiles each hot method only when its turn comes (0.4-1.2 s for MobileNet-v1
 * on the machines measured). {@link #run} runs the NHWC convolution bodies networks use (register
 * tiles, depthwise rows) on tiny inputs, often enough for HotSpot to queue each for C2, which
 * then compiles them while the caller goes on
 * (reading weights, building the model): the first pass finds them compiled or nearly so, and
 * the second pass runs at steady speed.
 *
 * <p>For a process that runs a network a few times and exits (a command-line tool, a serverless
 * function), with the JVM settings of {@code runtime/cold-start.args}; pointless in a JVM that
 * has run a network before; a no-op with scalar kernels. It moves work rather than saving it:
 * measured on MobileNet-v1 (README, "Cold start"; 2-core AMD Zen 5, JDK 17, medians of 5 fresh
 * JVMs), the warm-up takes 0.13-0.37 s, the first pass 0.53 -> 0.15 s and the second 70 -> 10 ms,
 * the first result comes 1.09 -> 0.83 s after JVM start.
 */
public final class WarmUp {

  private WarmUp() {}

  /** Runs the warm-up in the calling thread; call it first thing, before building a network. */
  public static void run() {
    NhwcKernels.warmUp();
  }
}
