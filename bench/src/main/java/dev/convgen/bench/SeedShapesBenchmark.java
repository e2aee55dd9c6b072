package dev.convgen.bench;

import dev.convgen.annotations.Activation;
import dev.convgen.runtime.ConvKernel;
import dev.convgen.runtime.ConvLayer;
import dev.convgen.runtime.GenericKernels;
import dev.convgen.runtime.SeparableBlock;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Specialized (generated) vs generic kernels on the seeds' shapes, single thread, in one JMH run.
 * GFLOP/s = 2 x MACs / time; MACs per shape are printed by the samples and in README.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 2, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 3, time = 1)
public class SeedShapesBenchmark {

  @Param({"pw_8x32x56x56_64", "pw_s2_8x32x56x56_64", "dw3x3_8x32x56x56",
      "ds_8x32x56x56_64", "ds_anysize_8x32x56x56_64", "ds_1x32x32x32_64"})
  public String shape;

  @Param({"specialized", "generic"})
  public String kernel;

  private ConvLayer layer;
  private float[] input;
  private float[] output;
  private int batch;
  private int size;

  @Setup
  public void setUp() {
    Random random = new Random(1);
    float[] pw = random(random, 64 * 32);
    float[] bias = random(random, 64);
    float[] dw = random(random, 32 * 9);
    boolean specialized = kernel.equals("specialized");
    batch = shape.startsWith("ds_1x") ? 1 : 8;
    size = shape.startsWith("ds_1x") ? 32 : 56;
    ConvLayer generated;
    switch (shape) {
      case "pw_8x32x56x56_64" -> generated = new BenchLayers_Pointwise56(pw, bias);
      case "pw_s2_8x32x56x56_64" -> generated = new BenchLayers_Pointwise56s2(pw, bias);
      case "dw3x3_8x32x56x56" -> generated = new BenchLayers_Depthwise56(dw);
      case "ds_8x32x56x56_64" -> generated = new BenchLayers_Separable56(dw, pw, bias);
      case "ds_anysize_8x32x56x56_64" -> generated = new BenchLayers_SeparableAnySize(dw, pw, bias);
      case "ds_1x32x32x32_64" -> generated = new BenchLayers_Separable32(dw, pw, bias);
      default -> throw new IllegalArgumentException("shape: unknown " + shape);
    }
    layer = specialized ? generated : generic(generated, dw, pw, bias);
    input = random(random, batch * 32 * size * size);
    output = new float[batch * layer.outChannels() * layer.outputHeight(size)
        * layer.outputWidth(size)];
  }

  /** The same math with shapes known only at run time. */
  private static ConvLayer generic(ConvLayer generated, float[] dw, float[] pw, float[] bias) {
    if (generated instanceof SeparableBlock block) {
      return new SeparableBlock(
          GenericKernels.create(block.depthwise().geometry(), dw, null, Activation.NONE),
          GenericKernels.create(block.pointwise().geometry(), pw, bias, Activation.NONE));
    }
    ConvKernel k = (ConvKernel) generated;
    return GenericKernels.create(k.geometry(), k.geometry().isPointwise() ? pw : dw,
        k.hasBias() ? bias : null, Activation.NONE);
  }

  @Benchmark
  public float[] forward() {
    layer.forward(input, batch, size, size, output);
    return output;
  }

  private static float[] random(Random random, int length) {
    float[] values = new float[length];
    for (int i = 0; i < length; i++) {
      values[i] = random.nextFloat() * 2 - 1;
    }
    return values;
  }
}
