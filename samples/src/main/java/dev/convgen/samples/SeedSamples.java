package dev.convgen.samples;

import dev.convgen.annotations.Activation;
import dev.convgen.runtime.ConvGeometry;
import dev.convgen.runtime.ConvKernel;
import dev.convgen.runtime.ConvLayer;
import dev.convgen.runtime.Vectorization;
import dev.convgen.runtime.kernels.GenericKernels;
import dev.convgen.runtime.network.SeparableBlock;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Random;

/**
 * Runs the seeds' layers: prints shapes and parameter counts, checks the specialized kernels
 * against the generic ones, and gives a quick specialized-vs-generic timing; then standard vs
 * separable convolution, the MobileNet-v1 layer table and the PyTorch parity check
 * ({@link NetworkSamples}). The timing is a
 * smoke check (best of a few repetitions after warm-up); the JMH bench in {@code bench/} is the
 * measurement.
 */
public final class SeedSamples {

  private static final Random RANDOM = new Random(42);

  public static void main(String[] args) throws IOException {
    double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 3.0; // warm-up per kernel
    System.out.println("convgen samples on " + System.getProperty("java.vm.name") + " "
        + Runtime.version() + ", " + Runtime.getRuntime().availableProcessors() + " cores");
    NetworkSamples networks = new NetworkSamples();
    networks.coldStart(); // first, while this JVM is still cold
    // after the cold start: describe() reads a JVM setting through the management API (~50 ms)
    System.out.println("kernels: " + Vectorization.describe());

    float[] pwWeight = random(64 * 32);
    float[] pwBias = random(64);
    ConvKernel pointwise = new SeedLayers_Pointwise(pwWeight, pwBias);
    compare("pointwise 8x32x56x56 -> 64, bias, stride 1", pointwise,
        GenericKernels.create(pointwise.geometry(), pwWeight, pwBias, Activation.NONE),
        8, 56, 56, seconds);
    ConvKernel strided = new SeedLayers_PointwiseStride2(pwWeight, pwBias);
    compare("pointwise 8x32x56x56 -> 64, bias, stride 2", strided,
        GenericKernels.create(strided.geometry(), pwWeight, pwBias, Activation.NONE),
        8, 56, 56, seconds);

    float[] dwWeight = random(32 * 9);
    ConvKernel depthwise = new SeedLayers_Depthwise56(dwWeight);
    compare("depthwise 3x3 pad 1 on 8x32x56x56", depthwise,
        GenericKernels.create(depthwise.geometry(), dwWeight, null, Activation.NONE),
        8, 56, 56, seconds);

    SeparableBlock mission = new SeedLayers_Separable32to64k3s1(dwWeight, pwWeight, pwBias);
    compare("separable 32 -> 64 k3 s1 p1 on 8x32x56x56 (H, W at run time)", mission,
        generic(mission, dwWeight, pwWeight, pwBias), 8, 56, 56, seconds);
    SeparableBlock fixed = new SeedLayers_Separable56(dwWeight, pwWeight, pwBias);
    compare("separable 32 -> 64 k3 s1 p1 on 8x32x56x56 (56x56 fixed)", fixed,
        generic(fixed, dwWeight, pwWeight, pwBias), 8, 56, 56, seconds);

    SeparableBlock small = new SeedLayers_Separable32(dwWeight, pwWeight);
    compare("separable 32 -> 64 k3 on 1x32x32x32, no biases", small,
        generic(small, dwWeight, pwWeight, null), 1, 32, 32, seconds);
    ConvGeometry standard = new ConvGeometry(32, 64, 1, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1);
    System.out.printf(Locale.ROOT, "%nparameters for 32 -> 64 with a 3x3 kernel, no biases:%n"
            + "  standard 3x3 convolution     %6d   (%d MMACs on 1x32x32x32)%n"
            + "  depthwise-separable block    %6d   (%d MMACs; depthwise %d + pointwise %d)%n",
        standard.parameterCount(false), standard.macs(1, 32, 32) / 1_000_000,
        small.parameterCount(), small.macs(1, 32, 32) / 1_000_000,
        small.depthwise().parameterCount(), small.pointwise().parameterCount());

    networks.standardVsSeparable(seconds);
    networks.mobileNetV1(seconds);
    networks.parity(Path.of(System.getProperty("convgen.parity", "parity")));
  }

  private static SeparableBlock generic(
      SeparableBlock block, float[] dwWeight, float[] pwWeight, float[] pwBias) {
    return new SeparableBlock(
        GenericKernels.create(block.depthwise().geometry(), dwWeight, null, Activation.NONE),
        GenericKernels.create(block.pointwise().geometry(), pwWeight, pwBias, Activation.NONE));
  }

  private static void compare(String title, ConvLayer specialized, ConvLayer generic,
      int batch, int height, int width, double seconds) {
    int outH = specialized.outputHeight(height);
    int outW = specialized.outputWidth(width);
    float[] x = random(batch * specialized.inChannels() * height * width);
    float[] y = new float[batch * specialized.outChannels() * outH * outW];
    float[] reference = new float[y.length];
    specialized.forward(x, batch, height, width, y);
    generic.forward(x, batch, height, width, reference);
    double maxError = 0;
    for (int i = 0; i < y.length; i++) {
      maxError = Math.max(maxError,
          Math.abs(y[i] - reference[i]) / Math.max(1.0, Math.abs(reference[i])));
    }
    if (maxError > 1e-5) {
      throw new AssertionError(title + ": specialized differs from generic by " + maxError);
    }
    double flops = 2.0 * specialized.macs(batch, height, width);
    double fast = bestSeconds(specialized, x, batch, height, width, y, seconds);
    double slow = bestSeconds(generic, x, batch, height, width, reference, seconds);
    System.out.printf(Locale.ROOT, "%n%s%n  %dx%dx%dx%d -> %dx%dx%dx%d, %d parameters, %.1f MMACs,"
            + " max rel. diff vs generic %.1e%n"
            + "  specialized %8.3f ms %6.2f GFLOP/s | generic %8.3f ms %6.2f GFLOP/s | x%.2f%n",
        title, batch, specialized.inChannels(), height, width, batch, specialized.outChannels(),
        outH, outW, specialized.parameterCount(), flops / 2e6, maxError,
        fast * 1e3, flops / fast / 1e9, slow * 1e3, flops / slow / 1e9, slow / fast);
  }

  /** Warm up for {@code seconds}, then the best of 5 timed calls. */
  static double bestSeconds(ConvLayer layer, float[] x, int batch, int height, int width,
      float[] y, double seconds) {
    long end = System.nanoTime() + (long) (seconds * 1e9);
    while (System.nanoTime() < end) {
      layer.forward(x, batch, height, width, y);
    }
    double best = Double.MAX_VALUE;
    for (int i = 0; i < 5; i++) {
      long start = System.nanoTime();
      layer.forward(x, batch, height, width, y);
      best = Math.min(best, (System.nanoTime() - start) / 1e9);
    }
    return best;
  }

  private static float[] random(int length) {
    float[] values = new float[length];
    for (int i = 0; i < length; i++) {
      values[i] = RANDOM.nextFloat() * 2 - 1;
    }
    return values;
  }
}
