package dev.convgen.runtime.network;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.convgen.annotations.Activation;
import dev.convgen.runtime.ConvGeometry;
import dev.convgen.runtime.ConvKernel;
import dev.convgen.runtime.ReferenceConv;
import dev.convgen.runtime.Tolerance;
import dev.convgen.runtime.internal.UnitKernel;
import dev.convgen.runtime.kernels.GenericKernels;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Sequential models, inverted residual blocks, pooling and the layer table, against the textbook
 * chain.
 */
class NetworkTest {

  private final Random random = new Random(11);

  @Test
  void sequentialEqualsTheChainOfReferenceConvolutions() {
    ConvGeometry stem = new ConvGeometry(3, 8, 1, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1);
    ConvGeometry dw = ConvGeometry.depthwise(8, 1, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1);
    ConvGeometry pw = ConvGeometry.pointwise(8, 16, 1, 1);
    ConvGeometry fc = ConvGeometry.pointwise(16, 5, 1, 1);
    float[][] w = {weights(stem), weights(dw), weights(pw), weights(fc)};
    float[][] b = {bias(stem), bias(dw), bias(pw), bias(fc)};
    Sequential model = Sequential.builder()
        .add("stem", GenericKernels.create(stem, w[0], b[0], Activation.RELU6))
        .add("block1", new SeparableBlock(GenericKernels.create(dw, w[1], b[1], Activation.RELU6),
            GenericKernels.create(pw, w[2], b[2], Activation.RELU6)))
        .add("pool", new GlobalAveragePool(16))
        .add("fc", GenericKernels.create(fc, w[3], b[3], Activation.NONE))
        .build();
    float[] x = Tolerance.random(random, 2 * 3 * 13 * 11);
    float[] y = new float[2 * 5];
    model.forward(x, 2, 13, 11, y);

    float[] t = ReferenceConv.conv2d(stem, x, 2, 13, 11, w[0], b[0], Activation.RELU6);
    t = ReferenceConv.conv2d(dw, t, 2, 7, 6, w[1], b[1], Activation.RELU6);
    t = ReferenceConv.conv2d(pw, t, 2, 7, 6, w[2], b[2], Activation.RELU6);
    float[] pooled = new float[2 * 16];
    for (int c = 0; c < 32; c++) {
      double sum = 0;
      for (int i = 0; i < 42; i++) {
        sum += t[c * 42 + i];
      }
      pooled[c] = (float) (sum / 42);
    }
    float[] expected = ReferenceConv.conv2d(fc, pooled, 2, 1, 1, w[3], b[3], Activation.NONE);
    Tolerance.assertClose("sequential", expected, y, 1e-5);

    float[] again = new float[y.length];
    model.forward(x, 2, 13, 11, again); // reused buffers give the same answer
    assertEquals(java.util.Arrays.toString(y), java.util.Arrays.toString(again));

    String table = LayerTable.format(model, 1, 13, 11);
    assertTrue(table.contains("block1.dw"), table);
    assertFalse(table.contains("band by band"), table);
    assertTrue(table.contains("depthwise 3x3"), table);
    assertTrue(table.contains("dense 3x3"), table);
    List<LayerTable.Row> rows = LayerTable.rows(model, 13, 11);
    assertEquals(List.of("stem", "block1.dw", "block1.pw", "pool", "fc"),
        rows.stream().map(LayerTable.Row::name).toList());
    assertEquals(model.parameterCount(),
        rows.stream().mapToLong(r -> r.layer().parameterCount()).sum());
    assertEquals(model.macs(1, 13, 11),
        rows.stream().mapToLong(r -> r.layer().macs(1, r.height(), r.width())).sum());
    assertTrue(table.contains(String.format(java.util.Locale.ROOT, "%,d",
        model.macs(1, 13, 11))), table);
  }

