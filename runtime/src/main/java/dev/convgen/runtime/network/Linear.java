package dev.convgen.runtime.network;

import dev.convgen.annotations.Activation;
import dev.convgen.runtime.ConvGeometry;
import dev.convgen.runtime.ConvKernel;
import dev.convgen.runtime.ConvLayer;
import dev.convgen.runtime.binding.StageWeights;
import dev.convgen.runtime.binding.WeightBinder;
import dev.convgen.runtime.kernels.GenericKernels;

/**
 * A fully connected layer, {@code y = W x + b} per image: PyTorch's {@code Linear}, Keras's
 * {@code Dense}. It takes {@code [N, in, 1, 1]} (after a global or 7x7 average pool) and gives
 * {@code [N, out, 1, 1]}; it runs as a 1x1 convolution on the tuned generic kernel. Immutable and
 * shareable.
 */
public final class Linear implements ConvLayer {

  private final ConvKernel kernel;

  /**
   * @param weight {@code [out, in]}, PyTorch's layout (Keras stores {@code [in, out]}: transpose
   *     it)
   * @param bias {@code [out]}, or null for none
   */
  public Linear(int in, int out, float[] weight, float[] bias) {
    this.kernel = GenericKernels.tuned(ConvGeometry.pointwise(in, out, 1, 1), weight, bias,
        Activation.NONE);
  }

  /** The kernel it runs, for {@link WarmUp}. */
  ConvKernel kernel() {
    return kernel;
  }

  /**
   * The layer from tensors {@code <prefix>.weight} ({@code [out, in]} or {@code [out, in, 1, 1]})
   * and {@code <prefix>.bias} ({@code [out]}), e.g. a classifier's {@code fc}.
   */
  public static Linear load(WeightBinder weights, String prefix, int in, int out) {
    StageWeights stage = weights.stage(prefix, ConvGeometry.pointwise(in, out, 1, 1), true,
        "Linear " + prefix);
    return new Linear(in, out, stage.weight(), stage.bias());
  }

  @Override
  public String kind() {
    return "linear";
  }

  @Override
  public String implementation() {
    return kernel.implementation();
  }

  @Override
  public int inChannels() {
    return kernel.inChannels();
  }

  @Override
  public int outChannels() {
    return kernel.outChannels();
  }

  @Override
  public int outputHeight(int inputHeight) {
    return 1;
  }

  @Override
  public int outputWidth(int inputWidth) {
    return 1;
  }

  @Override
  public long parameterCount() {
    return kernel.parameterCount();
  }

  @Override
  public long macs(int batch, int height, int width) {
    return (long) batch * kernel.inChannels() * kernel.outChannels();
  }

  @Override
  public void forward(float[] input, int batch, int height, int width, float[] output) {
    if (height != 1 || width != 1) {
      throw new IllegalArgumentException("height, width: a Linear layer takes [N, in, 1, 1]; got "
          + height + "x" + width + " (add a pooling layer before it)");
    }
    kernel.forward(input, batch, 1, 1, output);
  }
}
