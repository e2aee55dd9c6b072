package dev.convgen.bench;

import dev.convgen.runtime.ConvLayer;
import dev.convgen.runtime.network.ParallelLayer;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * A whole network, one 224x224 image (batch 1), NCHW in and out, steady state: MobileNet-v1 as
 * the samples build it (generated stem and blocks, pooling, tuned classifier; random weights) and
 * {@link MbConvNetwork}; on 1 thread, and on 2 ({@link ParallelLayer} over an executor the
 * benchmark owns: each stage split by output rows). The whole-network figure beside the peers'
 * {@code OrtColdStart} steady pass. {@code -p network=mobilenet-v1-blocks} times MobileNet-v1's 13
 * blocks alone instead ({@link BenchNetworks#byName}, at their own input size).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
public class NetworkBenchmark {

  @Param({"mobilenet-v1", "mbconv"})
  public String network;

  @Param({"1", "2"})
  public int threads;

  private ThreadedLayer threaded;
  private ConvLayer layer;
  private int size;
  private float[] input;
  private float[] output;

  @Setup
  public void setUp() {
    ConvLayer model = BenchNetworks.byName(network);
    threaded = new ThreadedLayer(model, threads);
    layer = threaded.layer;
    size = BenchNetworks.inputSize(network);
    input = BenchNetworks.randomInput(model, network);
    output = BenchNetworks.outputArray(model, network);
  }

  @TearDown
  public void tearDown() {
    threaded.close();
  }

  @Benchmark
  public float[] forward() {
    layer.forward(input, 1, size, size, output);
    return output;
  }
}
