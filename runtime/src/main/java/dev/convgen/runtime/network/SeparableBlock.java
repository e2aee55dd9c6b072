package dev.convgen.runtime.network;

import dev.convgen.runtime.ConvKernel;
import dev.convgen.runtime.ConvLayer;
import dev.convgen.runtime.NamedLayer;
import dev.convgen.runtime.internal.Arguments;
import dev.convgen.runtime.internal.ArrayPool;
import dev.convgen.runtime.internal.UnitKernel;
import dev.convgen.runtime.internal.nhwc.NhwcLayout;
import java.util.List;

/**
 * A depthwise-separable block: a depthwise KxK stage followed by a pointwise 1x1 stage, as in
 * MobileNet, Xception and EfficientNet. The stages may be generated or generic kernels.
 *
 * <p>The intermediate tensor ({@link #intermediateLength}) is either supplied by the caller or
 * borrowed for the call from a pool of the running thread's, which the thread's other blocks and
 * networks share; so a block is safe to share between threads and allocates nothing in steady
 * state.
 */
public class SeparableBlock implements ConvLayer {

  private final ConvKernel depthwise;
  private final ConvKernel pointwise;

  /**
   * @throws IllegalArgumentException when {@code depthwise} is not depthwise, {@code pointwise} is
   *     not 1x1, or the channel counts do not chain
   */
  public SeparableBlock(ConvKernel depthwise, ConvKernel pointwise) {
    if (!depthwise.geometry().isDepthwise()) {
      throw new IllegalArgumentException("depthwise: expected groups = inChannels, got "
          + depthwise.geometry().describe());
    }
    if (!pointwise.geometry().isPointwise()) {
      throw new IllegalArgumentException("pointwise: expected a 1x1 kernel with groups 1, got "
          + pointwise.geometry().describe());
    }
    if (depthwise.outChannels() != pointwise.inChannels()) {
      throw new IllegalArgumentException("pointwise: expected " + depthwise.outChannels()
          + " input channels (the depthwise stage's output), got " + pointwise.inChannels());
    }
    this.depthwise = depthwise;
    this.pointwise = pointwise;
  }

  /** The depthwise stage. */
  public final ConvKernel depthwise() {
    return depthwise;
  }

  /** The pointwise stage. */
  public final ConvKernel pointwise() {
    return pointwise;
  }

  /** Both stages, in execution order. */
  public final List<ConvKernel> stages() {
    return List.of(depthwise, pointwise);
  }

  /** {@code dw} and {@code pw}, the names their weights have (see {@code WeightBinder}). */
  @Override
  public List<NamedLayer> parts() {
    return List.of(new NamedLayer("dw", depthwise), new NamedLayer("pw", pointwise));
  }

  @Override
  public String kind() {
    return "separable";
  }

  @Override
  public final int inChannels() {
    return depthwise.inChannels();
  }

  @Override
  public final int outChannels() {
    return pointwise.outChannels();
  }

  @Override
  public final int outputHeight(int inputHeight) {
    return pointwise.outputHeight(depthwise.outputHeight(inputHeight));
  }

  @Override
  public final int outputWidth(int inputWidth) {
    return pointwise.outputWidth(depthwise.outputWidth(inputWidth));
  }

  @Override
  public final long parameterCount() {
    return depthwise.parameterCount() + pointwise.parameterCount();
  }

  @Override
  public final long macs(int batch, int height, int width) {
    return depthwise.macs(batch, height, width)
        + pointwise.macs(batch, depthwise.outputHeight(height), depthwise.outputWidth(width));
  }

  /** Floats in the intermediate (depthwise output) tensor for this input size. */
  public final int intermediateLength(int batch, int height, int width) {
    long length = (long) batch * depthwise.outChannels() * depthwise.outputHeight(height)
        * depthwise.outputWidth(width);
    if (length <= 0 || length > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("batch, height, width: intermediate tensor of " + batch
          + " x " + depthwise.outChannels() + " x " + depthwise.outputHeight(height) + " x "
          + depthwise.outputWidth(width) + " floats does not fit a Java array");
    }
    return (int) length;
  }

