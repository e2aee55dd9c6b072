package dev.convgen.annotations;

/** Element-wise function applied to a convolution stage's output, fused into the same pass. */
public enum Activation {
  /** The identity. */
  NONE,
  /** {@code max(x, 0)}; NaN stays NaN. */
  RELU,
  /** {@code min(max(x, 0), 6)}; NaN stays NaN. */
  RELU6;

  /** Applies this activation to one value; the generated kernels inline the same expression. */
  public float apply(float value) {
    switch (this) {
      case RELU:
        return Math.max(value, 0f);
      case RELU6:
        return Math.min(Math.max(value, 0f), 6f);
      default:
        return value;
    }
  }
}
