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
import dev.convgen.runtime.weights.Tensor;
import dev.convgen.runtime.weights.Weights;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
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

  /**
   * Tensors named as {@link #model} expects, with seeded random values (He-scaled weights, random
   * BatchNorm statistics): for benchmarks and demos, not for classifying anything.
   */
  public static Weights randomWeights(int classes, long seed) {
    Random random = new Random(seed);
    List<Tensor> tensors = new ArrayList<>();
    convBn(tensors, random, "stem", new int[] {32, 3, 3, 3});
    int[][] blocks = {{32, 64}, {64, 128}, {128, 128}, {128, 256}, {256, 256}, {256, 512},
        {512, 512}, {512, 512}, {512, 512}, {512, 512}, {512, 512}, {512, 1024}, {1024, 1024}};
    for (int i = 0; i < blocks.length; i++) {
      convBn(tensors, random, "block" + (i + 1) + ".dw", new int[] {blocks[i][0], 1, 3, 3});
      convBn(tensors, random, "block" + (i + 1) + ".pw",
          new int[] {blocks[i][1], blocks[i][0], 1, 1});
    }
    tensors.add(new Tensor("fc.weight", new int[] {classes, 1024},
        uniform(random, classes * 1024, (float) Math.sqrt(1.0 / 1024))));
    tensors.add(new Tensor("fc.bias", new int[] {classes}, uniform(random, classes, 0.01f)));
    return Weights.of(tensors);
  }

  private static void convBn(List<Tensor> tensors, Random random, String name, int[] shape) {
    int out = shape[0];
    int fanIn = shape[1] * shape[2] * shape[3];
    tensors.add(new Tensor(name + ".weight", shape,
        uniform(random, out * fanIn, (float) Math.sqrt(6.0 / fanIn))));
    float[] gamma = uniform(random, out, 0.25f);
    float[] variance = uniform(random, out, 0.25f);
    for (int i = 0; i < out; i++) {
      gamma[i] += 1;
      variance[i] += 1;
    }
    tensors.add(new Tensor(name + ".bn.weight", new int[] {out}, gamma));
    tensors.add(new Tensor(name + ".bn.bias", new int[] {out}, uniform(random, out, 0.1f)));
    tensors.add(new Tensor(name + ".bn.running_mean", new int[] {out},
        uniform(random, out, 0.1f)));
    tensors.add(new Tensor(name + ".bn.running_var", new int[] {out}, variance));
  }

  /** Uniform in [-scale, scale). */
  private static float[] uniform(Random random, int length, float scale) {
    float[] values = new float[length];
    for (int i = 0; i < length; i++) {
      values[i] = (random.nextFloat() * 2 - 1) * scale;
    }
    return values;
  }
}
