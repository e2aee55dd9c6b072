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

  /**
   * How many independent slices of work a forward pass over {@code batch} images has: per image,
   * output-channel blocks for pointwise kernels or input channels (with their multiplier outputs)
   * for depthwise kernels. Units are numbered image by image, so a contiguous range covers whole
   * images where it can. Slices write disjoint parts of the output and may run on different
   * threads.
   */
  int workUnits(int batch);

  /**
   * Computes only work units {@code [fromUnit, toUnit)} of {@link #forward}; the rest of
   * {@code output} is left as it is. Used by {@link ParallelLayer}.
   *
   * @throws IllegalArgumentException as {@link #forward}, or when the range is not within
   *     {@code [0, workUnits(batch)]}
   */
  void forwardUnits(float[] input, int batch, int height, int width, float[] output,
      int fromUnit, int toUnit);

  @Override
  default void forward(float[] input, int batch, int height, int width, float[] output) {
    forwardUnits(input, batch, height, width, output, 0, workUnits(Math.max(batch, 0)));
  }

  /** {@code pointwise}, {@code depthwise 3x3}, {@code dense 3x3} or {@code grouped(4) 3x3}. */
  @Override
  default String kind() {
    ConvGeometry g = geometry();
    String k = " " + g.kernelH() + "x" + g.kernelW();
    return g.isPointwise() ? "pointwise" : g.isDepthwise() ? "depthwise" + k
        : g.groups() == 1 ? "dense" + k : "grouped(" + g.groups() + ")" + k;
  }

  @Override
  default String window() {
    ConvGeometry g = geometry();
    return g.kernelH() + "x" + g.kernelW() + " s" + g.strideH()
        + (g.strideH() == g.strideW() ? "" : "x" + g.strideW());
  }

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
