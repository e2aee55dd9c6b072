package dev.convgen.annotations;

/** Which kernel family a {@link ConvSpec} asks for. */
public enum Kind {
  /**
   * Chosen from the kernel size: a 1x1 kernel gives {@link #POINTWISE}, any larger kernel gives
   * {@link #SEPARABLE} (a depthwise KxK stage followed by a pointwise 1x1 stage). Ask for
   * {@link #DEPTHWISE} explicitly when you want the depthwise stage alone.
   */
  AUTO,
  /** A 1x1 convolution, {@code groups = 1}: a matrix product over channels at every pixel. */
  POINTWISE,
  /**
   * A KxK convolution with one filter per channel ({@code groups = in}); with a depth multiplier
   * {@code m}, each input channel has {@code m} filters and {@code out = in * m}.
   */
  DEPTHWISE,
  /** A depthwise KxK stage followed by a pointwise 1x1 stage, as in MobileNet and Xception. */
  SEPARABLE,
  /**
   * A standard KxK convolution: every output channel reads every input channel of its group
   * ({@code groups = 1}, the default, reads all of them; see {@link ConvSpec#groups()}). The
   * baseline that separable blocks replace, and the usual network stem.
   */
  DENSE
}
