package dev.convgen.bench;

import java.util.concurrent.TimeUnit;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
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
 * This machine's Java FMA peak at each vector width: 12 independent accumulators (more than FMA
 * latency x FMA units on the machines measured), registers only. Score in operations per
 * microsecond, one operation = one FMA on a whole vector = 2 x lanes flop, so GFLOP/s = score x
 * 16 / 1000 at 256 bits and score x 32 / 1000 at 512. A width the CPU lacks is not intrinsified
 * and scores far lower.
 *
 * <p>One method per width, each naming its species constant: the same chains in a helper taking
 * the species as an argument were measured to box every vector (0.1 GFLOP/s) when C2 did not
 * inline the helper.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 3, time = 1)
public class PeakFmaBenchmark {

  private static final VectorSpecies<Float> F256 = FloatVector.SPECIES_256;
  private static final VectorSpecies<Float> F512 = FloatVector.SPECIES_512;
  private static final int STEPS = 1 << 14;

  public float a = 1.0001f;
  public float b = 0.9999f;

  @Benchmark
  @OperationsPerInvocation(12 * STEPS)
  public float fma256() {
    FloatVector x = FloatVector.broadcast(F256, a);
    FloatVector y = FloatVector.broadcast(F256, b);
    FloatVector s0 = x;
    FloatVector s1 = y;
    FloatVector s2 = x.add(y);
    FloatVector s3 = x.sub(y);
    FloatVector s4 = x.mul(y);
    FloatVector s5 = y.mul(y);
    FloatVector s6 = x.mul(x);
    FloatVector s7 = y.add(y);
    FloatVector s8 = x.add(x);
    FloatVector s9 = y.sub(x);
    FloatVector s10 = x.neg();
    FloatVector s11 = y.neg();
    for (int i = 0; i < STEPS; i++) {
      s0 = s0.fma(x, y);
      s1 = s1.fma(x, y);
      s2 = s2.fma(x, y);
      s3 = s3.fma(x, y);
      s4 = s4.fma(x, y);
      s5 = s5.fma(x, y);
      s6 = s6.fma(x, y);
      s7 = s7.fma(x, y);
      s8 = s8.fma(x, y);
      s9 = s9.fma(x, y);
      s10 = s10.fma(x, y);
      s11 = s11.fma(x, y);
    }
    return s0.add(s1).add(s2).add(s3).add(s4).add(s5).add(s6).add(s7).add(s8).add(s9)
        .add(s10).add(s11).reduceLanes(VectorOperators.ADD);
  }

  @Benchmark
  @OperationsPerInvocation(12 * STEPS)
  public float fma512() {
    FloatVector x = FloatVector.broadcast(F512, a);
    FloatVector y = FloatVector.broadcast(F512, b);
    FloatVector s0 = x;
    FloatVector s1 = y;
    FloatVector s2 = x.add(y);
    FloatVector s3 = x.sub(y);
    FloatVector s4 = x.mul(y);
    FloatVector s5 = y.mul(y);
    FloatVector s6 = x.mul(x);
    FloatVector s7 = y.add(y);
    FloatVector s8 = x.add(x);
    FloatVector s9 = y.sub(x);
    FloatVector s10 = x.neg();
    FloatVector s11 = y.neg();
    for (int i = 0; i < STEPS; i++) {
      s0 = s0.fma(x, y);
      s1 = s1.fma(x, y);
      s2 = s2.fma(x, y);
      s3 = s3.fma(x, y);
      s4 = s4.fma(x, y);
      s5 = s5.fma(x, y);
      s6 = s6.fma(x, y);
      s7 = s7.fma(x, y);
      s8 = s8.fma(x, y);
      s9 = s9.fma(x, y);
      s10 = s10.fma(x, y);
      s11 = s11.fma(x, y);
    }
    return s0.add(s1).add(s2).add(s3).add(s4).add(s5).add(s6).add(s7).add(s8).add(s9)
        .add(s10).add(s11).reduceLanes(VectorOperators.ADD);
  }
}
