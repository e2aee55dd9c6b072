package dev.convgen.processor.model;

import dev.convgen.annotations.AutoPad;
import dev.convgen.runtime.internal.SamePadding;

/**
 * Resolves a spec's padding to {@code {top, left, bottom, right}}, following ONNX {@code Conv}:
 * explicit values (1, 2 or 4 of them), {@code autoPad} (SAME_UPPER puts the odd pixel at the
 * bottom/right, as TensorFlow's SAME; SAME_LOWER at the top/left; VALID none), or by default
 * {@code dilation * (kernel - 1) / 2} per side. Pure arithmetic: the validator checks the values
 * first (arity, autoPad with explicit padding) and the result after (negative or too large).
 */
public final class Padding {

  private Padding() {}

  /** The dilated kernel extent per axis: {@code dilation * (kernel - 1) + 1}. */
  public static long[] extent(int[] kernel, int[] dilation) {
    return new long[] {(long) dilation[0] * (kernel[0] - 1) + 1,
        (long) dilation[1] * (kernel[1] - 1) + 1};
  }

  /**
   * The four pads.
   *
   * @param given the explicit values (1, 2 or 4; checked by the validator), empty for none
   * @param height the fixed input height, or 0 (then SAME gives the padding with SAME's output
   *     size for every input size; at stride 1 the only one)
   */
  public static int[] resolve(AutoPad autoPad, int[] given, int[] kernel, int[] stride,
      int[] dilation, int height, int width) {
    long[] extent = extent(kernel, dilation);
    switch (autoPad) {
      case VALID:
        return new int[4];
      case SAME_UPPER:
      case SAME_LOWER:
        int[] pads = new int[4];
        int[] size = {height, width};
        for (int axis = 0; axis < 2; axis++) {
          // Without a fixed size: the padding of an input one pixel more than a multiple of the
          // stride (any size at stride 1), total extent - 1, which gives SAME's output size
          // ceil(input / stride) for every input size. SpecLowering adds the other paddings a
          // size can need.
          long in = size[axis] > 0 ? size[axis] : stride[axis] + 1;
          int[] pair = SamePadding.pads(in, stride[axis], extent[axis],
              autoPad == AutoPad.SAME_UPPER);
          pads[axis] = pair[0];
          pads[axis + 2] = pair[1];
        }
        return pads;
      default:
        break;
    }
    switch (given.length) {
      case 0:
        int vertical = (int) ((extent[0] - 1) / 2);
        int horizontal = (int) ((extent[1] - 1) / 2);
        return new int[] {vertical, horizontal, vertical, horizontal};
      case 1:
        return new int[] {given[0], given[0], given[0], given[0]};
      case 2:
        return new int[] {given[0], given[1], given[0], given[1]};
      default:
        return given.clone();
    }
  }
}
