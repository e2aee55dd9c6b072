package dev.convgen.runtime.network;

import dev.convgen.runtime.internal.nhwc.NhwcKernels;
import java.time.Duration;

/**
 * A fresh JVM's first pass of a network runs its SIMD code before C2 has compiled it, as boxed
 * vectors, and C2 compiles each hot method only when its turn comes (0.4-1.2 s for MobileNet-v1
 * on the machines measured). {@link #run} runs the NHWC convolution bodies networks use (register
 * tiles, depthwise rows) on tiny inputs, in turn, until C2 has compiled each: the first pass
 * then runs compiled code, and every pass after it runs at steady speed.
 *
 * <p>For a process that runs a network a few times and exits (a command-line tool, a serverless
 * function), with the JVM settings of {@code runtime/cold-start.args}; pointless in a JVM that
 * has run a network before (it returns after a few calls); a no-op with scalar kernels. Measured
 * (README, "Cold start"; 2-core AMD Zen 5, JDK 17, with those settings, medians of 5 fresh JVMs):
 * the warm-up takes 0.5-0.6 s, about what the first pass took without it; MobileNet-v1's passes
 * go from [562, 11, 9] to [21, 13, 11] ms (first result 1.04 and 1.03 s after JVM start), MBConv's
 * from [473, 41, 5] to [11, 4, 4] ms. Without those settings it takes about 1.1 s, and the first
 * result still comes sooner (MobileNet-v1 1.81 -> 1.46 s). In a thread of its own while the model
 * was built it gained less (the three threads share two cores).
 */
public final class WarmUp {

  /** How long {@link #run()} waits at most for C2. */
  public static final Duration DEFAULT_LIMIT = Duration.ofSeconds(2);

  private WarmUp() {}

  /** {@link #run(Duration)} with {@link #DEFAULT_LIMIT}. */
  public static boolean run() {
    return run(DEFAULT_LIMIT);
  }

  /**
   * Runs the NHWC bodies until C2 has compiled them, in the calling thread.
   *
   * @param limit the longest time to spend (a JVM that never compiles with C2, such as one
   *     started with {@code -XX:TieredStopAtLevel=1}, would otherwise wait forever)
   * @return whether every body was compiled within {@code limit}
   * @throws IllegalArgumentException when {@code limit} is negative
   */
  public static boolean run(Duration limit) {
    if (limit.isNegative()) {
      throw new IllegalArgumentException("limit: expected a duration >= 0, got " + limit);
    }
    return NhwcKernels.warmUp(limit.toNanos());
  }
}
