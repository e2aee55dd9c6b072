package dev.convgen.runtime;

import dev.convgen.annotations.Activation;

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
    super(geometry, weight, bias, activation);
  }

  /** Output channels per image. */
  @Override
  public int workUnits(int batch) {
    return Arguments.workUnits(batch, geometry.outChannels());
  }

  @Override
  public void forwardUnits(float[] input, int batch, int height, int width, float[] output,
      int fromUnit, int toUnit) {
    Arguments.checkForward(geometry, input, batch, height, width, output);
    Arguments.checkUnits(fromUnit, toUnit, workUnits(batch));
    ConvGeometry g = geometry;
    int in = g.inChannels();
    int out = g.outChannels();
    int perGroupIn = g.inChannelsPerGroup();
    int perGroupOut = out / g.groups();
    int outH = g.outputHeight(height);
    int outW = g.outputWidth(width);
    for (int n = fromUnit / out; n < batch && n * out < toUnit; n++) {
      int first = Math.max(fromUnit - n * out, 0);
      int last = Math.min(toUnit - n * out, out);
      for (int k = first; k < last; k++) {
        int firstChannel = k / perGroupOut * perGroupIn;
        int yPlane = (n * out + k) * outH * outW;
        for (int i = 0; i < outH; i++) {
          for (int j = 0; j < outW; j++) {
            float acc = bias[k];
            for (int ci = 0; ci < perGroupIn; ci++) {
              acc += window(input, (n * in + firstChannel + ci) * height * width, height, width,
                  k * perGroupIn + ci, i, j);
            }
            output[yPlane + i * outW + j] = activation.apply(acc);
          }
        }
      }
    }
  }
}
