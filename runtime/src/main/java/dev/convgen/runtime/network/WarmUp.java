package dev.convgen.runtime.network;

import dev.convgen.runtime.ConvLayer;
import dev.convgen.runtime.NamedLayer;
import dev.convgen.runtime.internal.Arguments;
import dev.convgen.runtime.internal.ArrayPool;
import dev.convgen.runtime.internal.Background;
import dev.convgen.runtime.internal.UnitKernel;
import dev.convgen.runtime.internal.nhwc.NhwcLayout;
import dev.convgen.runtime.internal.nhwc.NhwcKernels;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;

/**
 * A fresh JVM's first pass of a network runs its SIMD code before C2 has compiled it, as boxed
 * vectors, and C2 compiles each hot method only when its turn comes (0.4-1.2 s for MobileNet-v1
 * on the machines measured). {@link #run} runs the NHWC convolution bodies networks use (register
 * tiles, depthwise rows) on tiny inputs, in turn, until C2 has compiled each: the first pass
 * then runs compiled code, and every pass after it runs at steady speed.
 *
 * <p>For a process that runs a network a few times and exits (a command-line tool, a serverless
 * function), with the JVM settings of {@code runtime/cold-start.args}; pointless in a JVM that
 * has run a network before (it returns after a few calls); a no-op with scalar kernels. Measured
 * (README, "Cold start"; 2-core AMD Zen 5, JDK 17, with those settings, medians of 5 fresh JVMs):
 * the warm-up takes 0.5-0.6 s (0.7-1.1 s since it waits until a call allocates nothing, not
 * only until calls are fast: C1's code was sometimes fast enough), about what the first pass
 * took without it; MobileNet-v1's passes go from [562, 11, 9] to [21, 13, 11] ms (first result
 * 1.04 and 1.03 s after JVM start), MBConv's from [473, 41, 5] to [11, 4, 4] ms. Without those
 * settings it takes about 1.1 s, and the first result still comes sooner (MobileNet-v1 1.81 ->
 * 1.46 s).
 *
 * <p>{@link #start} runs it in a thread of its own, to overlap reading the weights and building
 * the model; join it before the first pass. It pays where a core is free for it or the build is
 * long: on the 2 cores measured, with those settings, MobileNet-v1 read from its {@code .npz}
 * gave its first result at 845-1009 ms against 1012-1036 ms warming up first (7 fresh JVMs per
 * figure, two sittings), MBConv (built in ~80 ms) at 871-994 against 826-861 ms; without the
 * settings, later than warming up first (2.0-2.2 s against 1.4-1.9 s: two threads allocating
 * boxed vectors and weights at once).
 *
 * <p>{@link #run(ConvLayer, int, int)} runs only the bodies that stand for what a built model
 * runs at its input size: fewer compilations for C2. With those settings, MobileNet-v1 read from
 * its {@code .npz} gave its first result at 889 ms against 1299 ms with {@link #run()} (7 fresh
 * JVMs each, ONNX Runtime 839 ms in that sitting; two runs of 5 alternated pairs: 868 against
 * 1254, 929 against 1318 ms); MBConv at 974 against 932 ms, its first pass longer (some of its
 * code still ran boxed) and its warm-up shorter. Without the settings it did not help (2102
 * against 1650 ms with no warm-up) until it began with a full collection ({@link
 * #collectFirst}): then 1680 against 1787 ms on JDK 17, still 1506 against 1288 on JDK 25
 * (medians of 5, one sitting each).
 */
public final class WarmUp {

  /** How long {@link #run()} waits at most for C2. */
  public static final Duration DEFAULT_LIMIT = Duration.ofSeconds(2);

  /**
   * Rounds of {@link #plainLoops}: with HotSpot's default thresholds, enough calls and loop
   * iterations on 4 pixels for C2 to compile each loop.
   */
  private static final int PLAIN_LOOP_CALLS = 3000;

  private WarmUp() {}

  /** {@link #run(Duration)} with {@link #DEFAULT_LIMIT}. */
  public static boolean run() {
    return run(DEFAULT_LIMIT);
  }

  /** {@link #start(Duration)} with {@link #DEFAULT_LIMIT}. */
  public static CompletableFuture<Boolean> start() {
    return start(DEFAULT_LIMIT);
  }

