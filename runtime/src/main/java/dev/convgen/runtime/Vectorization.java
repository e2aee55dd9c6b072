package dev.convgen.runtime;

/**
 * Decides, at run time, whether kernels use their {@code jdk.incubator.vector} implementation
 * (the idea of Lucene's {@code VectorizationProvider}): only when the JVM was started with
 * {@code --add-modules jdk.incubator.vector}, the preferred vector size is at least 256 bits, and
 * the system property {@code convgen.simd} is not {@code false}. Otherwise kernels run their
 * scalar code, which computes the same results.
 */
public final class Vectorization {

  private static final String MODULE = "jdk.incubator.vector";
  private static final boolean AVAILABLE = detect();

  private Vectorization() {}

  /** Whether new kernels should use SIMD; read when a kernel is constructed. */
  public static boolean enabled() {
    return AVAILABLE && !"false".equalsIgnoreCase(System.getProperty("convgen.simd"));
  }

  /** Whether the Vector API is usable in this JVM, whatever the property says. */
  public static boolean available() {
    return AVAILABLE;
  }

  /** A one-line explanation for logs and benchmarks. */
  public static String describe() {
    if (!AVAILABLE) {
      return "scalar (start the JVM with --add-modules " + MODULE + " for SIMD)";
    }
    return enabled() ? "SIMD (" + MODULE + ", 256-bit)" : "scalar (convgen.simd=false)";
  }

  private static boolean detect() {
    if (ModuleLayer.boot().findModule(MODULE).isEmpty()) {
      return false;
    }
    try {
      // Loaded only when the module is present; 8 float lanes are what the kernels are written for.
      Object preferred = Class.forName("jdk.incubator.vector.FloatVector")
          .getField("SPECIES_PREFERRED").get(null);
      int bits = (Integer) Class.forName("jdk.incubator.vector.VectorSpecies")
          .getMethod("vectorBitSize").invoke(preferred);
      return bits >= 256;
    } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
      return false;
    }
  }
}
