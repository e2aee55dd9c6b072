package dev.convgen.runtime.weights;

import java.util.Arrays;

/** A named float tensor loaded from a weight file: its shape and row-major (C order) values. */
public final class Tensor {

  private final String name;
  private final int[] shape;
  private final float[] data;

  /**
   * @param shape dimensions, outermost first; empty for a scalar
   * @param data row-major values, {@code product(shape)} of them; kept, not copied
   */
  public Tensor(String name, int[] shape, float[] data) {
    this.name = name;
    this.shape = shape.clone();
    this.data = data;
    long count = 1;
    for (int dimension : shape) {
      if (dimension < 0) {
        throw new IllegalArgumentException("shape: expected no negative dimension, got "
            + Arrays.toString(shape));
      }
      count *= dimension;
    }
    if (count != data.length) {
      throw new IllegalArgumentException("data: expected " + count + " values for shape "
          + Arrays.toString(shape) + ", got " + data.length);
    }
  }

  /** The tensor's name in its file, e.g. {@code block3.dw.weight}. */
  public String name() {
    return name;
  }

  /** A copy of the shape. */
  public int[] shape() {
    return shape.clone();
  }

  /** Whether the shape is exactly {@code dimensions}. */
  public boolean hasShape(int... dimensions) {
    return Arrays.equals(shape, dimensions);
  }

  /** The values, row-major; the array itself, not a copy. */
  public float[] data() {
    return data;
  }

  /** The shape as PyTorch prints it, e.g. {@code [64, 32, 1, 1]}. */
  public String shapeString() {
    return Arrays.toString(shape);
  }

  @Override
  public String toString() {
    return name + " " + shapeString();
  }
}