  /**
   * Starts {@link #run(Duration)} in a new daemon thread ({@code convgen-warm-up}) and returns at
   * once. Typical use, where the first pass should not wait for both in turn:
   *
   * <pre>{@code
   * CompletableFuture<Boolean> warmUp = WarmUp.start();
   * Sequential model = MobileNetV1.model(new WeightBinder(Weights.load(file)), 1000);
   * warmUp.join();
   * model.forward(image, 1, 224, 224, scores);
   * }</pre>
   *
   * @return completes with what {@link #run(Duration)} returns, or with what it threw
   * @throws IllegalArgumentException when {@code limit} is negative (at once, not through the
   *     future)
   */
  public static CompletableFuture<Boolean> start(Duration limit) {
    checkLimit(limit);
    return Background.supply("convgen-warm-up", () -> run(limit));
  }

  /**
   * Runs the NHWC bodies until C2 has compiled them, in the calling thread.
   *
   * @param limit the longest time to spend (a JVM that never compiles with C2, such as one
   *     started with {@code -XX:TieredStopAtLevel=1}, would otherwise wait forever)
   * @return whether every body was compiled within {@code limit}
   * @throws IllegalArgumentException when {@code limit} is negative
   */
  public static boolean run(Duration limit) {
    checkLimit(limit);
    return NhwcKernels.warmUp(limit.toNanos());
  }

  /** {@link #run(ConvLayer, int, int, Duration)} with {@link #DEFAULT_LIMIT}. */
  public static boolean run(ConvLayer model, int height, int width) {
    return run(model, height, width, DEFAULT_LIMIT);
  }

  /**
   * Runs only the bodies that stand for what {@code model} runs on inputs of this size (the
   * kernels in it, its parts', and theirs: {@link ConvLayer#parts}, {@link Linear},
   * {@link ParallelLayer}), until C2 has compiled them, in the calling thread: fewer compilations
   * than {@link #run()} for a model that uses few of them, once the model is built. Also runs
   * the plain loops between layers (layout transpositions, residual additions, pooling) until
   * they are compiled, and allocates the intermediate tensors a pass of one image of this size
   * borrows in the calling thread, so that its first pass there runs neither interpreted loops
   * nor allocations. Begins with a full collection ({@link #collectFirst}).
   *
   * @return whether every body it ran was compiled within {@code limit}
   * @throws IllegalArgumentException when {@code height} or {@code width} is not positive, or
   *     {@code limit} is negative
   * @throws NullPointerException when {@code model} is null
   */
  public static boolean run(ConvLayer model, int height, int width, Duration limit) {
    checkLimit(limit);
    Set<String> bodies = bodies(model, height, width);
    collectFirst();
    plainLoops();
    boolean compiled = NhwcKernels.warmUp(limit.toNanos(), bodies);
    prepare(model, height, width);
    return compiled;
  }

  /**
   * A full collection ({@link System#gc}, 9-40 ms; nothing under {@code -XX:+DisableExplicitGC})
   * before the warm-up allocates its boxed vectors, once the model is built: the heap is then
   * what is live (G1, MobileNet-v1: 88-99 MB in use -> 35 MB, the heap 388 -> 148 MB, the
   * garbage of reading and packing the weights gone), and the young collections during the
   * warm-up reuse a small young generation and copy no freshly built weights. Measured on
   * MobileNet-v1 read from its {@code .npz} (2-core AMD Zen 5, JDK 17, 4 pairs of alternated
   * fresh JVMs): first result 2253-2317 -> 1667-1803 ms on the default JVM, where G1 had grown
   * the young generation onto ~390 MB of fresh pages (a first touch costs 11 us a page on that
   * virtual machine), and 1195-1339 -> 909-1011 ms with {@code cold-start.args}, where young
   * collections had taken up to 66 ms while the heap grew to 1.4 GB (1-5 ms each after the full
   * collection). Before {@link #run()}, called first thing in a JVM, it measured mixed (2 of 3
   * launches sooner), so only here.
   */
  private static void collectFirst() {
    System.gc();
  }

