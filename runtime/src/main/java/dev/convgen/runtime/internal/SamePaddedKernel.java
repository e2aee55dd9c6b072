package dev.convgen.runtime.internal;

import dev.convgen.annotations.Activation;
import dev.convgen.runtime.ConvGeometry;
import dev.convgen.runtime.ConvKernel;
import java.util.List;

/**
 * A convolution with SAME padding ({@code autoPad = SAME_UPPER}, TensorFlow's {@code SAME}, or
 * {@code SAME_LOWER}) at a stride above 1 whose input size is known only at run time. The padding
 * then depends on the size modulo the stride (for 3x3 at stride 2: 0 before and 1 after on an
 * even size, 1 and 1 on an odd one), so the kernel holds one specialized kernel per distinct
 * padding and runs the one the call's size needs.
 *
 * <p>{@link #geometry()} gives the shape with SAME's output size for every input size (total
 * padding {@code extent - 1}); {@link #variant} gives the geometry a call actually uses.
 */
public abstract class SamePaddedKernel implements ConvKernel {

  private final ConvGeometry geometry;
  private final boolean upper;
  private final List<ConvKernel> variants;

  /**
   * @param upper whether the odd pixel goes at the end (SAME_UPPER) or the beginning
   * @param variants one kernel per padding the sizes can need, all with {@code geometry}'s
   *     channels, kernel, stride and dilation
   */
  protected SamePaddedKernel(ConvGeometry geometry, boolean upper, ConvKernel... variants) {
    this.geometry = geometry;
    this.upper = upper;
    this.variants = List.of(variants);
  }

  /**
   * The kernel that computes an input of {@code height x width}. Called on every forward pass:
   * compares ints, allocates nothing.
   */
  public final ConvKernel variant(int height, int width) {
    int top = SamePadding.before(height, geometry.strideH(), geometry.extentH(), upper);
    int vertical = SamePadding.total(height, geometry.strideH(), geometry.extentH());
    int left = SamePadding.before(width, geometry.strideW(), geometry.extentW(), upper);
    int horizontal = SamePadding.total(width, geometry.strideW(), geometry.extentW());
    for (int i = 0; i < variants.size(); i++) { // indexed: no iterator on the forward path
      ConvGeometry g = variants.get(i).geometry();
      if (g.padTop() == top && g.padTop() + g.padBottom() == vertical
          && g.padLeft() == left && g.padLeft() + g.padRight() == horizontal) {
        return variants.get(i);
      }
    }
    throw new IllegalStateException("no variant of " + geometry.describe() + " pads "
        + height + "x" + width + " by " + top + "," + left + "," + (vertical - top) + ","
        + (horizontal - left) + ": this is a bug in convgen");
  }

  @Override
  public final ConvGeometry geometry() {
    return geometry;
  }

  @Override
  public final boolean hasBias() {
    return variants.get(0).hasBias();
  }

  @Override
  public final Activation activation() {
    return variants.get(0).activation();
  }

  @Override
  public final int workUnits(int batch) {
    return variants.get(0).workUnits(batch);
  }

  @Override
  public final void forwardUnits(float[] input, int batch, int height, int width,
      float[] output, int fromUnit, int toUnit) {
    Arguments.requirePositive("height", height);
    Arguments.requirePositive("width", width);
    variant(height, width).forwardUnits(input, batch, height, width, output, fromUnit, toUnit);
  }

  @Override
  public String implementation() {
    return variants.get(0).implementation();
  }
}
