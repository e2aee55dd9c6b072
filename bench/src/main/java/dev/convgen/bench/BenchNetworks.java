package dev.convgen.bench;

import dev.convgen.runtime.ConvLayer;
import dev.convgen.runtime.NamedLayer;
import dev.convgen.runtime.binding.WeightBinder;
import dev.convgen.runtime.network.Sequential;
import dev.convgen.samples.MobileNetV1;
import java.util.List;
import java.util.Random;

/** The whole networks the bench runs, by the names its tools and benchmarks take. */
final class BenchNetworks {

  private BenchNetworks() {}

  /**
   * {@code mobilenet-v1}: MobileNet-v1 as the samples build it, random weights, 1000 classes;
   * {@code mobilenet-v1-blocks}: its 13 separable blocks alone (the peers' "13 blocks" rows,
   * input 32 x 112 x 112); {@code mbconv}: {@link MbConvNetwork}.
   *
   * @throws IllegalArgumentException for any other name
   */
  static Sequential byName(String network) {
    return switch (network) {
      case "mobilenet-v1" -> mobileNetV1();
      case "mobilenet-v1-blocks" -> {
        List<NamedLayer> parts = mobileNetV1().parts(); // stem, block1 .. block13, pool, fc
        yield new Sequential(parts.subList(1, 14));
      }
      case "mbconv" -> MbConvNetwork.build(7);
      default -> throw new IllegalArgumentException(
          "network: expected mobilenet-v1, mobilenet-v1-blocks or mbconv, got " + network);
    };
  }

  /** The input height and width of {@link #byName}'s network: 224, or 112 for the blocks. */
  static int inputSize(String network) {
    return network.equals("mobilenet-v1-blocks") ? MobileNetV1.RESOLUTION / 2
        : MobileNetV1.RESOLUTION;
  }

  /**
   * One NCHW image for {@code model}, {@link #byName}{@code (network)}, at {@link #inputSize}:
   * seeded Gaussian values, the same in every tool that times whole networks.
   */
  static float[] randomInput(ConvLayer model, String network) {
    int size = inputSize(network);
    float[] input = new float[model.inChannels() * size * size];
    Random random = new Random(5);
    for (int i = 0; i < input.length; i++) {
      input[i] = (float) random.nextGaussian();
    }
    return input;
  }

  /** An array for {@code model}'s output on one image of {@link #inputSize}{@code (network)}. */
  static float[] outputArray(ConvLayer model, String network) {
    int size = inputSize(network);
    return new float[model.outChannels() * model.outputHeight(size) * model.outputWidth(size)];
  }

  private static Sequential mobileNetV1() {
    return MobileNetV1.model(new WeightBinder(MobileNetV1.randomWeights(1000, 1)), 1000);
  }
}
