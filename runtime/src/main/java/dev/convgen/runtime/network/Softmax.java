package dev.convgen.runtime.network;

import dev.convgen.runtime.internal.Arguments;

/**
 * Softmax over the channels of each pixel ({@code dim = 1} in PyTorch, the last axis of Keras's
 * NHWC): {@code exp(x - max) / sum(exp(x - max))}, the sum in double. A classifier's last layer,
 * turning logits into probabilities. Stateless and shareable.
 */
public final class Softmax extends ChannelLayer {

  public Softmax(int channels) {
    super(channels);
  }

  @Override
  public String kind() {
    return "softmax";
  }

  @Override
  public int outputHeight(int inputHeight) {
    return inputHeight;
  }

  @Override
  public int outputWidth(int inputWidth) {
    return inputWidth;
  }

  /** {@code output} may be {@code input}: each value is read before it is written. */
  @Override
  public void forward(float[] input, int batch, int height, int width, float[] output) {
    requirePositiveSizes(batch, height, width);
    Arguments.checkTensor("input", input, batch, channels, height, width);
    Arguments.checkTensor("output", output, batch, channels, height, width);
    int plane = height * width;
    for (int n = 0; n < batch; n++) {
      for (int p = 0; p < plane; p++) {
        int first = n * channels * plane + p;
        float max = Float.NEGATIVE_INFINITY;
        for (int c = 0; c < channels; c++) {
          max = Math.max(max, input[first + c * plane]);
        }
        double sum = 0;
        for (int c = 0; c < channels; c++) {
          sum += Math.exp(input[first + c * plane] - max);
        }
        for (int c = 0; c < channels; c++) {
          int i = first + c * plane;
          output[i] = (float) (Math.exp(input[i] - max) / sum);
        }
      }
    }
  }
}
