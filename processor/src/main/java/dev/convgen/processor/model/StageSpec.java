package dev.convgen.processor.model;

import dev.convgen.annotations.Activation;
import dev.convgen.runtime.ConvGeometry;
import java.util.List;

/**
 * One lowered convolution stage: its geometry (kind, padding and channels resolved), fused bias
 * and activation, the input size when the spec fixed it ({@code height == 0} means run-time size),
 * whether {@code Unroll.FULL} was asked for, and, for SAME padding at a stride above 1 with a
 * run-time size, the paddings the sizes can need (null otherwise: the padding is the geometry's).
 */
public record StageSpec(ConvGeometry geometry, boolean bias, Activation activation, int height,
    int width, boolean fullUnroll, RuntimePadding runtimePadding) {

  /**
   * SAME padding that depends on the input size modulo the stride.
   *
   * @param upper SAME_UPPER (odd pixel at the end) or SAME_LOWER
   * @param variants one geometry per distinct padding, in order of first use by sizes
   *     {@code stride, stride + 1, ...}
   */
  public record RuntimePadding(boolean upper, List<ConvGeometry> variants) {}

  /** A stage whose padding is its geometry's. */
  public StageSpec(ConvGeometry geometry, boolean bias, Activation activation, int height,
      int width, boolean fullUnroll) {
    this(geometry, bias, activation, height, width, fullUnroll, null);
  }

  /** This stage with {@code variant}'s padding, fixed. */
  public StageSpec withGeometry(ConvGeometry variant) {
    return new StageSpec(variant, bias, activation, height, width, fullUnroll, null);
  }

  /** Whether height and width are compile-time constants. */
  public boolean fixedSize() {
    return height > 0;
  }

  /** Output height for the fixed input height. */
  public int outputHeight() {
    return geometry.outputHeight(height);
  }

  /** Output width for the fixed input width. */
  public int outputWidth() {
    return geometry.outputWidth(width);
  }
}
