package dev.convgen.runtime.kernels;

import dev.convgen.annotations.Activation;
import dev.convgen.runtime.ConvGeometry;
import dev.convgen.runtime.ConvKernel;
import dev.convgen.runtime.Vectorization;

/** Builds the generic (run-time shape) kernel for a geometry. */
public final class GenericKernels {

  private GenericKernels() {}

  /**
   * The tuned generic kernel: run-time shapes, written with the same techniques as the generated
   * kernels (packed weights, register blocking, SIMD when {@link Vectorization#enabled()}):
   * pointwise, depthwise, and dense or grouped KxK as a matrix product over im2col panels (with
   * SIMD; the textbook loops without).
   */
  public static ConvKernel tuned(
      ConvGeometry geometry, float[] weight, float[] bias, Activation activation) {
    if (geometry.isPointwise()) {
      return new TunedPointwiseKernel(geometry, weight, bias, activation);
    }
    if (geometry.isDepthwise()) {
      return new TunedDepthwiseKernel(geometry, weight, bias, activation);
    }
    // Dense and grouped: a matrix product over im2col panels with the pointwise SIMD
    // micro-kernel; without the Vector API, the textbook loops.
    return Vectorization.enabled() ? new TunedDenseKernel(geometry, weight, bias, activation)
        : new GenericGroupedKernel(geometry, weight, bias, activation);
  }

  /**
   * The textbook generic kernel for any geometry (pointwise, depthwise, dense or grouped):
   * straightforward loops, the reference for tests.
   *
   * @param weight PyTorch layout {@code [out, in / groups, kh, kw]}
   * @param bias {@code [out]}, or null for none
   */
  public static ConvKernel create(
      ConvGeometry geometry, float[] weight, float[] bias, Activation activation) {
    if (geometry.isPointwise()) {
      return new GenericPointwiseKernel(geometry, weight, bias, activation);
    }
    if (geometry.isDepthwise()) {
      return new GenericDepthwiseKernel(geometry, weight, bias, activation);
    }
    return new GenericGroupedKernel(geometry, weight, bias, activation);
  }
}
