package dev.convgen.annotations;

/**
 * How padding is derived when it is not given explicitly; the names and rules are those of the ONNX
 * {@code Conv} operator's {@code auto_pad} attribute.
 */
public enum AutoPad {
  /**
   * Padding comes from {@link ConvSpec#padding()}; when that is empty, every side is padded by
   * {@code dilation * (kernel - 1) / 2} (PyTorch's {@code padding = kernel // 2} for odd kernels).
   */
  NOTSET,
  /**
   * Output size {@code ceil(input / stride)}; the total padding is split evenly and the odd pixel
   * goes at the end (bottom/right), as in TensorFlow's {@code SAME}.
   */
  SAME_UPPER,
  /** As {@link #SAME_UPPER}, but the odd pixel goes at the beginning (top/left). */
  SAME_LOWER,
  /** No padding. */
  VALID
}
