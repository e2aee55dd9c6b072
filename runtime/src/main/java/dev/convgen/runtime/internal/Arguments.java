package dev.convgen.runtime.internal;

import dev.convgen.runtime.ConvGeometry;
import java.util.Objects;

/**
 * Argument checks shared by generated and generic kernels. Every failure is an
 * {@link IllegalArgumentException} (or {@link NullPointerException} for a null array) that names
 * the argument and gives the expected and the actual size, thrown before anything is written.
 */
public final class Arguments {

  private Arguments() {}

  /** Checks a forward call's arrays and sizes against a stage's geometry. */
  public static void checkForward(
      ConvGeometry geometry, float[] input, int batch, int height, int width, float[] output) {
    checkInput(geometry, input, batch, height, width);
    checkTensor("output", output, batch, geometry.outChannels(),
        geometry.outputHeight(height), geometry.outputWidth(width));
    requireDistinct(input, output);
  }

  /** A forward call's output must not be its input. */
  public static void requireDistinct(float[] input, float[] output) {
    if (input == output) {
      throw new IllegalArgumentException(
          "output: must be a different array from input (the kernel reads input while writing)");
    }
  }

  /**
   * Checks the input array, batch and spatial size of a forward call: positive sizes, an input big
   * enough for the kernel, and exactly {@code batch x in x height x width} floats.
   */
  public static void checkInput(
      ConvGeometry geometry, float[] input, int batch, int height, int width) {
    Objects.requireNonNull(input, "input");
    requirePositive("batch", batch);
    requirePositive("height", height);
    requirePositive("width", width);
    int outH = geometry.outputHeight(height);
    int outW = geometry.outputWidth(width);
    if (outH <= 0) {
      throw new IllegalArgumentException("height: input height " + height
          + " gives output height " + outH + " (kernel extent " + geometry.extentH()
          + ", padding " + geometry.padTop() + "+" + geometry.padBottom() + ", stride "
          + geometry.strideH() + "); expected at least "
          + (geometry.extentH() - geometry.padTop() - geometry.padBottom()));
    }
    if (outW <= 0) {
      throw new IllegalArgumentException("width: input width " + width
          + " gives output width " + outW + " (kernel extent " + geometry.extentW()
          + ", padding " + geometry.padLeft() + "+" + geometry.padRight() + ", stride "
          + geometry.strideW() + "); expected at least "
          + (geometry.extentW() - geometry.padLeft() - geometry.padRight()));
    }
    checkTensor("input", input, batch, geometry.inChannels(), height, width);
  }

  /** Checks that an NCHW array has exactly {@code n * c * h * w} elements. */
  public static void checkTensor(String name, float[] array, int n, int c, int h, int w) {
    Objects.requireNonNull(array, name);
    long expected = (long) n * c * h * w;
    if (array.length != expected) {
      throw new IllegalArgumentException(name + ": expected [" + n + ", " + c + ", " + h + ", "
          + w + "] = " + expected + " floats, got " + array.length);
    }
  }

  /** {@code batch x unitsPerImage}, the work units of a forward pass. */
  public static int workUnits(int batch, int unitsPerImage) {
    return Math.multiplyExact(Math.max(batch, 0), unitsPerImage);
  }

  /** Checks a range of work units of {@link ConvKernel#forwardUnits}. */
  public static void checkUnits(int fromUnit, int toUnit, int units) {
    if (fromUnit < 0 || fromUnit > toUnit || toUnit > units) {
      throw new IllegalArgumentException("fromUnit, toUnit: expected 0 <= fromUnit <= toUnit <= "
          + units + ", got " + fromUnit + ", " + toUnit);
    }
  }

  /** Checks a size that a specialized kernel fixed at compile time. */
  public static void checkFixedSize(String name, int actual, int expected) {
    if (actual != expected) {
      throw new IllegalArgumentException(name + ": this kernel was generated for " + name + " "
          + expected + " (@ConvSpec " + name + " = " + expected + "), got " + actual);
    }
  }

  /** Checks weights in PyTorch layout {@code [out, in / groups, kh, kw]}; returns them. */
  public static float[] checkWeights(ConvGeometry geometry, float[] weight) {
    Objects.requireNonNull(weight, "weight");
    if (weight.length != geometry.weightCount()) {
      throw new IllegalArgumentException("weight: expected " + geometry.weightShape() + " = "
          + geometry.weightCount() + " floats, got " + weight.length);
    }
    return weight;
  }

  /** Checks a bias of one value per output channel; returns it. */
  public static float[] checkBias(ConvGeometry geometry, float[] bias) {
    Objects.requireNonNull(bias, "bias");
    if (bias.length != geometry.outChannels()) {
      throw new IllegalArgumentException("bias: expected [" + geometry.outChannels() + "] = "
          + geometry.outChannels() + " floats, got " + bias.length);
    }
    return bias;
  }

  public static void requirePositive(String name, int value) {
    if (value <= 0) {
      throw new IllegalArgumentException(name + ": expected a positive value, got " + value);
    }
  }
}
