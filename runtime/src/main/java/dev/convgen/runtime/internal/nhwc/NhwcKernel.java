package dev.convgen.runtime.internal.nhwc;

/**
 * A convolution computing on NHWC tensors ({@code [batch, height, width, channels]}, channels in
 * vector lanes), called after the arguments were checked. Work is split by output rows, so one
 * image can be shared between threads.
 *
 * <p>Internal: kernels obtain one from {@link NhwcKernels}; users call
 * {@code ConvLayer.forwardNhwc}.
 */
public interface NhwcKernel {

  /**
   * Computes output rows {@code [firstRow, lastRow)} of one image.
   *
   * @param inputOffset where the image starts in {@code input}
   * @param outputOffset where its output starts in {@code output}
   */
  void rows(float[] input, int inputOffset, float[] output, int outputOffset, int height,
      int width, int firstRow, int lastRow);

  /** What this body runs, e.g. {@code SIMD 512-bit NHWC}. */
  String implementation();
}
