package dev.convgen.bench;

import dev.convgen.runtime.ConvLayer;
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
 * One forward pass of each {@link BenchShape}, single thread, with the generated kernel
 * ({@code specialized}), the tuned generic kernel ({@code tuned}: run-time shapes, same
 * techniques) and the textbook generic kernel ({@code textbook}), all in one JMH run, in NCHW
 * ({@code -p layout=nhwc}: NHWC). GFLOP/s =
 * 2 x MACs / time ({@link QuickProfile} computes it).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class ConvBenchmark {

  @Param
  public BenchShape shape;

  @Param({"specialized", "tuned", "textbook"})
  public String kernel;

  /**
   * {@code nchw}: {@code forward}; {@code nhwc}: {@code forwardNhwc}, the layout networks keep
   * between layers that have an NHWC implementation (others transpose).
   */
  @Param({"nchw"})
  public String layout;

  private ConvLayer layer;
  private boolean nhwc;
  private float[] input;
  private float[] output;

  @Setup
  public void setUp() {
    layer = switch (kernel) {
      case "specialized" -> shape.specialized();
      case "tuned" -> shape.generic(true);
      case "textbook" -> shape.generic(false);
      default -> throw new IllegalArgumentException("kernel: unknown " + kernel);
    };
    nhwc = switch (layout) {
      case "nchw" -> false;
      case "nhwc" -> true;
      default -> throw new IllegalArgumentException("layout: unknown " + layout);
    };
    input = shape.input(layer);
    output = shape.output(layer);
  }

  @Benchmark
  public float[] forward() {
    if (nhwc) {
      layer.forwardNhwc(input, shape.batch, shape.size, shape.size, output);
    } else {
      layer.forward(input, shape.batch, shape.size, shape.size, output);
    }
    return output;
  }
}
