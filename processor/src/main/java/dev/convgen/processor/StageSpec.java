package dev.convgen.processor;

import dev.convgen.annotations.Activation;
import dev.convgen.runtime.ConvGeometry;

/**
 * One validated convolution stage: its geometry, fused bias and activation, the input size when
 * the spec fixed it ({@code height == 0} means run-time size), and whether {@code Unroll.FULL}
 * was asked for.
 */
record StageSpec(ConvGeometry geometry, boolean bias, Activation activation, int height, int width,
    boolean fullUnroll) {

  boolean fixedSize() {
    return height > 0;
  }

  int outputHeight() {
    return geometry.outputHeight(height);
  }

  int outputWidth() {
    return geometry.outputWidth(width);
  }
}
