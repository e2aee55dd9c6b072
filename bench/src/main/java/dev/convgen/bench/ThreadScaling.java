package dev.convgen.bench;

import dev.convgen.runtime.ConvLayer;
import java.util.Arrays;

/**
 * How much a second thread speeds up a whole network at batch 1, measured in one phase of the
 * machine: one JVM alternates 10 passes on 1 thread with 10 passes on N threads ({@link
 * ThreadedLayer}, as {@link NetworkBenchmark} runs them), round after round, and prints both
 * medians, their ratio, and the spread of the ratio over rounds. On a shared machine whose speed
 * moves by 10-25% from one minute to the next, this ratio is steadier than two JMH runs made one
 * after the other.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -cp bench/target/benchmarks.jar \
 *     dev.convgen.bench.ThreadScaling [mobilenet-v1|mobilenet-v1-blocks|mbconv] [rounds] [threads]
 * </pre>
 *
 * Random weights and input, 224x224 (112x112 for MobileNet-v1's 13 blocks alone), NCHW in and
 * out; all the rounds run twice, and only the second time through counts.
 */
public final class ThreadScaling {

  private static final int PASSES_PER_ROUND = 10;

  private ThreadScaling() {}

  public static void main(String[] args) {
    String network = args.length > 0 ? args[0] : "mobilenet-v1";
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 40;
    int threads = args.length > 2 ? Integer.parseInt(args[2]) : 2;
    ConvLayer model = BenchNetworks.byName(network);
    int size = BenchNetworks.inputSize(network);
    float[] input = BenchNetworks.randomInput(model, network);
    float[] output = BenchNetworks.outputArray(model, network);
    long[] one = new long[rounds * PASSES_PER_ROUND];
    long[] many = new long[rounds * PASSES_PER_ROUND];
    double[] ratios = new double[rounds];
    try (ThreadedLayer threaded = new ThreadedLayer(model, threads)) {
      for (int warm = 0; warm < 2; warm++) { // the first time through compiles and settles
        for (int r = 0; r < rounds; r++) {
          int from = r * PASSES_PER_ROUND;
          time(model, size, input, output, one, from);
          time(threaded.layer, size, input, output, many, from);
          ratios[r] = median(one, from) / median(many, from);
        }
      }
    }
    Arrays.sort(ratios);
    double oneMedian = Medians.of(one, 0, one.length);
    double manyMedian = Medians.of(many, 0, many.length);
    System.out.printf("%s, %dx%d, batch 1, %d rounds of %d passes each way: 1 thread %.0f us,"
        + " %d threads %.0f us (medians): %.2fx; ratio of the rounds' medians p10 %.2f, median"
        + " %.2f, p90 %.2f%n", network, size, size, rounds, PASSES_PER_ROUND, oneMedian / 1e3,
        threads, manyMedian / 1e3, oneMedian / manyMedian, ratios[rounds / 10], ratios[rounds / 2],
        ratios[rounds * 9 / 10]);
  }

  private static void time(ConvLayer layer, int size, float[] input, float[] output,
      long[] nanos, int from) {
    for (int p = from; p < from + PASSES_PER_ROUND; p++) {
      long start = System.nanoTime();
      layer.forward(input, 1, size, size, output);
      nanos[p] = System.nanoTime() - start;
    }
  }

  private static double median(long[] nanos, int from) {
    return Medians.of(nanos, from, from + PASSES_PER_ROUND);
  }
}