  @Override
  public final void forward(float[] input, int batch, int height, int width, float[] output) {
    Arguments.checkInput(depthwise.geometry(), input, batch, height, width);
    ArrayPool pool = ArrayPool.ofThread();
    float[] intermediate = pool.borrow(intermediateLength(batch, height, width));
    try {
      forward(input, batch, height, width, output, intermediate);
    } finally {
      pool.giveBack(intermediate);
    }
  }

  /**
   * As {@link #forward(float[], int, int, int, float[])}, with a caller-owned intermediate buffer
   * of exactly {@link #intermediateLength} floats.
   */
  public final void forward(
      float[] input, int batch, int height, int width, float[] output, float[] intermediate) {
    checkStages(input, batch, height, width, output, intermediate);
    depthwise.forward(input, batch, height, width, intermediate);
    pointwise.forward(intermediate, batch, depthwise.outputHeight(height),
        depthwise.outputWidth(width), output);
  }

  /**
   * The arrays of both stages, in either layout (an NHWC tensor has as many floats as the NCHW
   * one), and that no two of them are the same array; also {@link ParallelLayer}'s check.
   */
  final void checkStages(float[] input, int batch, int height, int width, float[] output,
      float[] intermediate) {
    Arguments.checkForward(depthwise.geometry(), input, batch, height, width, intermediate);
    Arguments.checkForward(pointwise.geometry(), intermediate, batch,
        depthwise.outputHeight(height), depthwise.outputWidth(width), output);
    if (output == input) {
      throw new IllegalArgumentException("output: must be a different array from input");
    }
    if (intermediate == input || intermediate == output) {
      throw new IllegalArgumentException(
          "intermediate: must be a different array from input and output");
    }
  }

  /** Whether both stages compute in NHWC themselves. */
  @Override
  public final boolean nhwcNative() {
    return depthwise.nhwcNative() && pointwise.nhwcNative();
  }

  /**
   * Whether its depthwise stage reads a channel-blocked input of this size
   * ({@code UnitKernel.readsBlocked}): {@link Sequential} then hands it the previous block's
   * output in that layout.
   */
  final boolean readsBlocked(int height, int width) {
    return nhwcNative() && depthwise instanceof UnitKernel dw && dw.readsBlocked(height, width);
  }

  /** Whether its pointwise stage writes a channel-blocked output for this input size. */
  final boolean writesBlocked(int height, int width) {
    return nhwcNative() && pointwise instanceof UnitKernel pw
        && pw.writesBlocked(depthwise.outputHeight(height), depthwise.outputWidth(width));
  }

  /**
   * As {@link #forwardNhwc}, the input and/or the output channel-blocked where
   * {@link #readsBlocked} / {@link #writesBlocked} say so; the intermediate stays NHWC.
   */
  final void forwardNhwcBlocked(float[] input, boolean inputBlocked, int batch, int height,
      int width, float[] output, boolean outputBlocked) {
    Arguments.checkInput(depthwise.geometry(), input, batch, height, width);
    ArrayPool pool = ArrayPool.ofThread();
    float[] intermediate = pool.borrow(intermediateLength(batch, height, width));
    try {
      checkStages(input, batch, height, width, output, intermediate);
      stageNhwc(depthwise, input, inputBlocked, batch, height, width, intermediate, false);
      stageNhwc(pointwise, intermediate, false, batch, depthwise.outputHeight(height),
          depthwise.outputWidth(width), output, outputBlocked);
    } finally {
      pool.giveBack(intermediate);
    }
  }

  /** One stage in NHWC; channel-blocked (a kernel that said it can) where a flag asks. */
  private static void stageNhwc(ConvKernel stage, float[] input, boolean inputBlocked,
      int batch, int height, int width, float[] output, boolean outputBlocked) {
    if (inputBlocked || outputBlocked) {
      ((UnitKernel) stage).forwardNhwcBlocked(input, inputBlocked, batch, height, width, output,
          outputBlocked);
    } else {
      stage.forwardNhwc(input, batch, height, width, output);
    }
  }

  /** Both stages in NHWC when they can, through an intermediate borrowed as in NCHW. */
  @Override
  public final void forwardNhwc(float[] input, int batch, int height, int width,
      float[] output) {
    if (!nhwcNative()) {
      NhwcLayout.forwardViaNchw(this, input, batch, height, width, output);
      return;
    }
    forwardNhwcBlocked(input, false, batch, height, width, output, false);
  }
}
