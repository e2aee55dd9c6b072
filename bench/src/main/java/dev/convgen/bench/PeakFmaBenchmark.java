package dev.convgen.bench;

import java.util.concurrent.TimeUnit;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * This machine's Java FMA peak: 8 independent 256-bit accumulators (FMA latency 4 x 2 FMA units),
 * registers only. Score in operations per microsecond, one operation = one 8-lane FMA = 16 flop,
 * so GFLOP/s = score x 16 / 1000.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 3, time = 1)
public class PeakFmaBenchmark {

  private static final VectorSpecies<Float> F = FloatVector.SPECIES_256;
  private static final int STEPS = 1 << 14;

  public float a = 1.0001f;
  public float b = 0.9999f;

  @Benchmark
  @OperationsPerInvocation(8 * STEPS)
  public float fma8() {
    FloatVector x = FloatVector.broadcast(F, a);
    FloatVector y = FloatVector.broadcast(F, b);
    FloatVector s0 = x;
    FloatVector s1 = y;
    FloatVector s2 = x.add(y);
    FloatVector s3 = x.sub(y);
    FloatVector s4 = x.mul(y);
    FloatVector s5 = y.mul(y);
    FloatVector s6 = x.mul(x);
    FloatVector s7 = y.add(y);
    for (int i = 0; i < STEPS; i++) {
      s0 = s0.fma(x, y);
      s1 = s1.fma(x, y);
      s2 = s2.fma(x, y);
      s3 = s3.fma(x, y);
      s4 = s4.fma(x, y);
      s5 = s5.fma(x, y);
      s6 = s6.fma(x, y);
      s7 = s7.fma(x, y);
    }
    return s0.add(s1).add(s2).add(s3).add(s4).add(s5).add(s6).add(s7).reduceLanes(
        jdk.incubator.vector.VectorOperators.ADD);
  }
}
