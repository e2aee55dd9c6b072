package dev.convgen.runtime.network;

import dev.convgen.runtime.ConvGeometry;
import dev.convgen.runtime.ConvKernel;
import dev.convgen.runtime.ConvLayer;
import dev.convgen.runtime.NamedLayer;
import dev.convgen.runtime.binding.WeightBinder;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * MobileNet-v2 / EfficientNet's inverted residual (MBConv) block: a pointwise expansion (omitted
 * when the expansion factor is 1), a depthwise KxK stage and a pointwise projection, with the
 * input added to the output when the block keeps the shape (stride 1, {@code in == out}). The
 * activations (ReLU6 after expansion and depthwise, none after the projection) are those fused
 * into the kernels. Intermediates live in per-thread buffers; shareable between threads.
 */
public class InvertedResidualBlock implements ConvLayer {

  private final Sequential stages;
  private final boolean residual;

  /**
   * @param expand pointwise {@code in -> in * t}, or null for expansion factor 1
   * @param depthwise depthwise KxK on the expanded channels
   * @param project pointwise back to {@code out} channels
   * @throws IllegalArgumentException when a stage has the wrong kind or the channels do not chain
   */
  public InvertedResidualBlock(ConvKernel expand, ConvKernel depthwise, ConvKernel project) {
    if (expand != null && !expand.geometry().isPointwise()) {
      throw new IllegalArgumentException("expand: expected a 1x1 kernel with groups 1, got "
          + expand.geometry().describe());
    }
    if (!depthwise.geometry().isDepthwise()) {
      throw new IllegalArgumentException("depthwise: expected groups = inChannels, got "
          + depthwise.geometry().describe());
    }
    if (!project.geometry().isPointwise()) {
      throw new IllegalArgumentException("project: expected a 1x1 kernel with groups 1, got "
          + project.geometry().describe());
    }
    List<NamedLayer> layers = new ArrayList<>();
    if (expand != null) {
      layers.add(new NamedLayer("expand", expand));
    }
    layers.add(new NamedLayer("dw", depthwise));
    layers.add(new NamedLayer("project", project));
    this.stages = new Sequential(layers);
    ConvGeometry dw = depthwise.geometry();
    this.residual = stages.inChannels() == stages.outChannels()
        && dw.strideH() == 1 && dw.strideW() == 1
        && dw.padTop() + dw.padBottom() == dw.extentH() - 1
        && dw.padLeft() + dw.padRight() == dw.extentW() - 1
        && (expand == null || expand.geometry().strideH() * expand.geometry().strideW() == 1)
        && project.geometry().strideH() * project.geometry().strideW() == 1;
  }

  /** A stage's {@code load(WeightBinder, String prefix)}, e.g. a generated kernel's. */
  @FunctionalInterface
  public interface StageLoader {
    ConvKernel load(WeightBinder weights, String prefix);
  }

  /**
   * A block whose stages are bound by name: {@code <prefix>.expand.*}, {@code <prefix>.dw.*} and
   * {@code <prefix>.project.*}, each with the stage naming of {@link WeightBinder} (e.g.
   * {@code block3.expand.weight}, {@code block3.dw.bn.running_var}, {@code block3.project.bias}).
   *
   * @param expand the expansion stage's loader, e.g. {@code Net_b3expand::load}; null for an
   *     expansion factor of 1 (no {@code expand} tensors)
   */
  public static InvertedResidualBlock load(WeightBinder weights, String prefix,
      StageLoader expand, StageLoader depthwise, StageLoader project) {
    Objects.requireNonNull(prefix, "prefix");
    return new InvertedResidualBlock(
        expand == null ? null : expand.load(weights, prefix + ".expand"),
        depthwise.load(weights, prefix + ".dw"), project.load(weights, prefix + ".project"));
  }

  /** Whether the input is added to the output (the block keeps channels and size). */
  public final boolean hasResidual() {
    return residual;
  }

  @Override
  public List<NamedLayer> parts() {
    return stages.parts();
  }

  @Override
  public String kind() {
    return residual ? "inverted residual (+x)" : "inverted residual";
  }

  @Override
  public final int inChannels() {
    return stages.inChannels();
  }

  @Override
  public final int outChannels() {
    return stages.outChannels();
  }

  @Override
  public final int outputHeight(int inputHeight) {
    return stages.outputHeight(inputHeight);
  }

  @Override
  public final int outputWidth(int inputWidth) {
    return stages.outputWidth(inputWidth);
  }

  @Override
  public final long parameterCount() {
    return stages.parameterCount();
  }

  @Override
  public final long macs(int batch, int height, int width) {
    return stages.macs(batch, height, width);
  }

  /** The stages, for {@link ParallelLayer}. */
  final Sequential stages() {
    return stages;
  }

  /** Adds the input to the output when the block has a residual connection. */
  final void addResidual(float[] input, float[] output) {
    if (residual) {
      add(input, output);
    }
  }

  /** {@code output[i] += input[i]} over the whole output (also {@link WarmUp}'s). */
  static void add(float[] input, float[] output) {
    for (int i = 0; i < output.length; i++) {
      output[i] += input[i];
    }
  }

  /** Whether its stages compute in NHWC themselves. */
  @Override
  public final boolean nhwcNative() {
    return stages.nhwcNative();
  }

  /** The stages in NHWC; the residual is added element by element, as in NCHW. */
  @Override
  public final void forwardNhwc(float[] input, int batch, int height, int width,
      float[] output) {
    stages.forwardNhwc(input, batch, height, width, output);
    addResidual(input, output);
  }

  @Override
  public final void forward(float[] input, int batch, int height, int width, float[] output) {
    stages.forward(input, batch, height, width, output);
    addResidual(input, output);
  }
}
