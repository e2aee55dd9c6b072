package dev.convgen.runtime.network;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.convgen.annotations.Activation;
import dev.convgen.runtime.ConvGeometry;
import dev.convgen.runtime.ConvKernel;
import dev.convgen.runtime.ConvLayer;
import dev.convgen.runtime.ReferenceConv;
import dev.convgen.runtime.Tolerance;
import dev.convgen.runtime.kernels.GenericKernels;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** Splitting work units over threads gives exactly the serial result. */
class ParallelLayerTest {

  private static final ExecutorService POOL = Executors.newFixedThreadPool(3);

  @AfterAll
  static void shutDown() {
    POOL.shutdownNow();
  }

  @Test
  void parallelKernelsAndBlocksEqualSerialOnes() {
    Random random = new Random(3);
    ConvGeometry dw = ConvGeometry.depthwise(13, 2, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1);
    ConvGeometry pw = ConvGeometry.pointwise(26, 19, 1, 1);
    float[] dwWeight = Tolerance.random(random, (int) dw.weightCount());
    float[] pwWeight = Tolerance.random(random, (int) pw.weightCount());
    float[] bias = Tolerance.random(random, 19);
    for (boolean tuned : new boolean[] {true, false}) {
      ConvKernel depthwise = tuned ? GenericKernels.tuned(dw, dwWeight, null, Activation.RELU6)
          : GenericKernels.create(dw, dwWeight, null, Activation.RELU6);
      ConvKernel pointwise = tuned ? GenericKernels.tuned(pw, pwWeight, bias, Activation.NONE)
          : GenericKernels.create(pw, pwWeight, bias, Activation.NONE);
      SeparableBlock block = new SeparableBlock(depthwise, pointwise);
      float[] x = Tolerance.random(random, 2 * 13 * 17 * 19);
      for (ConvLayer layer : new ConvLayer[] {depthwise, block}) {
        float[] serial = new float[2 * layer.outChannels() * 17 * 19];
        float[] parallel = new float[serial.length];
        layer.forward(x, 2, 17, 19, serial);
        for (int parallelism : new int[] {2, 4, 64}) {
          ParallelLayer.of(layer, POOL, parallelism).forward(x, 2, 17, 19, parallel);
          assertArrayEquals(serial, parallel, layer + " x" + parallelism);
        }
        // and a model summary lists what it splits
        assertEquals(LayerTable.format(layer, 2, 17, 19),
            LayerTable.format(ParallelLayer.of(layer, POOL, 2), 2, 17, 19));
      }
    }
  }

  /**
   * Kernels whose NCHW calls run their NHWC body band by band (dense; strided, without NCHW SIMD
   * code) split those rows between threads: bit for bit the kernel's own forward, with batches
   * whose slices start and end inside an image.
   */
  @Test
  void bandsOfNchwCallsThroughNhwcSplitLikeTheKernel() {
    Random random = new Random(6);
    // 64 channels x 64 pixels a row: input bands of 14, 7 and 8 output rows, several per slice
    for (ConvGeometry g : new ConvGeometry[] {
        new ConvGeometry(64, 16, 1, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1),
        ConvGeometry.depthwise(64, 1, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1),
        ConvGeometry.pointwise(64, 32, 2, 2)}) {
      float[] weight = Tolerance.random(random, (int) g.weightCount());
      float[] bias = Tolerance.random(random, g.outChannels());
      ConvKernel kernel = GenericKernels.tuned(g, weight, bias, Activation.RELU6);
      int n = 3;
      int h = 45;
      int w = 64;
      float[] x = Tolerance.random(random, n * g.inChannels() * h * w);
      float[] serial = new float[n * g.outChannels() * g.outputHeight(h) * g.outputWidth(w)];
      kernel.forward(x, n, h, w, serial);
      Tolerance.assertClose(g.describe(),
          ReferenceConv.conv2d(g, x, n, h, w, weight, bias, Activation.RELU6), serial,
          Tolerance.forSums(g));
      for (int threads = 2; threads <= 4; threads++) {
        float[] parallel = new float[serial.length];
        java.util.Arrays.fill(parallel, Float.NaN);
        ParallelLayer.of(kernel, POOL, threads).forward(x, n, h, w, parallel);
        assertArrayEquals(serial, parallel, g.describe() + " on " + threads + " threads");
      }
    }
  }

