package dev.convgen.runtime;

import dev.convgen.annotations.Activation;

/** Builds the generic (run-time shape) kernel for a geometry. */
public final class GenericKernels {

  private GenericKernels() {}

  /**
   * A generic kernel for a pointwise or depthwise geometry.
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
    throw new IllegalArgumentException("geometry: convgen supports pointwise (1x1, groups = 1) and"
        + " depthwise (groups = inChannels) convolutions; dense and grouped KxK convolutions are"
        + " not supported yet, got " + geometry.describe());
  }
}