  /**
   * Separable blocks hand each other channel-blocked tensors where the pointwise stage can write
   * them and the next depthwise stage read them (512-bit SIMD; whole vectors of channels): the
   * pass, in either entry layout and split between two threads, and every output an observer
   * sees (NCHW) match the textbook chain.
   */
  @Test
  void separableBlocksPassChannelBlockedTensorsAndObserversSeeNchw() {
    ConvGeometry stem = new ConvGeometry(3, 32, 1, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1);
    ConvGeometry dw1 = ConvGeometry.depthwise(32, 1, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1);
    ConvGeometry pw1 = ConvGeometry.pointwise(32, 64, 1, 1);
    ConvGeometry dw2 = ConvGeometry.depthwise(64, 1, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1);
    ConvGeometry pw2 = ConvGeometry.pointwise(64, 64, 1, 1);
    ConvGeometry dw3 = ConvGeometry.depthwise(64, 1, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1);
    ConvGeometry pw3 = ConvGeometry.pointwise(64, 48, 1, 1);
    ConvGeometry[] all = {stem, dw1, pw1, dw2, pw2, dw3, pw3};
    Activation[] acts = new Activation[all.length];
    java.util.Arrays.fill(acts, Activation.RELU6);
    float[][] w = new float[all.length][];
    float[][] b = new float[all.length][];
    ConvKernel[] k = tunedKernels(all, acts, w, b);
    SeparableBlock block1 = new SeparableBlock(k[1], k[2]);
    SeparableBlock block2 = new SeparableBlock(k[3], k[4]);
    SeparableBlock block3 = new SeparableBlock(k[5], k[6]);
    Sequential model = Sequential.builder().add("stem", k[0]).add("block1", block1)
        .add("block2", block2).add("block3", block3).add("pool", new GlobalAveragePool(48))
        .build();
    int h = 25;
    int width = 19; // the stem's output: 13 x 10
    boolean blocked = dev.convgen.runtime.Vectorization.bits() == 512; // the edges tested
    assertEquals(blocked, block1.writesBlocked(13, 10) && block2.readsBlocked(13, 10));
    assertEquals(blocked, block2.writesBlocked(13, 10) && block3.readsBlocked(7, 5));
    float[] x = Tolerance.random(random, 2 * 3 * h * width);
    java.util.Map<String, float[]> expected = new java.util.LinkedHashMap<>();
    float[] t = ReferenceConv.conv2d(stem, x, 2, h, width, w[0], b[0], Activation.RELU6);
    expected.put("stem", t);
    int[][] sizes = {{13, 10}, {13, 10}, {7, 5}};
    for (int blk = 0; blk < 3; blk++) {
      int bh = sizes[blk][0];
      int bw = sizes[blk][1];
      ConvGeometry dw = all[1 + 2 * blk];
      t = ReferenceConv.conv2d(dw, t, 2, bh, bw, w[1 + 2 * blk], b[1 + 2 * blk],
          Activation.RELU6);
      t = ReferenceConv.conv2d(all[2 + 2 * blk], t, 2, dw.outputHeight(bh), dw.outputWidth(bw),
          w[2 + 2 * blk], b[2 + 2 * blk], Activation.RELU6);
      expected.put("block" + (blk + 1), t);
    }
    float[] pooled = new float[2 * 48];
    for (int c = 0; c < 2 * 48; c++) {
      double sum = 0;
      for (int p = 0; p < 35; p++) {
        sum += t[c * 35 + p];
      }
      pooled[c] = (float) (sum / 35);
    }
    float[] y = new float[2 * 48];
    java.util.List<String> seen = new java.util.ArrayList<>();
    model.forward(x, 2, h, width, y, (name, out, batch, channels, oh, ow) -> {
      if (expected.containsKey(name)) {
        Tolerance.assertClose("observed " + name, expected.get(name), out, 1e-4);
        seen.add(name);
      }
    });
    assertEquals(List.of("stem", "block1", "block2", "block3"), seen);
    Tolerance.assertClose("NCHW pass", pooled, y, 1e-4);
    float[] again = new float[y.length];
    model.forward(x, 2, h, width, again);
    Tolerance.assertClose("NCHW pass without an observer", pooled, again, 1e-4);
    float[] fromNhwc = new float[y.length];
    model.forwardNhwc(toNhwc(x, 2, 3, h * width), 2, h, width, fromNhwc);
    Tolerance.assertClose("NHWC pass", pooled, fromNhwc, 1e-4);
    assertSplitBetweenTwoThreadsGives(pooled, model, x, h, width);
  }

  /** Tuned kernels with random weights and biases, which are left in {@code w} and {@code b}. */
  private ConvKernel[] tunedKernels(ConvGeometry[] all, Activation[] acts, float[][] w,
      float[][] b) {
    ConvKernel[] k = new ConvKernel[all.length];
    for (int i = 0; i < all.length; i++) {
      w[i] = weights(all[i]);
      b[i] = bias(all[i]);
      k[i] = GenericKernels.tuned(all[i], w[i], b[i], acts[i]);
    }
    return k;
  }

  /** Every stage split between two threads, the channel-blocked tensors too. */
  private static void assertSplitBetweenTwoThreadsGives(float[] expected, Sequential model,
      float[] x, int h, int width) {
    assertSplitGives("2 threads", 2, expected, model, x, h, width);
  }

