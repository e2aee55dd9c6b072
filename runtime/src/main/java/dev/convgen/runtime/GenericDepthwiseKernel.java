package dev.convgen.runtime;

import dev.convgen.annotations.Activation;

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
    super(requireDepthwise(geometry), weight, bias, activation);
  }

  static ConvGeometry requireDepthwise(ConvGeometry geometry) {
    if (!geometry.isDepthwise()) {
      throw new IllegalArgumentException("geometry: expected groups = inChannels ("
          + geometry.inChannels() + "), got " + geometry.describe());
    }
    return geometry;
  }

  @Override
  public int workUnits(int batch) {
    return Arguments.workUnits(batch, geometry.inChannels());
  }

  @Override
  public void forwardUnits(float[] input, int batch, int height, int width, float[] output,
      int fromUnit, int toUnit) {
    Arguments.checkForward(geometry, input, batch, height, width, output);
    Arguments.checkUnits(fromUnit, toUnit, workUnits(batch));
    ConvGeometry g = geometry;
    int channels = g.inChannels();
    int multiplier = g.multiplier();
    int outH = g.outputHeight(height);
    int outW = g.outputWidth(width);
    for (int n = fromUnit / channels; n < batch && n * channels < toUnit; n++) {
      int first = Math.max(fromUnit - n * channels, 0);
      int last = Math.min(toUnit - n * channels, channels);
      for (int c = first; c < last; c++) {
        int xPlane = (n * channels + c) * height * width;
        for (int m = 0; m < multiplier; m++) {
          int k = c * multiplier + m;
          int yPlane = (n * g.outChannels() + k) * outH * outW;
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
}
