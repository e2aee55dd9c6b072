package dev.convgen.runtime;

/**
 * The computing part of a kernel, called after its arguments were checked. Generated kernels keep
 * their SIMD implementation behind this interface so that their own class never links against
 * {@code jdk.incubator.vector} when that module is absent.
 */
public interface KernelBody {

  /** Computes the whole batch; arguments are already checked. */
  void run(float[] input, int batch, int height, int width, float[] output);
}