  /** Every stage of a pass over 2 images split into {@code slices} on two threads. */
  private static void assertSplitGives(String label, int slices, float[] expected,
      Sequential model, float[] x, int h, int width) {
    java.util.concurrent.ExecutorService executor =
        java.util.concurrent.Executors.newFixedThreadPool(2);
    try {
      float[] split = new float[expected.length];
      ParallelLayer.of(model, executor, slices).forward(x, 2, h, width, split);
      Tolerance.assertClose(label, expected, split, 1e-4);
    } finally {
      executor.shutdown();
    }
  }

  /**
   * A pointwise kernel hands a channel-blocked tensor to the separable block after it, and an
   * inverted-residual block's expansion to its depthwise stage (512-bit SIMD): the pass, alone
   * and split between two threads, matches the textbook chain.
   */
  @Test
  void kernelsAndInvertedResidualBlocksPassChannelBlockedTensors() {
    ConvGeometry stem = new ConvGeometry(3, 32, 1, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1);
    ConvGeometry pw0 = ConvGeometry.pointwise(32, 64, 1, 1);
    ConvGeometry dw1 = ConvGeometry.depthwise(64, 1, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1);
    ConvGeometry pw1 = ConvGeometry.pointwise(64, 64, 1, 1);
    ConvGeometry expand = ConvGeometry.pointwise(64, 128, 1, 1);
    ConvGeometry dw2 = ConvGeometry.depthwise(128, 1, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1);
    ConvGeometry project = ConvGeometry.pointwise(128, 48, 1, 1);
    ConvGeometry[] all = {stem, pw0, dw1, pw1, expand, dw2, project};
    Activation[] acts = {Activation.RELU6, Activation.RELU6, Activation.RELU6, Activation.RELU6,
        Activation.RELU6, Activation.RELU6, Activation.NONE};
    float[][] w = new float[all.length][];
    float[][] b = new float[all.length][];
    ConvKernel[] k = tunedKernels(all, acts, w, b);
    SeparableBlock block = new SeparableBlock(k[2], k[3]);
    Sequential model = Sequential.builder().add("stem", k[0]).add("pw0", k[1])
        .add("block", block).add("irb", new InvertedResidualBlock(k[4], k[5], k[6])).build();
    int h = 21;
    int width = 26; // the stem's output: 11 x 13; the inverted-residual block's: 6 x 7
    boolean blocked = dev.convgen.runtime.Vectorization.bits() == 512; // the edges tested
    assertEquals(blocked, Sequential.writesBlocked(k[1], 11, 13)
        && Sequential.readsBlocked(block, 11, 13));
    assertEquals(blocked, Sequential.writesBlocked(k[4], 11, 13)
        && Sequential.readsBlocked(k[5], 11, 13));
    float[] x = Tolerance.random(random, 2 * 3 * h * width);
    float[] t = ReferenceConv.conv2d(stem, x, 2, h, width, w[0], b[0], acts[0]);
    for (int i = 1; i < all.length; i++) {
      int th = i < 6 ? 11 : 6;
      int tw = i < 6 ? 13 : 7;
      t = ReferenceConv.conv2d(all[i], t, 2, i == 5 ? 11 : th, i == 5 ? 13 : tw, w[i], b[i],
          acts[i]);
    }
    float[] y = new float[2 * 48 * 6 * 7];
    model.forward(x, 2, h, width, y);
    Tolerance.assertClose("one thread", t, y, 1e-4);
    assertSplitBetweenTwoThreadsGives(t, model, x, h, width);
  }

