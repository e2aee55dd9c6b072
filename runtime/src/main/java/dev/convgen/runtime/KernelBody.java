package dev.convgen.runtime;

/**
 * The computing part of a kernel, called after its arguments were checked. Generated kernels keep
 * their SIMD implementation behind this interface so that their own class never links against
 * {@code jdk.incubator.vector} when that module is absent.
 */
public interface KernelBody {

  /** Computes work units {@code [fromUnit, toUnit)} of the whole batch; arguments are checked. */
  void run(float[] input, int batch, int height, int width, float[] output, int fromUnit,
      int toUnit);
}
