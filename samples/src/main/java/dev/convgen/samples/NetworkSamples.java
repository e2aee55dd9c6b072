package dev.convgen.samples;

import dev.convgen.runtime.ConvKernel;
import dev.convgen.runtime.ConvLayer;
import dev.convgen.runtime.binding.WeightBinder;
import dev.convgen.runtime.network.LayerTable;
import dev.convgen.runtime.network.SeparableBlock;
import dev.convgen.runtime.network.Sequential;
import dev.convgen.runtime.network.WarmUp;
import dev.convgen.runtime.weights.Tensor;
import dev.convgen.runtime.weights.Weights;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Networks built from specs: standard vs separable convolution on the seeds' shapes, the
 * MobileNet-v1 layer table and one timed forward pass, and the PyTorch parity check.
 */
final class NetworkSamples {

  private final Random random = new Random(7);

  /**
   * MobileNet-v1 as the first work of this JVM: how long building it takes, when its first result
   * comes (from JVM start) and the first 10 passes, before HotSpot has compiled anything of it.
   */
  void coldStart() {
    long start = System.nanoTime();
    Sequential model = MobileNetV1.model(new WeightBinder(MobileNetV1.randomWeights(1000, 1)),
        1000);
    double buildMs = (System.nanoTime() - start) / 1e6;
    int size = MobileNetV1.RESOLUTION;
    // the SIMD bodies this model runs at this size, compiled by C2 before the first pass
    WarmUp.run(model, size, size);
    double warmUpMs = (System.nanoTime() - start) / 1e6 - buildMs;
    float[] x = random(3 * size * size, 1f);
    float[] y = new float[1000];
    long[] passes = new long[10];
    double firstResult = 0;
    for (int i = 0; i < passes.length; i++) {
      long t = System.nanoTime();
      model.forward(x, 1, size, size, y);
      passes[i] = Math.round((System.nanoTime() - t) / 1e6);
      if (i == 0) {
        firstResult = ManagementFactory.getRuntimeMXBean().getUptime();
      }
    }
    System.out.printf(Locale.ROOT, "%ncold start: MobileNet-v1 (random weights) built in %.0f"
        + " ms, WarmUp.run(model, %d, %d) %.0f ms; first result %.0f ms after JVM start; passes"
        + " 1-10 %s ms (medians over fresh JVMs, beside ONNX Runtime: bench's ColdStartBench)%n",
        buildMs, size, size, warmUpMs, firstResult, Arrays.toString(passes));
  }

  /** Standard 3x3 convolution vs the separable block, same channels: parameters, MACs, time. */
  void standardVsSeparable(double seconds) {
    System.out.printf(Locale.ROOT, "%nstandard 3x3 convolution vs depthwise-separable block,"
        + " 32 -> 64 channels, both generated%n");
    float[] dense = random(64 * 32 * 9, 0.1f);
    float[] dw = random(32 * 9, 0.3f);
    float[] pw = random(64 * 32, 0.2f);
    float[] bias = random(64, 0.1f);
    compare("8x32x56x56", new SeedLayers_Standard56(dense, bias),
        new SeedLayers_Separable56(dw, pw, bias), 8, 56, 56, seconds);
    compare("1x32x32x32, no biases", new SeedLayers_Standard32(dense),
        new SeedLayers_Separable32(dw, pw), 1, 32, 32, seconds);
  }

  private void compare(String shape, ConvKernel standard, SeparableBlock separable, int batch,
      int height, int width, double seconds) {
    float[] x = random(batch * 32 * height * width, 1f);
    float[] y = new float[batch * 64 * height * width];
    double tStandard = SeedSamples.bestSeconds(standard, x, batch, height, width, y, seconds);
    double tSeparable = SeedSamples.bestSeconds(separable, x, batch, height, width, y, seconds);
    System.out.printf(Locale.ROOT, "  %-22s %10s %12s %10s %9s%n", shape, "params", "MACs", "ms",
        "GFLOP/s");
    row("standard 3x3", standard, tStandard, batch, height, width);
    row("separable", separable, tSeparable, batch, height, width);
    System.out.printf(Locale.ROOT, "  separable: x%.1f fewer parameters, x%.1f fewer MACs,"
            + " x%.1f faster%n", (double) standard.parameterCount() / separable.parameterCount(),
        (double) standard.macs(batch, height, width) / separable.macs(batch, height, width),
        tStandard / tSeparable);
  }

