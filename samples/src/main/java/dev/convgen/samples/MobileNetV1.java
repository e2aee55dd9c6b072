package dev.convgen.samples;

import static dev.convgen.annotations.Activation.RELU6;

import dev.convgen.annotations.Activation;
import dev.convgen.annotations.ConvDefaults;
import dev.convgen.annotations.ConvSpec;
import dev.convgen.annotations.Kind;
import dev.convgen.runtime.ConvGeometry;
import dev.convgen.runtime.binding.WeightBinder;
import dev.convgen.runtime.kernels.GenericKernels;
import dev.convgen.runtime.network.GlobalAveragePool;
import dev.convgen.runtime.network.SeparableBlock;
import dev.convgen.runtime.network.Sequential;
import java.util.List;
import java.util.function.Function;

/**
 * MobileNet-v1 (Howard et al. 2017, width 1.0): a dense 3x3 stride-2 stem, 13 depthwise-separable
 * blocks declared below, then global average pooling and a linear classifier. Every stage is
 * followed by BatchNorm (folded into the weights at load time) and ReLU6; the specs therefore
 * declare a bias and ReLU6 on both stages. The stem and the body are generated (the stem as a
 * {@code DENSE} spec); the head is plain runtime code (pooling and a generic 1x1 kernel as the
 * linear layer, the tuned generic kernel).
 *
 * <p>Weights follow {@link WeightBinder}'s convention: {@code stem.weight}, {@code stem.bn.*},
 * {@code block<i>.dw.weight}, {@code block<i>.dw.bn.*}, {@code block<i>.pw.weight},
 * {@code block<i>.pw.bn.*}, {@code fc.weight [classes, 1024]} and {@code fc.bias}.
 */
// BatchNorm (folded: a bias) and ReLU6 after every stage.
@ConvDefaults(depthwiseBias = true, depthwiseActivation = RELU6, activation = RELU6)
@ConvSpec(name = "stem", in = 3, out = 32, kind = Kind.DENSE, kernel = 3, stride = 2)
@ConvSpec(name = "block1", in = 32, out = 64, kernel = 3)
@ConvSpec(name = "block2", in = 64, out = 128, kernel = 3, stride = 2)
@ConvSpec(name = "block3", in = 128, out = 128, kernel = 3)
@ConvSpec(name = "block4", in = 128, out = 256, kernel = 3, stride = 2)
@ConvSpec(name = "block5", in = 256, out = 256, kernel = 3)
@ConvSpec(name = "block6", in = 256, out = 512, kernel = 3, stride = 2)
// Blocks 7-11 share one shape and so one generated class, loaded five times under their names.
@ConvSpec(name = "block512", in = 512, out = 512, kernel = 3)
@ConvSpec(name = "block12", in = 512, out = 1024, kernel = 3, stride = 2)
@ConvSpec(name = "block13", in = 1024, out = 1024, kernel = 3)
public final class MobileNetV1 {

  /** Input size the network was designed for. */
  public static final int RESOLUTION = 224;

  /** The 13 blocks' loaders, in order; each reads the tensors of its name. */
  private static final List<Function<WeightBinder, SeparableBlock>> BLOCKS = List.of(
      MobileNetV1_block1::load, MobileNetV1_block2::load, MobileNetV1_block3::load,
      MobileNetV1_block4::load, MobileNetV1_block5::load, MobileNetV1_block6::load,
      w -> MobileNetV1_block512.load(w, "block7"), w -> MobileNetV1_block512.load(w, "block8"),
      w -> MobileNetV1_block512.load(w, "block9"), w -> MobileNetV1_block512.load(w, "block10"),
      w -> MobileNetV1_block512.load(w, "block11"), MobileNetV1_block12::load,
      MobileNetV1_block13::load);

  private MobileNetV1() {}

  /** The whole network with a {@code classes}-way classifier (1000 for ImageNet). */
  public static Sequential model(WeightBinder weights, int classes) {
    return build(weights, BLOCKS.size(), classes);
  }

  /** The stem and the first {@code blocks} separable blocks, without the head. */
  public static Sequential prefix(WeightBinder weights, int blocks) {
    return build(weights, blocks, 0);
  }

  private static Sequential build(WeightBinder weights, int blocks, int classes) {
    Sequential.Builder model = Sequential.builder().add("stem", MobileNetV1_stem.load(weights));
    for (int i = 0; i < blocks; i++) {
      model.add("block" + (i + 1), BLOCKS.get(i).apply(weights));
    }
    if (classes > 0) {
      ConvGeometry fc = ConvGeometry.pointwise(1024, classes, 1, 1);
      model.add("pool", new GlobalAveragePool(1024))
          .add("fc", GenericKernels.tuned(fc, weights.tensor("fc.weight", "classifier",
              classes, 1024), weights.tensor("fc.bias", "classifier", classes), Activation.NONE));
    }
    weights.requireAllUsed();
    return model.build();
  }
}
