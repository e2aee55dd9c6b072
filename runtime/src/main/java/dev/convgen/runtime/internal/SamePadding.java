package dev.convgen.runtime.internal;

/**
 * ONNX's {@code SAME_UPPER} / {@code SAME_LOWER} padding (TensorFlow's {@code SAME} is
 * {@code SAME_UPPER}) for one axis: output size {@code ceil(input / stride)}, total padding
 * {@code max(0, (output - 1) * stride + extent - input)}, split evenly with the odd pixel at the
 * end (upper) or the beginning (lower). The total depends on the input size only through
 * {@code input mod stride}. The one definition: the processor resolves fixed sizes with it, and
 * {@link SamePaddedKernel} the sizes of each call.
 */
public final class SamePadding {

  private SamePadding() {}

  /**
   * {@code {before, after}}: the padding at the top (left) and the bottom (right).
   *
   * @param upper whether the odd pixel goes at the end (SAME_UPPER)
   */
  public static int[] pads(long input, int stride, long extent, boolean upper) {
    int total = total(input, stride, extent);
    int before = before(input, stride, extent, upper);
    return new int[] {before, total - before};
  }

  /** The padding before (top or left): half the total, rounded down for SAME_UPPER. */
  public static int before(long input, int stride, long extent, boolean upper) {
    int total = total(input, stride, extent);
    return upper ? total / 2 : total - total / 2;
  }

  /** The padding before and after together. */
  public static int total(long input, int stride, long extent) {
    long output = (input + stride - 1) / stride;
    return (int) Math.max(0, (output - 1) * stride + extent - input);
  }
}
