package dev.convgen.runtime.internal;

import java.lang.management.ManagementFactory;

/**
 * HotSpot settings that change how fast the SIMD kernels run once compiled, read from the running
 * JVM where it exposes them ({@code jdk.management}).
 */
public final class JitSettings {

  private JitSettings() {}

  /**
   * Whether C2 compiles counted loops without loop strip mining: {@code UseCountedLoopSafepoints}
   * off, the default with the Serial and Parallel collectors (G1 turns it on), and the JVM's
   * own choice of the Serial collector on a machine or container with one CPU. The register
   * tiles' loops then compiled badly (MobileNet-v1 on the 2-core Zen 5, JDK 17: at 512 bits
   * 16.5-21 ms a pass instead of 7-10 in 2-6 of every 6-8 launches, until the pointwise tiles got
   * a plain counted loop; at 256 bits 25-36 ms instead of 13-15 in every launch, still; fine in
   * every launch with G1 or with {@code -XX:+UseCountedLoopSafepoints
   * -XX:LoopStripMiningIter=1000}). False where the JVM does not say.
   */
  public static boolean countedLoopsWithoutStripMining() {
    try {
      return "false".equals(ManagementFactory
          .getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class)
          .getVMOption("UseCountedLoopSafepoints").getValue());
    } catch (RuntimeException | LinkageError e) {
      return false; // another JVM, or no jdk.management module
    }
  }
}