  /**
   * Runs the plain loops a pass runs once per layer over a whole tensor (layout transpositions,
   * residual additions, global pooling) on tiny tensors, often enough for the JIT to compile
   * them (about 11 ms): a first pass otherwise runs them interpreted, a few ms per tensor (in a
   * fresh JVM a 3x224x224 image took 11.2 ms to transpose, 0.2-0.3 ms after this; MBConv's first
   * pass after the model's warm-up took 16-83 ms, its stages alone 0.1-0.6 ms each).
   */
  private static void plainLoops() {
    float[] image = new float[3 * 2 * 2];
    float[] nhwc = new float[16 * 2 * 2];
    float[] nchw = new float[nhwc.length];
    float[] pooled = new float[16];
    GlobalAveragePool pool = new GlobalAveragePool(16);
    for (int i = 0; i < PLAIN_LOOP_CALLS; i++) {
      NhwcLayout.toNhwc(image, nhwc, 1, 3, 2, 2); // an RGB image: three rows
      NhwcLayout.toNhwc(nchw, nhwc, 1, 16, 2, 2); // blocks of rows
      NhwcLayout.toNchw(nhwc, nchw, 1, 16, 2, 2);
      InvertedResidualBlock.add(nchw, nhwc);
      pool.forwardNhwc(nhwc, 1, 2, 2, pooled);
    }
  }

  /**
   * Fills the calling thread's array pool with the intermediate tensors a pass of one image of
   * this size borrows: the model's structure walked as a pass walks it, borrowing and giving back
   * the same arrays in the same order, without running its kernels.
   */
  private static void prepare(ConvLayer model, int height, int width) {
    float[] input = new float[model.inChannels() * height * width];
    float[] output =
        new float[model.outChannels() * model.outputHeight(height) * model.outputWidth(width)];
    borrowOnly(model, false, input, 1, height, width, output);
  }

  /**
   * Runs nothing and borrows what each layer would ({@link #borrowOnly}); a pointwise layer and
   * the depthwise one run together borrow nothing beyond the output the pass borrows for them,
   * and get their per-thread band of intermediate rows.
   */
  private static final Sequential.LayerRunner BORROW_ONLY = new Sequential.LayerRunner() {
    @Override
    public void run(ConvLayer layer, boolean nhwc, float[] input, int batch, int height,
        int width, float[] output) {
      borrowOnly(layer, nhwc, input, batch, height, width, output);
    }

    @Override
    public void runWithDepthwise(UnitKernel pointwise, UnitKernel depthwise, float[] input,
        int batch, int height, int width, float[] output) {
      pointwise.prepareWithDepthwise(depthwise, height, width);
    }
  };

  /** Borrows what a layer would, and computes nothing. */
  private static void borrowOnly(ConvLayer layer, boolean nhwc, float[] input, int batch,
      int height, int width, float[] output) {
    if (layer instanceof Sequential sequential) {
      sequential.run(input, nhwc, batch, height, width, output, nhwc, null, BORROW_ONLY);
    } else if (layer instanceof InvertedResidualBlock block) {
      borrowOnly(block.stages(), nhwc, input, batch, height, width, output);
    } else if (layer instanceof ParallelLayer parallel) {
      borrowOnly(parallel.layer(), nhwc, input, batch, height, width, output);
    } else if (layer instanceof SeparableBlock block) {
      ArrayPool pool = ArrayPool.ofThread();
      pool.giveBack(pool.borrow(block.intermediateLength(batch, height, width)));
    }
  }

  /** The warm-up bodies {@link #run(ConvLayer, int, int, Duration)} runs for the model. */
  static Set<String> bodies(ConvLayer model, int height, int width) {
    Objects.requireNonNull(model, "model");
    Arguments.requirePositive("height", height);
    Arguments.requirePositive("width", width);
    Set<String> keys = new TreeSet<>();
    collect(model, height, width, keys);
    return keys;
  }

  private static void collect(ConvLayer layer, int height, int width, Set<String> keys) {
    if (layer instanceof UnitKernel kernel) {
      kernel.warmUpKeys(height, width, keys);
    } else if (layer instanceof Linear linear) {
      collect(linear.kernel(), height, width, keys);
    } else if (layer instanceof ParallelLayer parallel) {
      collect(parallel.layer(), height, width, keys);
      return; // its parts are its layer's
    }
    for (NamedLayer part : layer.parts()) {
      ConvLayer inner = part.layer();
      collect(inner, height, width, keys);
      height = inner.outputHeight(height);
      width = inner.outputWidth(width);
    }
  }

  private static void checkLimit(Duration limit) {
    if (limit.isNegative()) {
      throw new IllegalArgumentException("limit: expected a duration >= 0, got " + limit);
    }
  }
}
