package dev.convgen.processor.plan;

import dev.convgen.processor.model.KernelSpec;
import dev.convgen.processor.model.StageSpec;
import dev.convgen.runtime.ConvGeometry;
import dev.convgen.runtime.internal.PlaneInterior;
import dev.convgen.runtime.internal.Schedule;
import java.util.ArrayList;
import java.util.List;

/**
 * Chooses each stage's schedule: every decision the emitters act on is made here, each with the
 * measurement or rule behind it. Every generated method is kept well under HotSpot's 8000-byte
 * JIT limit ({@code -XX:HugeMethodLimit}); methods above it would run interpreted.
 *
 * <p>Rules shared with the tuned generic kernels (pointwise register tile and pixel tile, the
 * plane interior) come from the runtime's {@code Schedule} and {@code PlaneInterior}, so the
 * specialized and the generic kernels are measured with the same loop order.
 */
public final class KernelPlanner {

  /**
   * The SIMD targets: every SIMD kernel is written for 256-bit vectors and 16 registers (AVX2) and
   * for 512-bit vectors and 32 registers (AVX-512), and picks one at construction from the JVM's
   * preferred width ({@code Vectorization.bits()}). Code fixed to 256 bits reaches at most about
   * 55% of an AVX-512 machine's FMA peak (124 of 225 GFLOP/s per core, measured on an Intel Xeon).
   */
  static final List<VectorShape> VECTORS = List.of(VectorShape.AVX2, VectorShape.AVX512);

  /**
   * Output channels per scalar pointwise register tile (x {@value #SCALAR_PIXELS} pixels: 12
   * accumulators in 16 registers).
   */
  static final int SCALAR_CHANNEL_BLOCK = 6;

  /** Pixels per scalar pointwise register tile. */
  static final int SCALAR_PIXELS = 2;

  /**
   * Vectors of pixels per SIMD pointwise register tile: with 4 channels, 8 accumulators = FMA
   * latency 4 x 2 FMA units (measurements in {@code Schedule}).
   */
  static final int POINTWISE_VECTORS = 2;

  /** Most taps unrolled into one straight-line expression (7x7 and below, and more). */
  static final int MAX_UNROLLED_TAPS = 64;

  /**
   * Vectors per call of the SIMD span leaf method: bounded, so one call is short and the method is
   * invoked often (compiled early and normally by C2, never on-stack-replacement).
   */
  static final int SPAN_VECTORS = 8;

  /** Input channels per straight-line reduction method under {@code Unroll.FULL}. */
  static final int FULL_UNROLL_CHUNK = 8;

  /** Bytecode budget per generated method; the JIT limit is 8000. */
  static final int METHOD_BYTES_BUDGET = 6000;

  /** Rough bytecode bytes per multiply-add with loads (measured on emitted kernels: 7..10). */
  private static final int BYTES_PER_MAC = 10;

  private final boolean simdAvailable;

  /** @param simdAvailable whether the compilation can see {@code jdk.incubator.vector} */
  public KernelPlanner(boolean simdAvailable) {
    this.simdAvailable = simdAvailable;
  }

  /** The plans of every stage of {@code spec}. */
  public SpecPlan plan(KernelSpec spec) {
    return new SpecPlan(spec, spec.stages().stream().map(this::plan).toList());
  }

  /** The plan for one stage. */
  public KernelPlan plan(StageSpec stage) {
    if (stage.runtimePadding() != null) {
      // one kernel per padding a run-time size can need, each planned as a fixed padding
      return new SamePaddedPlan(stage, stage.runtimePadding().variants().stream()
          .map(variant -> plan(stage.withGeometry(variant))).toList());
    }
    return stage.geometry().isPointwise() ? planPointwise(stage) : planSpatial(stage);
  }

  /**
   * The SIMD kernels read contiguous pixels: stride 1 only. (Measured and rejected for depthwise
   * stride 2: picking the even lanes of two loads with a two-vector {@code rearrange} is not
   * intrinsified on JDK 17 and allocated 4.5 MB per MobileNet block, 10.5 vs 23.7 GFLOP/s scalar.)
   */
  private boolean vectorizable(StageSpec stage) {
    return simdAvailable && stage.geometry().strideH() == 1 && stage.geometry().strideW() == 1;
  }

  /**
   * NHWC in networks wherever the runtime has an NHWC kernel (pointwise at any stride, depthwise
   * with multiplier 1, dense with groups 1; with SIMD, from one vector of output channels, checked
   * at run time for the width in use): there, stride-2 depthwise and pointwise and small planes
   * are plain vector loops, where NCHW runs them scalar or in partial vectors. Measured on the 13
   * MobileNet-v1 blocks, and pointwise stride 2 8x32x56x56 -> 64 (tuned, Zen 5, 512-bit): 181 us
   * in NHWC against 3,577 us in NCHW: {@code bench/results}.
   */
  private Layout networkLayout(StageSpec stage) {
    ConvGeometry g = stage.geometry();
    boolean hasNhwcKernel = g.isPointwise() || (g.isDepthwise() ? g.multiplier() == 1
        : g.groups() == 1);
    return simdAvailable && hasNhwcKernel && g.outChannels() >= VectorShape.AVX2.lanes()
        ? Layout.NHWC : Layout.NCHW;
  }

