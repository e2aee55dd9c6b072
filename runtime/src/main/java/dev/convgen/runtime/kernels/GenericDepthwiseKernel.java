package dev.convgen.runtime.kernels;

import dev.convgen.annotations.Activation;
import dev.convgen.runtime.ConvGeometry;

/**
 * Depthwise ({@code groups = in}) KxK convolution with any stride, padding, dilation and depth
 * multiplier, shape known only at run time. Straightforward loops: every tap checks that it falls
 * inside the input (zero padding).
 */
public final class GenericDepthwiseKernel extends GenericKernel {

  /**
   * @param weight {@code [in * multiplier, 1, kh, kw]}
   * @param bias {@code [in * multiplier]}, or null for none
   */
  public GenericDepthwiseKernel(
      ConvGeometry geometry, float[] weight, float[] bias, Activation activation) {
    super(requireDepthwise(geometry), weight, bias, activation, geometry.inChannels());
  }

  static ConvGeometry requireDepthwise(ConvGeometry geometry) {
    if (!geometry.isDepthwise()) {
      throw new IllegalArgumentException("geometry: expected groups = inChannels ("
          + geometry.inChannels() + "), got " + geometry.describe());
    }
    return geometry;
  }

  /** Work units are input channels, each with its {@code multiplier} output channels. */
  @Override
  public void image(float[] input, int inputOffset, float[] output, int outputOffset, int height,
      int width, int firstUnit, int lastUnit) {
    ConvGeometry g = geometry;
    int multiplier = g.multiplier();
    int outH = g.outputHeight(height);
    int outW = g.outputWidth(width);
    for (int c = firstUnit; c < lastUnit; c++) {
      int xPlane = inputOffset + c * height * width;
      for (int m = 0; m < multiplier; m++) {
        int k = c * multiplier + m;
        int yPlane = outputOffset + k * outH * outW;
        for (int i = 0; i < outH; i++) {
          for (int j = 0; j < outW; j++) {
            float acc = bias[k] + window(input, xPlane, height, width, k, i, j);
            output[yPlane + i * outW + j] = activation.apply(acc);
          }
        }
      }
    }
  }
}
