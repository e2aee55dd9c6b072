package dev.convgen.runtime.network;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.convgen.annotations.Activation;
import dev.convgen.runtime.ConvGeometry;
import dev.convgen.runtime.ConvKernel;
import dev.convgen.runtime.ReferenceConv;
import dev.convgen.runtime.Tolerance;
import dev.convgen.runtime.Vectorization;
import dev.convgen.runtime.kernels.GenericKernels;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;

/**
 * {@link WarmUp#run(dev.convgen.runtime.ConvLayer, int, int)} picks the warm-up bodies that stand
 * for what a model runs at its input size: found through blocks, a parallel layer and a
 * classifier, with the register tile of the JVM's width (6 pixels x 4 vectors at 512 bits, x 2 at
 * 256) and the depthwise 3x3 rows by stride (slid whole, the padding read as zeros, at any
 * plane width).
 */
class WarmUpTest {

  @Test
  void aModelsWarmUpRunsTheBodiesItsKernelsRun() {
    Random random = new Random(41);
    ConvGeometry stem = new ConvGeometry(3, 32, 1, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1);
    ConvGeometry dwS1 = ConvGeometry.depthwise(32, 1, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1);
    ConvGeometry dwS2 = ConvGeometry.depthwise(32, 1, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1);
    ConvGeometry pw = ConvGeometry.pointwise(32, 32, 1, 1);
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      Sequential model = Sequential.builder()
          .add("stem", kernel(stem, random)) // 60 x 60 -> 30 x 30
          .add("block1", new SeparableBlock(kernel(dwS1, random), kernel(pw, random)))
          .add("block2", ParallelLayer.of(
              new SeparableBlock(kernel(dwS2, random), kernel(pw, random)), pool, 2)) // -> 15
          .add("block3", new SeparableBlock(kernel(dwS1, random), kernel(pw, random)))
          .add("pool", new GlobalAveragePool(32))
          .add("fc", new Linear(32, 64, Tolerance.random(random, 64 * 32), null))
          .build();
      int bits = Vectorization.bits();
      Set<String> expected = bits == 0 ? Set.of() : new TreeSet<>(List.of(
          "dense tile, 2 vectors", // the stem's 32 channels: 2 vectors of 16, or panels of 2 x 8
          "pointwise tile, 2 vectors", // 32 -> 32 likewise
          "pointwise tile, " + (bits == 512 ? 4 : 2) + " vectors", // the classifier's 64
          "depthwise 3x3 stride 1, whole rows", // blocks 1 and 3, at 30 and 15 pixels
          "depthwise 3x3 stride 2, whole rows")); // block 2 at 30
      assertEquals(expected, WarmUp.bodies(model, 60, 60));
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> WarmUp.run(model, 0, 60));
      assertTrue(e.getMessage().startsWith("height: expected"), e.getMessage());
    } finally {
      pool.shutdown();
    }
  }

  /**
   * A model's warm-up leaves the intermediate tensors of its input size in the calling thread's
   * pool, so the first pass finds them; without it, that pass allocates them. Each pass in a
   * thread of its own (a thread's pool is shared by every model it runs). Textbook kernels
   * (scalar: no boxed vectors), so that what is counted does not depend on the JIT; both first
   * passes also allocate the kernels' own per-thread scratch.
   */
  @Test
  void aModelsWarmUpAllocatesTheFirstPassesIntermediates() {
    long warmed = inNewThread(() -> firstPassAllocation(true));
    long cold = inNewThread(() -> firstPassAllocation(false));
    // at least the stem's and block1's outputs, block1's intermediate and block2's expansion:
    // 3 x 15 x 15 x 32 floats and 15 x 15 x 64
    long intermediates = (3L * 15 * 15 * 32 + 15 * 15 * 64) * Float.BYTES;
    assertTrue(cold - warmed >= intermediates, "first pass with the warm-up " + warmed
        + " B, without " + cold + " B: expected at least " + intermediates + " B less");
  }

  private static long inNewThread(java.util.function.Supplier<Long> task) {
    return CompletableFuture.supplyAsync(task, command -> new Thread(command).start()).join();
  }

  private static long firstPassAllocation(boolean warmUp) {
    Random random = new Random(47);
    ConvGeometry stem = new ConvGeometry(3, 32, 1, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1);
    ConvGeometry dw = ConvGeometry.depthwise(32, 1, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1);
    ConvGeometry pw = ConvGeometry.pointwise(32, 32, 1, 1);
    ConvGeometry expand = ConvGeometry.pointwise(32, 64, 1, 1);
    ConvGeometry dwWide = ConvGeometry.depthwise(64, 1, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1);
    ConvGeometry project = ConvGeometry.pointwise(64, 32, 1, 1);
    Sequential model = Sequential.builder()
        .add("stem", textbook(stem, random)) // 30 x 30 -> 15 x 15 x 32
        .add("block1", new SeparableBlock(textbook(dw, random), textbook(pw, random)))
        .add("block2", new InvertedResidualBlock(textbook(expand, random),
            textbook(dwWide, random), textbook(project, random)))
        .add("pool", new GlobalAveragePool(32))
        .build();
    if (warmUp) {
      WarmUp.run(model, 30, 30);
    }
    com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean)
        java.lang.management.ManagementFactory.getThreadMXBean();
    float[] x = Tolerance.random(random, 3 * 30 * 30);
    float[] y = new float[32];
    long before = threads.getCurrentThreadAllocatedBytes();
    model.forward(x, 1, 30, 30, y);
    return threads.getCurrentThreadAllocatedBytes() - before;
  }

  private static ConvKernel textbook(ConvGeometry g, Random random) {
    return GenericKernels.create(g, Tolerance.random(random, (int) g.weightCount()),
        Tolerance.random(random, g.outChannels()), Activation.RELU6);
  }

  /** After a model's warm-up its kernels still compute the reference's result. */
  @Test
  void kernelsComputeLikeTheReferenceAfterAModelsWarmUp() {
    Random random = new Random(43);
    ConvGeometry pw = ConvGeometry.pointwise(32, 64, 1, 1);
    float[] weight = Tolerance.random(random, (int) pw.weightCount());
    float[] bias = Tolerance.random(random, 64);
    ConvKernel kernel = GenericKernels.tuned(pw, weight, bias, Activation.RELU6);
    WarmUp.run(kernel, 9, 13, Duration.ofMillis(200));
    float[] x = Tolerance.random(random, 2 * 32 * 9 * 13);
    float[] y = new float[2 * 64 * 9 * 13];
    kernel.forward(x, 2, 9, 13, y);
    Tolerance.assertClose("pointwise after the warm-up",
        ReferenceConv.conv2d(pw, x, 2, 9, 13, weight, bias, Activation.RELU6), y, 1e-5);
  }

  private static ConvKernel kernel(ConvGeometry g, Random random) {
    return GenericKernels.tuned(g, Tolerance.random(random, (int) g.weightCount()),
        Tolerance.random(random, g.outChannels()), Activation.RELU6);
  }
}