  /**
   * Many short passes, each through a new layer (a new per-thread session) on a pool whose
   * threads still run earlier passes' helpers: every result equals the serial one. (A session
   * whose first stage could be claimed before it was published failed about 1 pass in 1000.)
   */
  @Test
  void manyFreshLayersOnABusyPoolGiveSerialResults() {
    Random random = new Random(4);
    ConvGeometry dw = ConvGeometry.depthwise(13, 2, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1);
    ConvKernel kernel = GenericKernels.tuned(dw, Tolerance.random(random, (int) dw.weightCount()),
        null, Activation.RELU6);
    float[] x = Tolerance.random(random, 2 * 13 * 9 * 7);
    float[] serial = new float[2 * 26 * 9 * 7];
    kernel.forward(x, 2, 9, 7, serial);
    float[] parallel = new float[serial.length];
    for (int pass = 0; pass < 5000; pass++) {
      java.util.Arrays.fill(parallel, Float.NaN);
      ParallelLayer.of(kernel, POOL, 2 + pass % 3).forward(x, 2, 9, 7, parallel);
      assertArrayEquals(serial, parallel, "pass " + pass);
    }
  }

  /**
   * A kernel whose slices take a while and count how many are running, to see that forward
   * never returns while one still writes.
   */
  private static final class SlowKernel implements ConvKernel {
    final ConvKernel inner = GenericKernels.create(ConvGeometry.pointwise(4, 8, 1, 1),
        Tolerance.random(new Random(9), 32), null, Activation.NONE);
    final AtomicInteger running = new AtomicInteger();
    volatile boolean fail;

    @Override
    public ConvGeometry geometry() {
      return inner.geometry();
    }

    @Override
    public boolean hasBias() {
      return false;
    }

    @Override
    public Activation activation() {
      return Activation.NONE;
    }

    @Override
    public int workUnits(int batch) {
      return inner.workUnits(batch);
    }

    @Override
    public void forwardUnits(float[] input, int batch, int height, int width, float[] output,
        int fromUnit, int toUnit) {
      running.incrementAndGet();
      try {
        Thread.sleep(50);
        if (fail && fromUnit > 0) {
          throw new ArithmeticException("slice " + fromUnit);
        }
        inner.forwardUnits(input, batch, height, width, output, fromUnit, toUnit);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } finally {
        running.decrementAndGet();
      }
    }
  }

  private static void assertForwardCompletes(SlowKernel kernel, java.util.concurrent.Executor
      executor) {
    float[] x = Tolerance.random(new Random(4), 4 * 5 * 5);
    float[] expected = new float[8 * 25];
    kernel.inner.forward(x, 1, 5, 5, expected);
    float[] y = new float[8 * 25];
    ParallelLayer.of(kernel, executor, 4).forward(x, 1, 5, 5, y);
    assertEquals(0, kernel.running.get(), "a slice still runs after forward returned");
    assertArrayEquals(expected, y);
  }

  /** Rejected after one task started: forward threw while the started slice kept writing. */
  @Test
  void aRejectingExecutorCostsParallelismNotResults() {
    AtomicInteger accepted = new AtomicInteger();
    assertTimeoutPreemptively(Duration.ofSeconds(20),
        () -> assertForwardCompletes(new SlowKernel(), task -> {
          if (accepted.getAndIncrement() > 0) {
            throw new RejectedExecutionException("full");
          }
          new Thread(task).start();
        }));
  }

