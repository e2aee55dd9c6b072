package dev.convgen.runtime.kernels;

import dev.convgen.annotations.Activation;
import dev.convgen.runtime.ConvGeometry;

/**
 * Pointwise (1x1, {@code groups = 1}) convolution whose shape is known only at run time: the
 * baseline the generated kernels are measured against and the reference they are tested against.
 *
 * <p>Loop order: for each image and output channel, the output plane starts at the bias and
 * accumulates {@code weight[k][c] * input plane c} one input channel at a time, then the activation
 * is applied. Honest run-time-shape code: cache-friendly, no specialization.
 */
public final class GenericPointwiseKernel extends GenericKernel {

  /**
   * @param weight {@code [out, in, 1, 1]}
   * @param bias {@code [out]}, or null for none
   */
  public GenericPointwiseKernel(
      ConvGeometry geometry, float[] weight, float[] bias, Activation activation) {
    super(requirePointwise(geometry), weight, bias, activation, geometry.outChannels());
  }

  static ConvGeometry requirePointwise(ConvGeometry geometry) {
    if (!geometry.isPointwise()) {
      throw new IllegalArgumentException(
          "geometry: expected a 1x1 convolution with groups 1, got " + geometry.describe());
    }
    if (geometry.padTop() + geometry.padLeft() + geometry.padBottom() + geometry.padRight() != 0) {
      throw new IllegalArgumentException("geometry: a 1x1 kernel takes no padding (every pad must be"
          + " smaller than the kernel extent 1), got " + geometry.describe());
    }
    return geometry;
  }

  /** Work units are output channels. */
  @Override
  public void image(float[] input, int inputOffset, float[] output, int outputOffset, int height,
      int width, int firstUnit, int lastUnit) {
    int in = geometry.inChannels();
    int strideH = geometry.strideH();
    int strideW = geometry.strideW();
    int outH = geometry.outputHeight(height);
    int outW = geometry.outputWidth(width);
    int inPlane = height * width;
    int outPlane = outH * outW;
    for (int k = firstUnit; k < lastUnit; k++) {
      int yPlane = outputOffset + k * outPlane;
      java.util.Arrays.fill(output, yPlane, yPlane + outPlane, bias[k]);
      for (int c = 0; c < in; c++) {
        float w = weight[k * in + c];
        int xPlane = inputOffset + c * inPlane;
        for (int i = 0; i < outH; i++) {
          int xRow = xPlane + i * strideH * width;
          int yRow = yPlane + i * outW;
          for (int j = 0; j < outW; j++) {
            output[yRow + j] += w * input[xRow + j * strideW];
          }
        }
      }
      for (int p = yPlane; p < yPlane + outPlane; p++) {
        output[p] = activation.apply(output[p]);
      }
    }
  }
}