  /**
   * An inverted-residual block whose expansion is large (64 channels at 67x65, 1.1 MB an image)
   * runs its expansion and depthwise stage together, band by band of output rows (with SIMD):
   * at stride 1 and 2 (PyTorch's padding, and TensorFlow's SAME at stride 2: none above and left,
   * one below and right), in bands that end mid-plane, on one thread and split between threads
   * at rows inside an image, the pass matches the textbook chain.
   */
  @Test
  void largeExpansionsRunBandByBandWithTheirDepthwiseStage() {
    int h = 67;
    int[][] cases = { // stride, padding top, left, bottom, right, width
        {1, 1, 1, 1, 1, 65}, {2, 1, 1, 1, 1, 65}, {2, 0, 0, 1, 1, 66}};
    for (int[] c : cases) {
      int stride = c[0];
      int width = c[5];
      ConvGeometry expand = ConvGeometry.pointwise(8, 64, 1, 1);
      ConvGeometry dw = ConvGeometry.depthwise(64, 1, 3, 3, stride, stride, c[1], c[2], c[3],
          c[4], 1, 1);
      ConvGeometry project = ConvGeometry.pointwise(64, 16, 1, 1);
      ConvGeometry[] all = {expand, dw, project};
      Activation[] acts = {Activation.RELU6, Activation.RELU6, Activation.NONE};
      float[][] w = new float[3][];
      float[][] b = new float[3][];
      ConvKernel[] k = tunedKernels(all, acts, w, b);
      String name = dw.describe();
      assertEquals(dev.convgen.runtime.Vectorization.bits() != 0,
          ((UnitKernel) k[0]).fusesWithDepthwise((UnitKernel) k[1], h, width), "banded " + name);
      Sequential model = Sequential.builder()
          .add("irb", new InvertedResidualBlock(k[0], k[1], k[2])).build();
      List<String> banded = dev.convgen.runtime.Vectorization.bits() != 0
          ? List.of("irb.expand + irb.dw") : List.of();
      assertEquals(banded, LayerTable.bandedPairs(model, h, width), name);
      assertEquals(List.of(), LayerTable.bandedPairs(model, 13, 11), "small: " + name);
      float[] x = Tolerance.random(random, 2 * 8 * h * width);
      float[] t = ReferenceConv.conv2d(expand, x, 2, h, width, w[0], b[0], acts[0]);
      t = ReferenceConv.conv2d(dw, t, 2, h, width, w[1], b[1], acts[1]);
      t = ReferenceConv.conv2d(project, t, 2, dw.outputHeight(h), dw.outputWidth(width), w[2],
          b[2], acts[2]);
      float[] y = new float[t.length];
      model.forward(x, 2, h, width, y);
      Tolerance.assertClose(name + ", one thread", t, y, 1e-4);
      assertSplitGives(name + ", three slices", 3, t, model, x, h, width);
    }
  }

  /**
   * An observer that runs the model again in the middle of a pass, on another input: both passes
   * get their own intermediates, and both match the textbook chain.
   */
  @Test
  void aPassRunInsideAnotherPassesObserverDisturbsNeither() {
    ConvGeometry dw = ConvGeometry.depthwise(6, 1, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1);
    ConvGeometry pw = ConvGeometry.pointwise(6, 6, 1, 1);
    float[][] w = {weights(dw), weights(pw), weights(pw)};
    float[][] b = {bias(dw), bias(pw), bias(pw)};
    Sequential model = Sequential.builder()
        .add("block", new SeparableBlock(GenericKernels.tuned(dw, w[0], b[0], Activation.RELU6),
            GenericKernels.tuned(pw, w[1], b[1], Activation.RELU6)))
        .add("mix", GenericKernels.tuned(pw, w[2], b[2], Activation.NONE))
        .build();
    float[] outerIn = Tolerance.random(random, 6 * 9 * 7);
    float[] innerIn = Tolerance.random(random, 6 * 9 * 7);
    float[] outerOut = new float[6 * 9 * 7];
    float[] innerOut = new float[6 * 9 * 7];
    boolean[] ran = new boolean[1];
    model.forward(outerIn, 1, 9, 7, outerOut, (name, out, batch, channels, oh, ow) -> {
      if (name.equals("block") && !ran[0]) {
        ran[0] = true;
        model.forward(innerIn, 1, 9, 7, innerOut);
      }
    });
    assertTrue(ran[0]);
    for (float[][] pair : new float[][][] {{outerIn, outerOut}, {innerIn, innerOut}}) {
      float[] t = ReferenceConv.conv2d(dw, pair[0], 1, 9, 7, w[0], b[0], Activation.RELU6);
      t = ReferenceConv.conv2d(pw, t, 1, 9, 7, w[1], b[1], Activation.RELU6);
      t = ReferenceConv.conv2d(pw, t, 1, 9, 7, w[2], b[2], Activation.NONE);
      Tolerance.assertClose(pair[0] == outerIn ? "outer pass" : "inner pass", t, pair[1], 1e-5);
    }
  }