  /** A shut-down pool with DiscardPolicy never runs the tasks: forward hung forever. */
  @Test
  void aDiscardingExecutorDoesNotHang() {
    ThreadPoolExecutor discarding = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS,
        new LinkedBlockingQueue<>(), new ThreadPoolExecutor.DiscardPolicy());
    discarding.shutdown();
    assertTimeoutPreemptively(Duration.ofSeconds(20),
        () -> assertForwardCompletes(new SlowKernel(), discarding));
  }

  /** Called from the only thread of its own pool, the queued slices could never run: deadlock. */
  @Test
  void forwardFromTheExecutorsOwnThreadDoesNotDeadlock() throws Exception {
    ExecutorService single = Executors.newSingleThreadExecutor();
    try {
      SlowKernel kernel = new SlowKernel();
      single.submit(() -> assertForwardCompletes(kernel, single)).get(30, TimeUnit.SECONDS);
    } finally {
      single.shutdownNow();
    }
  }

  @Test
  void aFailingSliceIsReportedAfterEverySliceFinished() {
    SlowKernel kernel = new SlowKernel();
    kernel.fail = true;
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> ParallelLayer.of(
        kernel, POOL, 4).forward(new float[4 * 25], 1, 5, 5, new float[8 * 25]));
    assertEquals(0, kernel.running.get());
    assertTrue(e.getMessage().startsWith("a slice of pointwise 4->8"), e.getMessage());
    assertTrue(e.getCause() instanceof ArithmeticException, String.valueOf(e.getCause()));
  }

  @Test
  void badArgumentsFailOnTheCallingThreadBeforeAnyWork() {
    ConvKernel kernel = GenericKernels.tuned(ConvGeometry.pointwise(4, 8, 1, 1), new float[32],
        null, Activation.NONE);
    ParallelLayer layer = ParallelLayer.of(kernel, POOL, 4);
    assertEquals("input: expected [1, 4, 3, 3] = 36 floats, got 35", assertThrows(
        IllegalArgumentException.class, () -> layer.forward(new float[35], 1, 3, 3,
            new float[72])).getMessage());
    assertEquals("parallelism: expected a positive value, got 0", assertThrows(
        IllegalArgumentException.class, () -> ParallelLayer.of(kernel, POOL, 0)).getMessage());
  }

  /**
   * A whole network on several threads at batch 1: NHWC stages split by output rows (when SIMD is
   * on), an NCHW-only layer by channel blocks, an MBConv block, pooling and a classifier; the
   * same bits as one thread, also through a rejecting executor, in both entry layouts.
   */
  @Test
  void networksSplitEachStageByRows() {
    Random random = new Random(21);
    ConvGeometry stem = new ConvGeometry(3, 32, 1, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1);
    ConvGeometry dw = ConvGeometry.depthwise(32, 1, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1);
    ConvGeometry pw = ConvGeometry.pointwise(32, 16, 1, 1);
    ConvGeometry grouped = new ConvGeometry(16, 16, 4, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1);
    ConvGeometry expand = ConvGeometry.pointwise(16, 64, 1, 1);
    ConvGeometry dw2 = ConvGeometry.depthwise(64, 1, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1);
    ConvGeometry project = ConvGeometry.pointwise(64, 16, 1, 1);
    ConvGeometry fc = ConvGeometry.pointwise(16, 24, 1, 1);
    Sequential network = Sequential.builder()
        .add("stem", tuned(stem, random))
        .add("block1", new SeparableBlock(tuned(dw, random), tuned(pw, random)))
        .add("grouped", tuned(grouped, random))
        .add("block2", new InvertedResidualBlock(tuned(expand, random), tuned(dw2, random),
            tuned(project, random)))
        .add("pool", new GlobalAveragePool(16))
        .add("fc", tuned(fc, random))
        .build();
    java.util.concurrent.Executor rejecting = task -> {
      throw new RejectedExecutionException("no threads today");
    };
    for (int size : new int[] {29, 64}) {
      float[] x = Tolerance.random(random, 3 * size * size);
      float[] serial = new float[24];
      network.forward(x, 1, size, size, serial);
      float[] serialNhwc = new float[24];
      network.forwardNhwc(x, 1, size, size, serialNhwc);
      for (java.util.concurrent.Executor executor : new java.util.concurrent.Executor[] {
          POOL, rejecting}) {
        for (int parallelism : new int[] {2, 3, 7}) {
          ParallelLayer parallel = ParallelLayer.of(network, executor, parallelism);
          float[] y = new float[24];
          parallel.forward(x, 1, size, size, y);
          assertArrayEquals(serial, y, size + " x" + parallelism);
          parallel.forwardNhwc(x, 1, size, size, y);
          assertArrayEquals(serialNhwc, y, size + " NHWC x" + parallelism);
        }
      }
    }
  }

  /**
   * A network whose NCHW input and output are transposed to and from NHWC, split between threads
   * by runs of pixels: an input of 16 channels on planes of one and several runs, a last run of
   * three pixels, two images, and the output transposed back (no pooling), bit for bit the
   * serial pass.
   */
  @Test
  void networksSplitTheirLayoutChanges() {
    Random random = new Random(22);
    ConvGeometry dw = ConvGeometry.depthwise(16, 1, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1);
    ConvGeometry pw = ConvGeometry.pointwise(16, 24, 1, 1);
    Sequential network = Sequential.builder()
        .add("block", new SeparableBlock(tuned(dw, random), tuned(pw, random)))
        .build();
    for (int[] shape : new int[][] {{1, 9, 11}, {1, 50, 45}, {1, 7, 293}, {2, 50, 45}}) {
      int batch = shape[0];
      int h = shape[1];
      int w = shape[2];
      float[] x = Tolerance.random(random, batch * 16 * h * w);
      float[] serial = new float[batch * 24 * h * w];
      network.forward(x, batch, h, w, serial);
      for (int parallelism : new int[] {2, 3, 7}) {
        float[] y = new float[serial.length];
        ParallelLayer.of(network, POOL, parallelism).forward(x, batch, h, w, y);
        assertArrayEquals(serial, y, batch + "x" + h + "x" + w + " x" + parallelism);
      }
    }
  }

  private static ConvKernel tuned(ConvGeometry g, Random random) {
    return GenericKernels.tuned(g, Tolerance.random(random, (int) g.weightCount()),
        Tolerance.random(random, g.outChannels()), Activation.RELU6);
  }
}
