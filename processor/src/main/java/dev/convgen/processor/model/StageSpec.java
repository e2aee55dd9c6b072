package dev.convgen.processor.model;

import dev.convgen.annotations.Activation;
import dev.convgen.runtime.ConvGeometry;

/**
 * One lowered convolution stage: its geometry (kind, padding and channels resolved), fused bias
 * and activation, the input size when the spec fixed it ({@code height == 0} means run-time size),
 * and whether {@code Unroll.FULL} was asked for.
 */
public record StageSpec(ConvGeometry geometry, boolean bias, Activation activation, int height,
    int width, boolean fullUnroll) {

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
