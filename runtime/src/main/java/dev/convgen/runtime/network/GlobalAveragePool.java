package dev.convgen.runtime.network;

import dev.convgen.runtime.internal.Arguments;
import java.util.Arrays;

/**
 * Averages each channel over its whole plane: {@code [N, C, H, W] -> [N, C, 1, 1]}, as a
 * classifier head's {@code AdaptiveAvgPool2d(1)}. Summed in double. Shareable between threads (the
 * NHWC pass keeps its sums in a per-thread array).
 */
public final class GlobalAveragePool extends ChannelLayer {

  /** Per-thread sums of the NHWC pass, one per channel. */
  private final ThreadLocal<double[]> sums;

  public GlobalAveragePool(int channels) {
    super(channels);
    this.sums = ThreadLocal.withInitial(() -> new double[channels]);
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
    check(input, batch, height, width, output);
    int plane = height * width;
    double[] sums = this.sums.get();
    for (int n = 0; n < batch; n++) {
      Arrays.fill(sums, 0);
      // pixel by pixel: each a contiguous run of channels (C2 vectorizes the inner loop)
      for (int p = n * plane * channels; p < (n + 1) * plane * channels; p += channels) {
        for (int c = 0; c < channels; c++) {
          sums[c] += input[p + c];
        }
      }
      for (int c = 0; c < channels; c++) {
        output[n * channels + c] = (float) (sums[c] / plane);
      }
    }
  }

  @Override
  public void forward(float[] input, int batch, int height, int width, float[] output) {
    check(input, batch, height, width, output);
    int plane = height * width;
    for (int c = 0; c < batch * channels; c++) {
      double sum = 0;
      for (int i = c * plane; i < (c + 1) * plane; i++) {
        sum += input[i];
      }
      output[c] = (float) (sum / plane);
    }
  }

  private void check(float[] input, int batch, int height, int width, float[] output) {
    requirePositiveSizes(batch, height, width);
    Arguments.checkTensor("input", input, batch, channels, height, width);
    Arguments.checkTensor("output", output, batch, channels, 1, 1);
  }
}