  private PointwisePlan planPointwise(StageSpec stage) {
    int in = stage.geometry().inChannels();
    boolean simd = vectorizable(stage);
    // The work unit is the register tile's channels, the same for both implementations.
    int channelBlock = Math.min(simd ? Schedule.channelBlock(in) : SCALAR_CHANNEL_BLOCK,
        stage.geometry().outChannels());
    int unroll = 1;
    for (int candidate : new int[] {8, 4, 2}) {
      if (in % candidate == 0
          && estimatedPointwiseBytes(channelBlock, SCALAR_PIXELS, candidate)
              <= METHOD_BYTES_BUDGET) {
        unroll = candidate;
        break;
      }
    }
    boolean flat = stage.geometry().strideH() == 1 && stage.geometry().strideW() == 1;
    return new PointwisePlan(stage, Layout.NCHW, networkLayout(stage), channelBlock,
        new PointwisePlan.ScalarTile(SCALAR_PIXELS, unroll, flat),
        simd ? vectorTiles(in, stage.fullUnroll() ? FULL_UNROLL_CHUNK : 0) : List.of());
  }

  /**
   * The pointwise micro-kernel's tile at every width, for a reduction over {@code reduction} rows
   * (input channels, or im2col panel rows). The channel block (the work unit) is the same at every
   * width; the pixels of a register tile, and so the pixel tile's multiple, grow with the lanes.
   */
  private static List<PointwisePlan.VectorTile> vectorTiles(int reduction, int straightLineChunk) {
    List<PointwisePlan.VectorTile> tiles = new ArrayList<>();
    for (VectorShape shape : VECTORS) {
      tiles.add(new PointwisePlan.VectorTile(shape, POINTWISE_VECTORS,
          Schedule.pixelTile(reduction, POINTWISE_VECTORS * shape.lanes()), straightLineChunk));
    }
    return List.copyOf(tiles);
  }

  /**
   * The scalar image method holds up to four copies of the reduction body (full and tail channel
   * block, each for a full and a tail pixel block).
   */
  static int estimatedPointwiseBytes(int channelBlock, int pixelBlock, int unroll) {
    int perStep = channelBlock * pixelBlock + channelBlock + pixelBlock;
    return 4 * unroll * perStep * BYTES_PER_MAC + 600;
  }

  private SpatialPlan planSpatial(StageSpec stage) {
    ConvGeometry g = stage.geometry();
    int taps = g.kernelH() * g.kernelW();
    boolean unrollAllTaps = taps <= MAX_UNROLLED_TAPS;
    // Dense and grouped output planes sum one filter per input channel of the group.
    boolean accumulates = !g.isDepthwise();
    SpatialPlan.Interior interior = null;
    if (stage.fixedSize()) {
      int outH = stage.outputHeight();
      int outW = stage.outputWidth();
      interior = new SpatialPlan.Interior(PlaneInterior.rowLo(g, outH),
          PlaneInterior.rowHi(g, stage.height(), outH), PlaneInterior.colLo(g, outW),
          PlaneInterior.colHi(g, stage.width(), outW));
    }
    if (accumulates && simdAvailable) {
      // Dense and grouped: a matrix product over im2col panels with the pointwise micro-kernel,
      // at any stride. Measured with the tuned generic kernel of the same design (Zen 5,
      // 512-bit): standard 3x3 8x32x56x56 -> 64 10.8 ms, against 46.0 ms plane by plane.
      int reduction = g.inChannelsPerGroup() * taps;
      return new SpatialPlan(stage, Layout.NCHW, networkLayout(stage), true, unrollAllTaps, interior, List.of(),
          new SpatialPlan.Gemm(Schedule.channelBlock(reduction), reduction,
              vectorTiles(reduction, 0)));
    }
    List<SpatialPlan.VectorSpan> vectors = new ArrayList<>();
    if (vectorizable(stage) && unrollAllTaps) {
      // One flat run across rows needs the output as wide as the input (its wrapped edge
      // columns are rewritten by the border code); not when accumulating, where the wrapped
      // columns would add values the border cannot take back.
      boolean flat = !accumulates && g.padLeft() + g.padRight() == g.extentW() - 1;
      for (VectorShape shape : VECTORS) {
        // Taps held in registers: as many as the register file has (16: 3x3 and 4x4; 32: 5x5).
        vectors.add(new SpatialPlan.VectorSpan(shape, SPAN_VECTORS, taps <= shape.registers(),
            flat));
      }
    }
    return new SpatialPlan(stage, Layout.NCHW, networkLayout(stage), accumulates, unrollAllTaps, interior,
        List.copyOf(vectors), null);
  }
}