  /**
   * Intermediates come from the thread's pool: once warm, a forward pass
   * allocates nothing (up to 10 windows of 200 passes, as a late JIT event may allocate once).
   */
  @Test
  void sequentialAllocatesNothingInSteadyState() {
    ConvGeometry dw = ConvGeometry.depthwise(4, 1, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1);
    ConvGeometry pw = ConvGeometry.pointwise(4, 8, 1, 1);
    Sequential model = Sequential.builder()
        .add("dw", GenericKernels.create(dw, weights(dw), bias(dw), Activation.RELU6))
        .add("pw", GenericKernels.create(pw, weights(pw), bias(pw), Activation.NONE))
        .add("pool", new GlobalAveragePool(8))
        .build();
    float[] x = Tolerance.random(random, 4 * 6 * 6);
    float[] y = new float[8];
    for (int i = 0; i < 20_000; i++) {
      model.forward(x, 1, 6, 6, y);
    }
    com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean)
        java.lang.management.ManagementFactory.getThreadMXBean();
    long allocated = -1;
    for (int window = 0; window < 10 && allocated != 0; window++) {
      long before = threads.getCurrentThreadAllocatedBytes();
      for (int i = 0; i < 200; i++) {
        model.forward(x, 1, 6, 6, y);
      }
      allocated = threads.getCurrentThreadAllocatedBytes() - before;
    }
    assertEquals(0, allocated, "bytes allocated by 200 forward passes");
  }

  @Test
  void invertedResidualAddsTheInputWhenTheShapeIsKept() {
    ConvGeometry expand = ConvGeometry.pointwise(6, 24, 1, 1);
    ConvGeometry dw = ConvGeometry.depthwise(24, 1, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1);
    ConvGeometry project = ConvGeometry.pointwise(24, 6, 1, 1);
    float[][] w = {weights(expand), weights(dw), weights(project)};
    float[][] b = {bias(expand), bias(dw), bias(project)};
    InvertedResidualBlock block = new InvertedResidualBlock(
        GenericKernels.create(expand, w[0], b[0], Activation.RELU6),
        GenericKernels.create(dw, w[1], b[1], Activation.RELU6),
        GenericKernels.create(project, w[2], b[2], Activation.NONE));
    assertTrue(block.hasResidual());
    float[] x = Tolerance.random(random, 2 * 6 * 9 * 10);
    float[] y = new float[x.length];
    block.forward(x, 2, 9, 10, y);
    float[] t = ReferenceConv.conv2d(expand, x, 2, 9, 10, w[0], b[0], Activation.RELU6);
    t = ReferenceConv.conv2d(dw, t, 2, 9, 10, w[1], b[1], Activation.RELU6);
    t = ReferenceConv.conv2d(project, t, 2, 9, 10, w[2], b[2], Activation.NONE);
    for (int i = 0; i < t.length; i++) {
      t[i] += x[i];
    }
    Tolerance.assertClose("inverted residual", t, y, 1e-5);

    ConvGeometry strided = ConvGeometry.depthwise(24, 1, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1);
    InvertedResidualBlock downsampling = new InvertedResidualBlock(
        GenericKernels.create(expand, w[0], b[0], Activation.RELU6),
        GenericKernels.create(strided, w[1], b[1], Activation.RELU6),
        GenericKernels.create(project, w[2], b[2], Activation.NONE));
    assertFalse(downsampling.hasResidual());
  }

  @Test
  void badChainsAndInputsAreRefusedWithTheirShapes() {
    ConvGeometry pw = ConvGeometry.pointwise(4, 8, 1, 1);
    ConvKernel first = GenericKernels.create(pw, weights(pw), null, Activation.NONE);
    IllegalArgumentException chain = assertThrows(IllegalArgumentException.class,
        () -> Sequential.builder().add("a", first).add("b", first).build());
    assertEquals("layers: b expects 4 input channels, but a produces 8", chain.getMessage());
    Sequential model = Sequential.builder().add("a", first).add("pool", new GlobalAveragePool(8))
        .build();
    IllegalArgumentException input = assertThrows(IllegalArgumentException.class,
        () -> model.forward(new float[10], 1, 3, 3, new float[8]));
    assertEquals("input: expected [1, 4, 3, 3] = 36 floats, got 10", input.getMessage());
    float[] x = new float[36];
    assertThrows(IllegalArgumentException.class, () -> model.forward(x, 1, 3, 3, new float[9]));
  }

  /** NCHW into NHWC, by this test's own index arithmetic. */
  private static float[] toNhwc(float[] x, int n, int c, int plane) {
    float[] y = new float[x.length];
    for (int i = 0; i < n; i++) {
      for (int ch = 0; ch < c; ch++) {
        for (int p = 0; p < plane; p++) {
          y[(i * plane + p) * c + ch] = x[(i * c + ch) * plane + p];
        }
      }
    }
    return y;
  }

  private float[] weights(ConvGeometry g) {
    return Tolerance.random(random, (int) g.weightCount());
  }

  private float[] bias(ConvGeometry g) {
    return Tolerance.random(random, g.outChannels());
  }
}
