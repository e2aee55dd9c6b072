package dev.convgen.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.convgen.runtime.ConvLayer;
import dev.convgen.runtime.binding.WeightBinder;
import dev.convgen.samples.MobileNetV1;
import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

/**
 * The generated kernels, blocks and networks allocate nothing per call once warm: this thread's allocated
 * bytes (HotSpot's per-thread counter) do not move across a window of 100 forward passes. (JMH's
 * {@code gc.alloc.rate.norm} shows a few bytes per millisecond even for the textbook kernel, which
 * has no allocation site: harness noise, hence this direct check.)
 */
class SteadyStateAllocationTest {

  @Test
  void forwardPassesAllocateNothing() {
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    for (BenchShape shape : new BenchShape[] {BenchShape.PW_1x32x32x32_64,
        BenchShape.DS_1x32x32x32_64, BenchShape.MB13, BenchShape.MB12,
        BenchShape.PW_S2_8x32x56x56_64}) { // the last through its NHWC body and transpositions
      ConvLayer layer = shape.specialized();
      float[] x = shape.input(layer);
      float[] y = shape.output(layer);
      long warm = System.nanoTime() + 1_500_000_000L; // until the JIT has compiled the kernel
      while (System.nanoTime() < warm) {
        layer.forward(x, shape.batch, shape.size, shape.size, y);
      }
      // A kernel with an allocation site allocates in every window. A window may also see a late
      // JIT event (a recompilation, or a deoptimization that runs Vector API code interpreted for
      // a moment and boxes a few vectors: 592 bytes once on JDK 25), so up to 10 windows are
      // measured and one must allocate nothing.
      long allocated = -1;
      for (int window = 0; window < 10 && allocated != 0; window++) {
        long before = threads.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < 100; i++) {
          layer.forward(x, shape.batch, shape.size, shape.size, y);
        }
        allocated = threads.getCurrentThreadAllocatedBytes() - before;
      }
      assertEquals(0, allocated, shape.label + ": bytes allocated by 100 forward passes");
    }
  }

  /**
   * A whole network (the samples' MobileNet-v1: NHWC between layers, shared intermediates,
   * per-thread scratch) allocates nothing per pass once warm, in either layout.
   */
  @Test
  void networkPassesAllocateNothing() {
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    ConvLayer model = MobileNetV1.model(new WeightBinder(MobileNetV1.randomWeights(1000, 3)), 1000);
    float[] x = new float[3 * 224 * 224];
    float[] y = new float[1000];
    for (boolean nhwc : new boolean[] {false, true}) {
      long warm = System.nanoTime() + 1_500_000_000L;
      while (System.nanoTime() < warm) {
        pass(model, nhwc, x, y);
      }
      long allocated = -1;
      for (int window = 0; window < 10 && allocated != 0; window++) { // as above
        long before = threads.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < 20; i++) {
          pass(model, nhwc, x, y);
        }
        allocated = threads.getCurrentThreadAllocatedBytes() - before;
      }
      assertEquals(0, allocated, (nhwc ? "forwardNhwc" : "forward")
          + ": bytes allocated by 20 MobileNet-v1 passes");
    }
  }

  /**
   * On two threads the calling thread allocates no more per pass than the executor needs to
   * queue the helper task (a {@code LinkedBlockingQueue} node: 24 bytes here); ParallelLayer
   * itself reuses its session. Measured over 100 passes, so one stray 592-byte JIT event stays
   * under the bound.
   */
  @Test
  void parallelPassesAllocateOnlyTheExecutorsQueueNode() {
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    ConvLayer model = MobileNetV1.model(new WeightBinder(MobileNetV1.randomWeights(1000, 3)), 1000);
    try (ThreadedLayer threaded = new ThreadedLayer(model, 2)) {
      ConvLayer parallel = threaded.layer;
      float[] x = new float[3 * 224 * 224];
      float[] y = new float[1000];
      long warm = System.nanoTime() + 1_500_000_000L;
      while (System.nanoTime() < warm) {
        parallel.forwardNhwc(x, 1, 224, 224, y);
      }
      long before = threads.getCurrentThreadAllocatedBytes();
      for (int i = 0; i < 100; i++) {
        parallel.forwardNhwc(x, 1, 224, 224, y);
      }
      long perPass = (threads.getCurrentThreadAllocatedBytes() - before) / 100;
      assertTrue(perPass <= 64, "bytes allocated per 2-thread pass: " + perPass);
    }
  }

  private static void pass(ConvLayer model, boolean nhwc, float[] x, float[] y) {
    if (nhwc) {
      model.forwardNhwc(x, 1, 224, 224, y);
    } else {
      model.forward(x, 1, 224, 224, y);
    }
  }
}
