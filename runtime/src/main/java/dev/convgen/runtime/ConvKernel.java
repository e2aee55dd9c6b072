package dev.convgen.runtime;

import dev.convgen.annotations.Activation;

/**
 * One convolution stage with its weights: generated (shape-specialized) or generic. Bias and
 * activation are fused into the same pass.
 */
public interface ConvKernel extends ConvLayer {

  /** The stage's shape. */
  ConvGeometry geometry();

  /** Whether a bias is added. */
  boolean hasBias();

  /** Activation applied to every output value. */
  Activation activation();

  @Override
  default int inChannels() {
    return geometry().inChannels();
  }

  @Override
  default int outChannels() {
    return geometry().outChannels();
  }

  @Override
  default int outputHeight(int inputHeight) {
    return geometry().outputHeight(inputHeight);
  }

  @Override
  default int outputWidth(int inputWidth) {
    return geometry().outputWidth(inputWidth);
  }

  @Override
  default long parameterCount() {
    return geometry().parameterCount(hasBias());
  }

  @Override
  default long macs(int batch, int height, int width) {
    return geometry().macs(batch, height, width);
  }
}
