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
   * tiles are then compiled 2-4x slower in about half of the JVM launches (MobileNet-v1 on the
   * 2-core Zen 5, JDK 17: 16.5-18.5 ms a pass in 2 of 6 launches with {@code -XX:+UseSerialGC},
   * 3 of 6 with {@code -XX:+UseParallelGC}, 5 of 8 with {@code -XX:ActiveProcessorCount=1},
   * against 7.1-9.7 in every launch with G1 or with {@code -XX:+UseCountedLoopSafepoints
   * -XX:LoopStripMiningIter=1000}; C2 emitted 13,720 instead of 12,504 bytes for the 4-vector
   * tile with the same inlining). False where the JVM does not say.
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
