package dev.convgen.runtime.network;

import dev.convgen.runtime.internal.Arguments;

/**
 * Averages each channel over its whole plane: {@code [N, C, H, W] -> [N, C, 1, 1]}, as a
 * classifier head's {@code AdaptiveAvgPool2d(1)}. Summed in double. Stateless and shareable.
 */
public final class GlobalAveragePool extends ChannelLayer {

  public GlobalAveragePool(int channels) {
    super(channels);
  }

  @Override
  public String kind() {
    return "avg pool";
  }

  @Override
  public int outputHeight(int inputHeight) {
    return 1;
  }

  @Override
  public int outputWidth(int inputWidth) {
    return 1;
  }

  @Override
  public boolean nhwcNative() {
    return true;
  }

  @Override
  public void forwardNhwc(float[] input, int batch, int height, int width, float[] output) {
    requirePositiveSizes(batch, height, width);
    Arguments.checkTensor("input", input, batch, channels, height, width);
    Arguments.checkTensor("output", output, batch, channels, 1, 1);
    int plane = height * width;
    for (int n = 0; n < batch; n++) {
      int image = n * plane * channels;
      for (int c = 0; c < channels; c++) {
        double sum = 0;
        for (int i = image + c; i < image + plane * channels; i += channels) {
          sum += input[i];
        }
        output[n * channels + c] = (float) (sum / plane);
      }
    }
  }

  @Override
  public void forward(float[] input, int batch, int height, int width, float[] output) {
    requirePositiveSizes(batch, height, width);
    Arguments.checkTensor("input", input, batch, channels, height, width);
    Arguments.checkTensor("output", output, batch, channels, 1, 1);
    int plane = height * width;
    for (int c = 0; c < batch * channels; c++) {
      double sum = 0;
      for (int i = c * plane; i < (c + 1) * plane; i++) {
        sum += input[i];
      }
      output[c] = (float) (sum / plane);
    }
  }
}
