package dev.convgen.runtime;

import dev.convgen.annotations.Activation;

/** Builds the generic (run-time shape) kernel for a geometry. */
public final class GenericKernels {

  private GenericKernels() {}

  /**
   * The tuned generic kernel: run-time shapes, written with the same techniques as the generated
   * kernels (packed weights, register blocking, SIMD when {@link Vectorization#enabled()}).
   *
   * @throws IllegalArgumentException for dense or grouped KxK convolutions
   */
  public static ConvKernel tuned(
      ConvGeometry geometry, float[] weight, float[] bias, Activation activation) {
    if (geometry.isPointwise()) {
      return new TunedPointwiseKernel(geometry, weight, bias, activation);
    }
    if (geometry.isDepthwise()) {
      return new TunedDepthwiseKernel(geometry, weight, bias, activation);
    }
    throw unsupported(geometry);
  }

  /**
   * The textbook generic kernel for a pointwise or depthwise geometry: straightforward loops, the
   * reference for tests.
   *
   * @param weight PyTorch layout {@code [out, in / groups, kh, kw]}
   * @param bias {@code [out]}, or null for none
   * @throws IllegalArgumentException for dense or grouped KxK convolutions, which convgen does not
   *     support yet
   */
  public static ConvKernel create(
      ConvGeometry geometry, float[] weight, float[] bias, Activation activation) {
    if (geometry.isPointwise()) {
      return new GenericPointwiseKernel(geometry, weight, bias, activation);
    }
    if (geometry.isDepthwise()) {
      return new GenericDepthwiseKernel(geometry, weight, bias, activation);
    }
    throw unsupported(geometry);
  }

  private static IllegalArgumentException unsupported(ConvGeometry geometry) {
    return new IllegalArgumentException("geometry: convgen supports pointwise (1x1, groups = 1)"
        + " and depthwise (groups = inChannels) convolutions; dense and grouped KxK convolutions"
        + " are not supported yet, got " + geometry.describe());
  }
}
