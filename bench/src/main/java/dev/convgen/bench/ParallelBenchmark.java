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
 * The generated kernels on 1 thread and on all cores ({@link ParallelLayer} over an executor the
 * benchmark owns, as a user would), on the large shapes.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class ParallelBenchmark {

  @Param({"PW_8x32x56x56_64", "DS_8x32x56x56_64", "MB1", "MB2", "MB3"})
  public BenchShape shape;

  @Param({"1", "2"})
  public int threads;

  private ThreadedLayer threaded;
  private ConvLayer layer;
  private float[] input;
  private float[] output;

  @Setup
  public void setUp() {
    threaded = new ThreadedLayer(shape.specialized(), threads);
    layer = threaded.layer;
    input = shape.input(layer);
    output = shape.output(layer);
  }

  @TearDown
  public void tearDown() {
    threaded.close();
  }

  @Benchmark
  public float[] forward() {
    layer.forward(input, shape.batch, shape.size, shape.size, output);
    return output;
  }
}
