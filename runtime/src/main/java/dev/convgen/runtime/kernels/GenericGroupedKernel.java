package dev.convgen.runtime.kernels;

import dev.convgen.annotations.Activation;
import dev.convgen.runtime.ConvGeometry;

/**
 * Dense ({@code groups = 1}) or grouped KxK convolution with any stride, padding and dilation,
 * shape known only at run time: the straightforward loops, every tap checked against the input
 * border (zero padding). Output channel {@code k} reads the {@code in / groups} input channels of
 * its group {@code k / (out / groups)}.
 */
public final class GenericGroupedKernel extends GenericKernel {

  /**
   * @param weight {@code [out, in / groups, kh, kw]}
   * @param bias {@code [out]}, or null for none
   */
  public GenericGroupedKernel(
      ConvGeometry geometry, float[] weight, float[] bias, Activation activation) {
    super(geometry, weight, bias, activation, geometry.outChannels());
  }

  /** Work units are output channels. */
  @Override
  public void image(float[] input, int inputOffset, float[] output, int outputOffset, int height,
      int width, int firstUnit, int lastUnit) {
    ConvGeometry g = geometry;
    int perGroupIn = g.inChannelsPerGroup();
    int perGroupOut = g.outChannels() / g.groups();
    int outH = g.outputHeight(height);
    int outW = g.outputWidth(width);
    for (int k = firstUnit; k < lastUnit; k++) {
      int firstChannel = k / perGroupOut * perGroupIn;
      int yPlane = outputOffset + k * outH * outW;
      for (int i = 0; i < outH; i++) {
        for (int j = 0; j < outW; j++) {
          float acc = bias[k];
          for (int ci = 0; ci < perGroupIn; ci++) {
            acc += window(input, inputOffset + (firstChannel + ci) * height * width, height,
                width, k * perGroupIn + ci, i, j);
          }
          output[yPlane + i * outW + j] = activation.apply(acc);
        }
      }
    }
  }
}
