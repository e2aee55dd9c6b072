package dev.convgen.runtime.internal.nhwc;

import dev.convgen.annotations.Activation;
import dev.convgen.runtime.ConvGeometry;
import dev.convgen.runtime.internal.Background;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Runs the NHWC bodies on tiny zero inputs until C2 has compiled them, so that a fresh JVM's
 * first network pass runs compiled code instead of boxed vectors ({@code network.WarmUp}).
 *
 * <p>The bodies are chosen by the paths they take, not by any network: pointwise and dense
 * stride-2 stages (the in-place tiles and the im2col border) with a full panel, a 2-vector and a
 * 1-vector one (pointwise on a plane that ends in 5-pixel tiles and on one that ends in an
 * overlapping tile), depthwise 3x3 at stride 1 and 2 on small planes and on wide ones, and a 5x5
 * depthwise (the general tap loop). They are called in turn, one call each per round, and a
 * body is done once {@link #FAST_CALLS} calls in a row run at 1 GFLOP/s or more and a last one
 * allocates nothing: C2's code runs these tiny calls at 1.6-100 GFLOP/s without allocating,
 * interpreted and C1 code (every vector a heap object) at 0.01-2, on the machines measured.
 * Calling them until then matters: HotSpot
 * drops a queued compilation whose method has not run for 50 ms
 * ({@code TieredCompileTaskTimeout}), so bodies warmed one after the other, 300 calls each, then
 * left alone while the weights were read, had their compilations dropped (the 4-vector tile was
 * compiled only after the first pass). Bounded by a time limit, for JVMs that never compile
 * (interpreter only, C1 only). The shapes also take the branches networks take (an overlapping
 * last tile, several kernel rows per tile): code compiled from a profile that never took them
 * was thrown away and recompiled during MBConv's first pass on JDK 25.
 */
final class NhwcWarmUp {

  /** A call this fast (floating-point operations per nanosecond) runs C2's code... */
  private static final double COMPILED_FLOPS_PER_NANO = 1.0;

  /**
   * ...when this many calls in a row are, and then a last call allocates nothing (where the JVM
   * counts allocation per thread). Speed alone let C1's code through: every vector a heap
   * object, it ran the bodies at 0.2-0.7 GFLOP/s but now and then at 1-2 (at 512 bits a boxed
   * FMA carries 32 operations), while C2's ran them at 19-63 GFLOP/s (512-bit) and 2.6-23
   * (256-bit, the 1-vector tile the slowest): no threshold separates the two on every body.
   * The warm-up then returned before C2 had compiled the 4-vector tile, and MobileNet-v1's first
   * pass ran it boxed (92-263 ms in a block that takes 1, in 3 of 10-16 fresh JVMs on the Zen 5).
   */
  private static final int FAST_CALLS = 2;

  /** One body with its inputs. */
  private record Body(NhwcKernel kernel, float[] input, float[] output, int height, int width,
      int units, long compiledNanos) {
    static Body of(NhwcKernel kernel, ConvGeometry g, int height, int width) {
      return new Body(kernel, new float[g.inChannels() * height * width],
          new float[g.outChannels() * g.outputHeight(height) * g.outputWidth(width)], height,
          width, kernel.unitsPerImage(height, width),
          (long) (2 * g.macs(1, height, width) / COMPILED_FLOPS_PER_NANO));
    }

    /**
     * One call; with {@code blocked}, reading or writing the channel-blocked layout where the
     * body can (networks pass it between separable blocks), so that C2 compiles both paths.
     */
    void call(boolean blocked) {
      kernel.compute(input, 0, blocked && kernel.readsBlocked(height, width), output, 0,
          blocked && kernel.writesBlocked(height, width), height, width, 0, units);
    }
  }

  private NhwcWarmUp() {}

  /**
   * The body that stands for a register tile of {@code vectors} vectors: pointwise or dense (one
   * tile method, whose profile differs: one reduction row or several).
   */
  static String productKey(boolean dense, int vectors) {
    return (dense ? "dense tile, " : "pointwise tile, ") + vectors + " vectors";
  }

  /**
   * The body that stands for a depthwise stage on an input {@code width} pixels wide: 3x3 rows at
   * stride 1 or 2, on a padded copy of narrow planes or read directly from wide ones, or the
   * general tap loop for every other kernel.
   */
  static String depthwiseKey(ConvGeometry g, int width) {
    boolean rows = g.kernelH() == 3 && g.kernelW() == 3 && g.dilationH() == 1
        && g.dilationW() == 1 && g.strideH() == g.strideW() && g.strideW() <= 2;
    return rows ? "depthwise 3x3 stride " + g.strideW()
        + (NhwcDepthwise.slidesWithEdges(g, width) ? ", whole rows"
            : NhwcDepthwise.padded(g, width) ? ", padded" : ", direct")
        : "depthwise, general";
  }

  /**
   * Returns whether every body was compiled within {@code limitNanos}.
   *
   * @param keys the bodies to run ({@link #productKey}, {@link #depthwiseKey}), or null for all
   */
  static boolean run(long limitNanos, Set<String> keys) {
    long start = System.nanoTime();
    List<Body> bodies = new ArrayList<>();
    bodies().forEach((key, list) -> {
      if (keys == null || keys.contains(key)) {
        bodies.addAll(list);
      }
    });
    CompletableFuture<com.sun.management.ThreadMXBean> counter = allocationCounter();
    int n = bodies.size();
    int[] fastCalls = new int[n]; // in a row
    int left = n;
    for (int round = 0; left > 0; round++) {
      for (int i = 0; i < n; i++) {
        if (fastCalls[i] == FAST_CALLS) {
          continue;
        }
        Body body = bodies.get(i);
        long t = System.nanoTime();
        body.call((round & 1) == 1);
        fastCalls[i] = System.nanoTime() - t < body.compiledNanos() ? fastCalls[i] + 1 : 0;
        if (fastCalls[i] == FAST_CALLS) {
          left--;
        }
      }
      if (left == 0) {
        left = stillBoxing(bodies, fastCalls, counter.join());
      }
      if (System.nanoTime() - start > limitNanos) {
        return false;
      }
    }
    return true;
  }

  /**
   * Calls each body once more and counts those that allocated (boxed vectors: not C2's code),
   * setting their fast calls back to 0; none without a counter.
   */
  private static int stillBoxing(List<Body> bodies, int[] fastCalls,
      com.sun.management.ThreadMXBean threads) {
    if (threads == null) {
      return 0;
    }
    int boxing = 0;
    for (int i = 0; i < bodies.size(); i++) {
      long before = threads.getCurrentThreadAllocatedBytes();
      bodies.get(i).call(true);
      if (threads.getCurrentThreadAllocatedBytes() != before) {
        fastCalls[i] = 0;
        boxing++;
      }
    }
    return boxing;
  }

  /**
   * The JVM's per-thread allocation counter, where it has one, looked up in a thread of its own:
   * the management classes take ~30 ms to start in a fresh JVM, while the bodies run.
   */
  private static CompletableFuture<com.sun.management.ThreadMXBean> allocationCounter() {
    return Background.supply("convgen-warm-up-counter", () -> {
      try {
        if (ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean t
            && t.isThreadAllocatedMemorySupported() && t.isThreadAllocatedMemoryEnabled()) {
          return t;
        }
      } catch (RuntimeException | LinkageError e) {
        // no java.management or jdk.management module: speed alone decides
      }
      return null;
    });
  }

  /** Every body, by the key it stands for. */
  private static Map<String, List<Body>> bodies() {
    int l = NhwcGemm.L;
    Activation relu6 = Activation.RELU6;
    Map<String, List<Body>> bodies = new LinkedHashMap<>();
    for (int vectors : new int[] {NhwcGemm.WIDE, 2, 1}) {
      // 49 pixels: tiles of 6, then of 5, as most planes end (NhwcGemm.tiles; panels of 2 and 4
      // vectors); 14: a last tile overlapping the one before
      ConvGeometry pw = ConvGeometry.pointwise(l, vectors * l, 1, 1);
      if (vectors >= 2) {
        add(bodies, productKey(false, vectors),
            Body.of(new NhwcPointwise(pw, zeros(pw), null, relu6), pw, 7, 7));
      }
      add(bodies, productKey(false, vectors),
          Body.of(new NhwcPointwise(pw, zeros(pw), null, relu6), pw, 2, 7));
      // and reductions of several kernel rows, as the dense stages read them in place
      ConvGeometry dense = new ConvGeometry(3, vectors * l, 1, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1);
      add(bodies, productKey(true, vectors),
          Body.of(new NhwcDense(dense, zeros(dense), null, relu6), dense, 8, 16));
    }
    for (int stride = 1; stride <= 2; stride++) {
      ConvGeometry dw = ConvGeometry.depthwise(2 * l, 1, 3, 3, stride, stride, 1, 1, 1, 1, 1, 1);
      add(bodies, depthwiseKey(dw, 12),
          Body.of(new NhwcDepthwise(dw, zeros(dw), null, relu6), dw, 8, 12));
      ConvGeometry wide = ConvGeometry.depthwise(l, 1, 3, 3, stride, stride, 1, 1, 1, 1, 1, 1);
      int wideWidth = NhwcDepthwise.PADDED_INPUT_WIDTH + 12;
      add(bodies, depthwiseKey(wide, wideWidth),
          Body.of(new NhwcDepthwise(wide, zeros(wide), null, relu6), wide, 3, wideWidth));
    }
    ConvGeometry fiveByFive = ConvGeometry.depthwise(l, 1, 5, 5, 1, 1, 2, 2, 2, 2, 1, 1);
    add(bodies, depthwiseKey(fiveByFive, 12), Body.of(
        new NhwcDepthwise(fiveByFive, zeros(fiveByFive), null, relu6), fiveByFive, 4, 12));
    return bodies;
  }

  private static void add(Map<String, List<Body>> bodies, String key, Body body) {
    bodies.computeIfAbsent(key, k -> new ArrayList<>()).add(body);
  }

  private static float[] zeros(ConvGeometry g) {
    return new float[(int) g.weightCount()];
  }
}
