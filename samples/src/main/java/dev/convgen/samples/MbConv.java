package dev.convgen.samples;

import static dev.convgen.annotations.Activation.RELU6;

import dev.convgen.annotations.ConvSpec;
import dev.convgen.annotations.Kind;
import dev.convgen.runtime.binding.WeightBinder;
import dev.convgen.runtime.network.InvertedResidualBlock;

/**
 * An MBConv / inverted-residual block (MobileNet-v2, EfficientNet): pointwise expansion 16 -> 96
 * with ReLU6, depthwise 3x3 with ReLU6, linear pointwise projection 96 -> 16, and the input added
 * back since the shape is kept. BatchNorm after each stage is folded at load time.
 */
@ConvSpec(name = "expand", in = 16, out = 96, activation = RELU6)
@ConvSpec(name = "dw", in = 96, kind = Kind.DEPTHWISE, kernel = 3, activation = RELU6)
@ConvSpec(name = "project", in = 96, out = 16)
public final class MbConv {

  private MbConv() {}

  /** The block from tensors {@code expand.*}, {@code dw.*} and {@code project.*}. */
  public static InvertedResidualBlock load(WeightBinder weights) {
    InvertedResidualBlock block = new InvertedResidualBlock(MbConv_expand.load(weights),
        MbConv_dw.load(weights), MbConv_project.load(weights));
    weights.requireAllUsed();
    return block;
  }
}
