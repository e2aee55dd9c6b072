package dev.convgen.runtime;

/**
 * The shape of one 2-D convolution stage, independent of batch and spatial size: channels, groups,
 * kernel, stride, per-side padding and dilation. Semantics follow PyTorch {@code conv2d} and ONNX
 * {@code Conv} (NCHW, weights {@code [out, in / groups, kh, kw]}, zero padding).
 *
 * <p>Immutable; the compact constructor rejects impossible shapes with an
 * {@link IllegalArgumentException} naming the offending component.
 */
public record ConvGeometry(
    int inChannels,
    int outChannels,
    int groups,
    int kernelH,
    int kernelW,
    int strideH,
    int strideW,
    int padTop,
    int padLeft,
    int padBottom,
    int padRight,
    int dilationH,
    int dilationW) {

  public ConvGeometry {
    requirePositive("inChannels", inChannels);
    requirePositive("outChannels", outChannels);
    requirePositive("groups", groups);
    requirePositive("kernelH", kernelH);
    requirePositive("kernelW", kernelW);
    requirePositive("strideH", strideH);
    requirePositive("strideW", strideW);
    requirePositive("dilationH", dilationH);
    requirePositive("dilationW", dilationW);
    requireNonNegative("padTop", padTop);
    requireNonNegative("padLeft", padLeft);
    requireNonNegative("padBottom", padBottom);
    requireNonNegative("padRight", padRight);
    for (long extent : new long[] {(long) dilationH * (kernelH - 1) + 1,
        (long) dilationW * (kernelW - 1) + 1}) {
      if (extent > Integer.MAX_VALUE) {
        throw new IllegalArgumentException("dilationH, dilationW: the kernel extent dilation x"
            + " (kernel - 1) + 1 must fit an int, got " + extent + " (kernel " + kernelH + "x"
            + kernelW + ", dilation " + dilationH + "x" + dilationW + ")");
      }
    }
    if (inChannels % groups != 0 || outChannels % groups != 0) {
      throw new IllegalArgumentException(
          "groups: expected a divisor of inChannels " + inChannels + " and outChannels "
              + outChannels + ", got " + groups);
    }
  }

  /** A 1x1 convolution with {@code groups = 1}, no padding. */
  public static ConvGeometry pointwise(int in, int out, int strideH, int strideW) {
    return new ConvGeometry(in, out, 1, 1, 1, strideH, strideW, 0, 0, 0, 0, 1, 1);
  }

  /** A depthwise convolution: {@code groups = channels}, {@code out = channels * multiplier}. */
  public static ConvGeometry depthwise(
      int channels, int multiplier, int kernelH, int kernelW, int strideH, int strideW,
      int padTop, int padLeft, int padBottom, int padRight, int dilationH, int dilationW) {
    requirePositive("multiplier", multiplier);
    return new ConvGeometry(channels, Math.multiplyExact(channels, multiplier), channels,
        kernelH, kernelW, strideH, strideW, padTop, padLeft, padBottom, padRight,
        dilationH, dilationW);
  }

  /** True for a 1x1, ungrouped convolution (padding and stride allowed). */
  public boolean isPointwise() {
    return groups == 1 && kernelH == 1 && kernelW == 1;
  }

  /** True when every input channel has its own filters ({@code groups == inChannels}). */
  public boolean isDepthwise() {
    return groups == inChannels;
  }

  /** Output channels per input channel of a depthwise convolution. */
  public int multiplier() {
    return outChannels / groups;
  }

  /** Input channels each filter reads: {@code in / groups}. */
  public int inChannelsPerGroup() {
    return inChannels / groups;
  }

  /** Rows the dilated kernel spans: {@code dilationH * (kernelH - 1) + 1}. */
  public int extentH() {
    return dilationH * (kernelH - 1) + 1;
  }

  /** Columns the dilated kernel spans: {@code dilationW * (kernelW - 1) + 1}. */
  public int extentW() {
    return dilationW * (kernelW - 1) + 1;
  }

  /** Output height for an input height; zero or negative when the input is too small. */
  public int outputHeight(int inputHeight) {
    return outputSize((long) inputHeight + padTop + padBottom - extentH(), strideH);
  }

  /** Output width for an input width; zero or negative when the input is too small. */
  public int outputWidth(int inputWidth) {
    return outputSize((long) inputWidth + padLeft + padRight - extentW(), strideW);
  }

  /** {@code floor(span / stride) + 1}, computed in long and saturated to the int range. */
  private static int outputSize(long span, int stride) {
    long size = Math.floorDiv(span, stride) + 1;
    return (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, size));
  }

  /** Number of weights: {@code out * (in / groups) * kh * kw}. */
  public long weightCount() {
    return (long) outChannels * inChannelsPerGroup() * kernelH * kernelW;
  }

  /** Weights plus, when {@code bias}, one bias per output channel. */
  public long parameterCount(boolean bias) {
    return weightCount() + (bias ? outChannels : 0);
  }

  /** Multiply-accumulates for one forward pass over {@code batch x in x height x width}. */
  public long macs(int batch, int height, int width) {
    return (long) batch * Math.max(0, outputHeight(height)) * Math.max(0, outputWidth(width))
        * outChannels * inChannelsPerGroup() * kernelH * kernelW;
  }

  /** The PyTorch weight shape, e.g. {@code [64, 1, 3, 3]}. */
  public String weightShape() {
    return "[" + outChannels + ", " + inChannelsPerGroup() + ", " + kernelH + ", " + kernelW + "]";
  }

  /** A one-line description such as {@code depthwise 32->32 k3x3 s1x1 p1,1,1,1 d1x1}. */
  public String describe() {
    String kind = isPointwise() ? "pointwise" : isDepthwise() ? "depthwise"
        : groups == 1 ? "dense" : "grouped(" + groups + ")";
    return kind + " " + inChannels + "->" + outChannels + " k" + kernelH + "x" + kernelW
        + " s" + strideH + "x" + strideW + " p" + padTop + "," + padLeft + "," + padBottom + ","
        + padRight + " d" + dilationH + "x" + dilationW;
  }

  private static void requirePositive(String name, int value) {
    if (value <= 0) {
      throw new IllegalArgumentException(name + ": expected a positive value, got " + value);
    }
  }

  private static void requireNonNegative(String name, int value) {
    if (value < 0) {
      throw new IllegalArgumentException(name + ": expected zero or more, got " + value);
    }
  }
}
