package dev.convgen.bench;

import dev.convgen.runtime.binding.WeightBinder;
import dev.convgen.runtime.network.Sequential;
import dev.convgen.samples.MobileNetV1;

/** The whole networks the bench runs, by the names its tools and benchmarks take. */
final class BenchNetworks {

  private BenchNetworks() {}

  /**
   * {@code mobilenet-v1}: MobileNet-v1 as the samples build it, random weights, 1000 classes;
   * {@code mbconv}: {@link MbConvNetwork}.
   *
   * @throws IllegalArgumentException for any other name
   */
  static Sequential byName(String network) {
    return switch (network) {
      case "mobilenet-v1" ->
          MobileNetV1.model(new WeightBinder(MobileNetV1.randomWeights(1000, 1)), 1000);
      case "mbconv" -> MbConvNetwork.build(7);
      default -> throw new IllegalArgumentException(
          "network: expected mobilenet-v1 or mbconv, got " + network);
    };
  }
}
