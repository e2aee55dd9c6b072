package dev.convgen.runtime.network;

import dev.convgen.runtime.internal.Arguments;

/**
 * Average pooling over {@code kernelH x kernelW} windows moved by a stride, without padding
 * (PyTorch {@code AvgPool2d(kernel, stride)}, Keras {@code AveragePooling2D(padding="valid")}):
 * e.g. MobileNet's 7x7 pool, which equals {@link GlobalAveragePool} only on a 7x7 input. Summed in
 * double. Stateless and shareable.
 */
public final class AveragePool extends ChannelLayer {

  private final int kernelH;
  private final int kernelW;
  private final int strideH;
  private final int strideW;

  public AveragePool(int channels, int kernelH, int kernelW, int strideH, int strideW) {
    super(channels);
    Arguments.requirePositive("kernelH", kernelH);
    Arguments.requirePositive("kernelW", kernelW);
    Arguments.requirePositive("strideH", strideH);
    Arguments.requirePositive("strideW", strideW);
    this.kernelH = kernelH;
    this.kernelW = kernelW;
    this.strideH = strideH;
    this.strideW = strideW;
  }

  /** A square window whose stride is its size (PyTorch's default stride). */
  public static AveragePool of(int channels, int kernel) {
    return new AveragePool(channels, kernel, kernel, kernel, kernel);
  }

  @Override
  public String kind() {
    return "avg pool";
  }

  @Override
  public String window() {
    return kernelH + "x" + kernelW + " s" + strideH + (strideH == strideW ? "" : "x" + strideW);
  }

  @Override
  public int outputHeight(int inputHeight) {
    return Math.floorDiv(inputHeight - kernelH, strideH) + 1;
  }

  @Override
  public int outputWidth(int inputWidth) {
    return Math.floorDiv(inputWidth - kernelW, strideW) + 1;
  }

  @Override
  public void forward(float[] input, int batch, int height, int width, float[] output) {
    requirePositiveSizes(batch, height, width);
    int outH = outputHeight(height);
    int outW = outputWidth(width);
    if (outH <= 0 || outW <= 0) {
      throw new IllegalArgumentException("height, width: expected at least " + kernelH + "x"
          + kernelW + " (the pooling window), got " + height + "x" + width);
    }
    Arguments.checkTensor("input", input, batch, channels, height, width);
    Arguments.checkTensor("output", output, batch, channels, outH, outW);
    if (output == input) {
      throw new IllegalArgumentException("output: must be a different array from input");
    }
    double area = (double) kernelH * kernelW;
    for (int plane = 0; plane < batch * channels; plane++) {
      int x = plane * height * width;
      int y = plane * outH * outW;
      for (int i = 0; i < outH; i++) {
        for (int j = 0; j < outW; j++) {
          double sum = 0;
          for (int r = 0; r < kernelH; r++) {
            int row = x + (i * strideH + r) * width + j * strideW;
            for (int c = 0; c < kernelW; c++) {
              sum += input[row + c];
            }
          }
          output[y + i * outW + j] = (float) (sum / area);
        }
      }
    }
  }
}
