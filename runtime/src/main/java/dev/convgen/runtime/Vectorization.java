package dev.convgen.runtime;

import dev.convgen.runtime.internal.JitSettings;

/**
 * Decides, at run time, whether kernels use a {@code jdk.incubator.vector} implementation and
 * with which vector width (the idea of Lucene's {@code VectorizationProvider}). SIMD runs only
 * when the JVM was started with {@code --add-modules jdk.incubator.vector}, the preferred vector
 * size is at least 256 bits, and the system property {@code convgen.simd} is not {@code false};
 * otherwise kernels run their scalar code, which computes the same results.
 *
 * <p>The width is the JVM's preferred one ({@code FloatVector.SPECIES_PREFERRED}: 512 bits on an
 * AVX-512 machine, 256 with AVX2 or under {@code -XX:UseAVX=2}), capped at 512. The property
 * {@code convgen.vector.bits} (256 or 512) forces a width, so every implementation can be tested
 * on any machine (a width the CPU lacks runs correctly, if slowly). Both properties are read when
 * a kernel is constructed.
 */
public final class Vectorization {

  /** Forces the vector width: {@code 256} or {@code 512}. */
  public static final String BITS_PROPERTY = "convgen.vector.bits";

  private static final String MODULE = "jdk.incubator.vector";
  /** The preferred width in bits, 0 when the Vector API is unusable. */
  private static final int PREFERRED_BITS = detect();

  private Vectorization() {}

  /** Whether new kernels should use SIMD; read when a kernel is constructed. */
  public static boolean enabled() {
    return PREFERRED_BITS >= 256 && !"false".equalsIgnoreCase(System.getProperty("convgen.simd"));
  }

  /** Whether the Vector API is usable in this JVM, whatever the properties say. */
  public static boolean available() {
    return PREFERRED_BITS >= 256;
  }

  /**
   * The vector width new kernels use: 256 or 512, or 0 when they run scalar code.
   *
   * @throws IllegalArgumentException when {@value #BITS_PROPERTY} is neither 256 nor 512
   */
  public static int bits() {
    if (!enabled()) {
      return 0;
    }
    String forced = System.getProperty(BITS_PROPERTY);
    if (forced == null || forced.isEmpty()) {
      return Math.min(PREFERRED_BITS, 512);
    }
    if (!forced.equals("256") && !forced.equals("512")) {
      throw new IllegalArgumentException(BITS_PROPERTY + ": expected 256 or 512, got " + forced);
    }
    return Integer.parseInt(forced);
  }

  /**
   * A one-line explanation for logs and benchmarks; with SIMD on, also a JVM setting that makes
   * the kernels' compiled code slow ({@code JitSettings.countedLoopsWithoutStripMining}).
   */
  public static String describe() {
    if (!available()) {
      return "scalar (start the JVM with --add-modules " + MODULE + " for SIMD)";
    }
    if (!enabled()) {
      return "scalar (convgen.simd=false)";
    }
    String forced = System.getProperty(BITS_PROPERTY);
    return "SIMD (" + MODULE + ", " + bits() + "-bit"
        + (forced == null || forced.isEmpty() ? ", the JVM's preferred width" : ", forced by "
            + BITS_PROPERTY) + ")"
        + (JitSettings.countedLoopsWithoutStripMining() ? "; this JVM compiles loops without"
            + " strip mining (Serial or Parallel collector), where the register tiles may"
            + " compile 2x slower: use G1, or add -XX:+UseCountedLoopSafepoints"
            + " -XX:LoopStripMiningIter=1000" : "");
  }

  private static int detect() {
    if (ModuleLayer.boot().findModule(MODULE).isEmpty()) {
      return 0;
    }
    try {
      // Loaded only when the module is present.
      Object preferred = Class.forName("jdk.incubator.vector.FloatVector")
          .getField("SPECIES_PREFERRED").get(null);
      return (Integer) Class.forName("jdk.incubator.vector.VectorSpecies")
          .getMethod("vectorBitSize").invoke(preferred);
    } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
      return 0;
    }
  }
}