  private static void row(String name, ConvLayer layer, double seconds, int batch, int height,
      int width) {
    long macs = layer.macs(batch, height, width);
    System.out.printf(Locale.ROOT, "  %-22s %,10d %,12d %10.3f %9.2f%n", name,
        layer.parameterCount(), macs, seconds * 1e3, 2.0 * macs / seconds / 1e9);
  }

  /** The MobileNet-v1 summary at 224x224 and one forward pass, with random weights. */
  void mobileNetV1(double seconds) {
    Sequential model = MobileNetV1.model(new WeightBinder(MobileNetV1.randomWeights(1000, 1)), 1000);
    int size = MobileNetV1.RESOLUTION;
    System.out.printf(Locale.ROOT, "%nMobileNet-v1 (generated stem and separable blocks, generic"
        + " head), random weights with BatchNorm folded:%n%s",
        LayerTable.format(model, 1, size, size));
    System.out.println("runs: " + model.implementation());
    float[] x = random(3 * size * size, 1f);
    float[] y = new float[1000];
    // In NHWC the network's hot methods are small tiles called thousands of times a pass: C2
    // compiles them within about 2-3 s of the first pass (bench/results, cold start).
    double warmUp = Math.max(seconds, 3);
    double time = SeedSamples.bestSeconds(model, x, 1, size, size, y, warmUp);
    System.out.printf(Locale.ROOT, "  one 224x224 image: %.2f ms, %.1f GFLOP/s (after %.0f s of"
        + " warm-up; the JMH bench measures this properly)%n", time * 1e3,
        2.0 * model.macs(1, size, size) / time / 1e9, warmUp);
  }

  /** Runs PyTorch's reference inputs and compares with its outputs. */
  void parity(Path directory) throws IOException {
    System.out.printf(Locale.ROOT, "%nparity with PyTorch (samples/%s, written by"
        + " samples/tools/make_parity.py):%n", directory.getFileName());
    ConvLayer mobileNet = MobileNetV1.prefix(new WeightBinder(
        Weights.load(directory.resolve("mobilenet_v1_prefix.safetensors"))), 5);
    report("MobileNet-v1 stem + blocks 1-5, 1x3x64x64, safetensors (float16 weights)",
        mobileNet, directory, "mobilenet_v1");
    ConvLayer mbConv = MbConv.load(new WeightBinder(Weights.load(directory.resolve("mbconv.npz"))));
    report("MBConv 16 -> 96 -> 16 with residual, 1x16x20x20, npz", mbConv, directory, "mbconv");
  }

  private static void report(String title, ConvLayer model, Path directory, String name)
      throws IOException {
    Tensor input = Weights.load(directory.resolve(name + "_input.npy")).get(name + "_input");
    float[] expected =
        Weights.load(directory.resolve(name + "_output.npy")).get(name + "_output").data();
    int[] shape = input.shape();
    float[] y = new float[expected.length];
    model.forward(input.data(), shape[0], shape[2], shape[3], y);
    double worst = 0;
    for (int i = 0; i < y.length; i++) {
      worst = Math.max(worst, Math.abs(y[i] - expected[i]) / Math.max(1.0, Math.abs(expected[i])));
    }
    System.out.printf(Locale.ROOT, "  %-72s max rel. diff %.1e %s%n", title, worst,
        worst <= 1e-4 ? "(within 1e-4: OK)" : "(ABOVE 1e-4: FAILED)");
    if (worst > 1e-4) {
      throw new AssertionError(title + " differs from PyTorch by " + worst);
    }
  }

  /** Uniform in [-scale, scale). */
  private float[] random(int length, float scale) {
    float[] values = new float[length];
    for (int i = 0; i < length; i++) {
      values[i] = (random.nextFloat() * 2 - 1) * scale;
    }
    return values;
  }
}
