package dev.convgen.runtime.internal;

/**
 * The computing part of a kernel for one image, called by {@link UnitKernel#forwardUnits} after
 * the arguments were checked. A generated kernel's SIMD implementation sits behind this interface
 * in a nested class of its own, so the kernel class never links against
 * {@code jdk.incubator.vector} when that module is absent.
 */
public interface ImageKernel {

  /**
   * Computes work units {@code [firstUnit, lastUnit)} of one image.
   *
   * @param inputOffset where the image starts in {@code input}
   * @param outputOffset where its output starts in {@code output}
   */
  void image(float[] input, int inputOffset, float[] output, int outputOffset, int height,
      int width, int firstUnit, int lastUnit);

  /** What this body runs, e.g. {@code SIMD 512-bit} or {@code scalar}. */
  default String implementation() {
    return "scalar";
  }
}
