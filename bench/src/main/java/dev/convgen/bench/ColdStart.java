package dev.convgen.bench;

import dev.convgen.runtime.ConvLayer;
import dev.convgen.runtime.binding.WeightBinder;
import dev.convgen.runtime.network.WarmUp;
import dev.convgen.runtime.weights.Weights;
import dev.convgen.samples.MobileNetV1;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;

/**
 * One network from a cold JVM, measured as the peers' {@code OrtColdStart} measures ONNX Runtime:
 * build time (reading the weights and building the model), first result after JVM start, the
 * first 10 passes, the steady pass (median of the last 30) and when steady state was reached (the
 * first of 5 passes in a row within 1.25x of steady). Prints one summary line and one line of
 * the first passes' timeline, which {@link ColdStartBench} parses.
 *
 * <p>Args: {@code NETWORK DIR SECONDS}: NETWORK {@code mobilenet-v1} (weights
 * {@code DIR/mobilenet_v1.npz}, input {@code DIR/input.npy}, compared with PyTorch's
 * {@code DIR/torch_output.npy}, as written by the peers' {@code make_mobilenet_v1.py}) or
 * {@code mbconv} ({@link MbConvNetwork}, random weights and input); SECONDS: how long to run.
 * With {@code -Dconvgen.bench.warmUp=true}, {@link WarmUp#run} first; with {@code =start},
 * {@link WarmUp#start} while the model is built, joined before the first pass; with {@code =model},
 * {@link WarmUp#run(ConvLayer, int, int)} on the built model. Its time counts in the build, and
 * in the first result.
 */
public final class ColdStart {

  /** Input height and width of both networks. */
  private static final int SIZE = 224;

  private ColdStart() {}

  static double uptimeMs() {
    return ManagementFactory.getRuntimeMXBean().getUptime();
  }

  public static void main(String[] args) throws Exception {
    String network = args[0];
    Path dir = Path.of(args[1]);
    double seconds = Double.parseDouble(args[2]);
    long t0 = System.nanoTime();
    String warmUp = System.getProperty("convgen.bench.warmUp", "false");
    if (warmUp.equals("true")) {
      WarmUp.run();
    }
    CompletableFuture<Boolean> warmingUp =
        warmUp.equals("start") ? WarmUp.start() : CompletableFuture.completedFuture(true);
    ConvLayer model;
    float[] input;
    float[] expected = null;
    int classes = 1000;
    if (network.equals("mobilenet-v1")) {
      model = MobileNetV1.model(new WeightBinder(Weights.load(dir.resolve("mobilenet_v1.npz"))),
          classes);
      input = Weights.load(dir.resolve("input.npy")).get("input").data();
      expected = Weights.load(dir.resolve("torch_output.npy")).get("torch_output").data();
    } else if (network.equals("mbconv")) {
      model = MbConvNetwork.build(7);
      input = new float[3 * SIZE * SIZE];
      java.util.Random random = new java.util.Random(3);
      for (int i = 0; i < input.length; i++) {
        input[i] = (float) random.nextGaussian();
      }
    } else {
      throw new IllegalArgumentException("network: expected mobilenet-v1 or mbconv, got "
          + network);
    }
    warmingUp.join();
    if (warmUp.equals("model")) {
      WarmUp.run(model, SIZE, SIZE);
    }
    double buildMs = (System.nanoTime() - t0) / 1e6;
    float[] y = new float[classes];
    List<double[]> passes = new ArrayList<>(); // {ms since JVM start at the end, pass ms}
    while (uptimeMs() < seconds * 1000 || passes.size() < 30) {
      long t = System.nanoTime();
      model.forward(input, 1, SIZE, SIZE, y);
      passes.add(new double[] {uptimeMs(), (System.nanoTime() - t) / 1e6});
    }
    int n = passes.size();
    double[] tail = passes.subList(n - 30, n).stream().mapToDouble(p -> p[1]).sorted().toArray();
    double steady = tail[15];
    double steadyAt = passes.get(n - 1)[0];
    for (int i = 0; i + 5 <= n; i++) {
      boolean ok = true;
      for (int j = i; j < i + 5; j++) {
        ok &= passes.get(j)[1] <= 1.25 * steady;
      }
      if (ok) {
        steadyAt = passes.get(i)[0];
        break;
      }
    }
    long[] first = passes.subList(0, 10).stream().mapToLong(p -> Math.round(p[1])).toArray();
    System.out.printf(Locale.ROOT, "convgen %s: build %.0f ms; first result %.0f ms after JVM"
            + " start; first 10 passes %s ms; steady %.2f ms (median of the last 30 of %d);"
            + " within 1.25x of steady from %.1f s%n", network, buildMs, passes.get(0)[0], Arrays.toString(first), steady, n, steadyAt / 1000);
    StringBuilder timeline = new StringBuilder("timeline:");
    for (double[] pass : passes.subList(0, Math.min(n, 200))) {
      timeline.append(String.format(Locale.ROOT, " %.1f:%.2f", pass[0], pass[1]));
    }
    System.out.println(timeline);
    if (expected != null) {
      double worst = 0;
      double scale = 0;
      for (float v : expected) {
        scale = Math.max(scale, Math.abs(v));
      }
      for (int i = 0; i < expected.length; i++) {
        worst = Math.max(worst, Math.abs(y[i] - expected[i]) / scale);
      }
      System.out.printf(Locale.ROOT, "convgen vs PyTorch: max rel err %.2e%n", worst);
      if (worst > 1e-3) {
        throw new AssertionError("convgen's MobileNet-v1 differs from PyTorch by " + worst);
      }
    }
  }
}
