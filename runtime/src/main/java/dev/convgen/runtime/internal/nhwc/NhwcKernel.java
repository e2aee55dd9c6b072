package dev.convgen.runtime.internal.nhwc;

import java.util.Set;

/**
 * A convolution computing on NHWC tensors ({@code [batch, height, width, channels]}, channels in
 * vector lanes), called after the arguments were checked. An image's work is split into units
 * (output rows, or output pixels where no pixel needs its neighbours), so one image can be shared
 * between threads.
 *
 * <p>Internal: kernels obtain one from {@link NhwcKernels}; users call
 * {@code ConvLayer.forwardNhwc}.
 */
public interface NhwcKernel {

  /** Work units of one image of this size: its output rows unless the body says otherwise. */
  int unitsPerImage(int height, int width);

  /**
   * Whether the work units of an input of this size are its output rows, in order (an NCHW call
   * can then run the body band by band of rows).
   */
  default boolean unitsAreRows(int height, int width) {
    return true;
  }

  /**
   * Computes work units {@code [firstUnit, lastUnit)} of one image.
   *
   * @param inputOffset where the image starts in {@code input}
   * @param outputOffset where its output starts in {@code output}
   */
  void compute(float[] input, int inputOffset, float[] output, int outputOffset, int height,
      int width, int firstUnit, int lastUnit);

  /**
   * Whether {@link #compute(float[], int, boolean, float[], int, boolean, int, int, int, int)}
   * reads an input of this size channel-blocked ({@link NhwcLayout#blockedToNchw}).
   */
  default boolean readsBlocked(int height, int width) {
    return false;
  }

  /** Whether it writes the output for an input of this size channel-blocked. */
  default boolean writesBlocked(int height, int width) {
    return false;
  }

  /**
   * As {@link #compute(float[], int, float[], int, int, int, int, int)}, with the input and/or
   * the output channel-blocked ({@code [channels / lanes][height][width][lanes]}, one vector's
   * channels per block, each block's plane contiguous) where {@link #readsBlocked} /
   * {@link #writesBlocked} say so.
   */
  default void compute(float[] input, int inputOffset, boolean inputBlocked, float[] output,
      int outputOffset, boolean outputBlocked, int height, int width, int firstUnit,
      int lastUnit) {
    if (inputBlocked || outputBlocked) {
      throw new IllegalArgumentException("this body reads and writes plain NHWC only");
    }
    compute(input, inputOffset, output, outputOffset, height, width, firstUnit, lastUnit);
  }

  /**
   * The weights in PyTorch layout ({@code [out, in / groups, kh, kw]}), rebuilt from the packed
   * form, bit for bit: so a kernel can pack another layout's copy when first asked for it instead
   * of holding both.
   */
  float[] weights();

  /**
   * Adds the warm-up bodies ({@code network.WarmUp}) that compile what this body runs on an
   * input of this size.
   */
  void warmUpKeys(int height, int width, Set<String> keys);

  /** What this body runs, e.g. {@code SIMD 512-bit NHWC}: the width all NHWC bodies share. */
  default String implementation() {
    return NhwcGemm.width() + " NHWC";
  }
}
