package dev.convgen.runtime.internal.nhwc;

import static jdk.incubator.vector.VectorOperators.GE;
import static jdk.incubator.vector.VectorOperators.LE;

import dev.convgen.annotations.Activation;
import dev.convgen.runtime.Vectorization;
import dev.convgen.runtime.internal.ThreadBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The NHWC matrix product {@code y[p][k] = act(bias[k] + sum_c x[p][c] w[k][c])} over rows of
 * pixels: the pointwise convolution, and the dense one, whose reduction the tiles read in place
 * as one run of input floats per kernel row ({@link #direct}). Output channels sit in vector
 * lanes: weights are packed in panels of {@link #WIDE} vectors ({@code [panel][c][lanes]}; a
 * pointwise stage's 4-vector panels vector by vector, {@link #vectorStride}), and the register
 * tile is {@link #PIXELS} pixels x one panel, each input value broadcast once and multiplied into
 * every vector of the panel.
 *
 * <p>Tile per width: 6 pixels x 4 vectors at 512 bits (24 of 32 zmm registers hold
 * accumulators), 6 x 2 at 256 bits (12 of 16 ymm; 6 x 4 spills there, as the earlier NHWC
 * prototypes on the Intel AVX-512 machine showed; pointwise stages on JDK 25 run 4 x 2,
 * {@link #FOUR_PIXEL_TILES_256}). Measured with this class on a Zen 5 (AVX-512):
 * 150-228 GFLOP/s on MobileNet-v1's pointwise shapes at 512 bits (FMA peak 211-220), 93-112 at
 * 256 bits under {@code -XX:UseAVX=2} (peak 108-110). Output channels that do not fill a whole
 * panel run in panels of 2 or 1 vectors; a last vector that would pass the end overlaps the one
 * before (its channels are computed twice, with identical results). Pixel counts that are no
 * multiple of 6 end in tiles of 5 pixels where the panel has a pointwise 5-pixel tile (2 or 4
 * vectors) and the count allows (at least 5 per tile: every count from 20 on), otherwise in a
 * last tile overlapping the one before, so no scalar tail runs; fewer pixels than a tile run a
 * whole tile into a scratch ({@link #tiles} has the measurements). Needs at least
 * one vector of output channels. The output is NHWC or, for a depthwise stage after it,
 * channel-blocked ({@code [channels / L][pixels][L]}: only the stores' strides differ). Each
 * tile has two loops: a pointwise stage's plain counted one ({@link #tile4Row}) and a dense
 * stage's, which wraps from one kernel row to the next ({@link #tile4}).
 */
final class NhwcGemm {

  /**
   * The width of every NHWC body, read when this class is first used (once per JVM, as for the
   * tuned kernels); a static final species keeps vectors in registers.
   */
  static final VectorSpecies<Float> F =
      Vectorization.bits() == 512 ? FloatVector.SPECIES_512 : FloatVector.SPECIES_256;
  /** Lanes per vector. */
  static final int L = F.length();
  /** Vectors per full panel. */
  static final int WIDE = L == 16 ? 4 : 2;
  /** Pixels per register tile. */
  static final int PIXELS = 6;
  /**
   * Whether networks pass channel-blocked tensors from a pointwise stage to the depthwise stage
   * after it ({@link NhwcPointwise#writesBlocked}, {@link NhwcDepthwise#readsBlocked}): at 512
   * bits, where whole 4-vector panels ({@link #tile4}) write them. At 256 bits the widest tile
   * is {@link #tile2}, which must keep constant strides (see there), so the tensors stay NHWC.
   */
  static final boolean BLOCKED_LAYOUT = L == 16;
  /** The property that forces the 256-bit pointwise tile: {@code 4x2} or {@code 6x2}. */
  static final String TILE_256_PROPERTY = "convgen.nhwc.tile256";
  /**
   * Whether a pointwise stage's 2-vector panels run tiles of 4 pixels ({@link #tile2Row4}, the
   * last overlapping the one before) instead of 6 and 5: at 256 bits on JDK 25 and later, unless
   * {@value #TILE_256_PROPERTY} says otherwise (the tests run both). JDK 25's C2 runs the 6 x 2
   * and 5 x 2 tiles at half speed where it unrolls their loops, and the 4 x 2 one at full speed;
   * JDK 17 runs 6 x 2 fastest. Measured on a Zen 5 under -XX:UseAVX=2, a standalone 256-bit tile
   * over 512 steps, GFLOP/s (JDK 17 / JDK 25): 6 x 2 96 / 46, 5 x 2 91 / 39, 4 x 2 85 / 90, 3 x 3
   * 89 / 92; MobileNet-v1 on JDK 25, one thread, fresh JVMs in turn: 26.5 ms a pass with 6 x 2,
   * 16.8-18.3 with 4 x 2, where JDK 17 ran 16.3-18.1 in the same minutes (13-15 in calmer ones).
   */
  static final boolean FOUR_PIXEL_TILES_256 = L == 8 && fourPixelTiles256();


  private final int reduction;
  private final int out;
  /** Per panel: first output channel, vectors, offset of its packed weights. */
  private final int[] panelStart;
  private final int[] panelVectors;
  private final int[] panelOffset;
  private final float[] packed;
  /**
   * Floats from one vector of a pointwise stage's 4-vector panel to the next: such a panel is
   * packed vector by vector ({@code [vector][c][lanes]}, each vector's channels one run of
   * {@code reduction x L} floats), so its tiles read the weights as four streams, as ONNX
   * Runtime's NCHWc pointwise kernel reads one filter stream per block of 16 output channels;
   * other panels interleave their vectors ({@code [c][vector][lanes]}, one stream). The weights
   * of MobileNet-v1's late stages come from memory in a pass, and one core fetches four streams
   * faster than one. Measured on a Zen 5 (512-bit; harness, the two packings alternated in one
   * JVM, medians of 200 calls, weights evicted by a 64 MB sweep / hot): 1024 -> 1000 at one
   * pixel (the classifier) 0.70-0.95x the time / 0.83-1.03x, 1024 -> 1024 at 7x7 0.90-0.98x /
   * 0.98-1.00x, 512 -> 1024 at 7x7 0.89-1.00x / 0.99-1.01x, 512 -> 512 at 14x14 0.98-1.01x /
   * 1.00-1.01x; MobileNet-v1, one thread, per-round medians of 30 rounds of 20 passes alternated:
   * 0.983, 0.984 and 0.987, 1.048 in a fourth run; two threads 0.99-1.07.
   */
  private final int vectorStride;
  /** One value per output channel, zeros without a bias. */
  private final float[] bias;
  /**
   * The activation as a clamp to {@code [low, high]} (NONE: infinite bounds, which leave every
   * value, NaN and -0 included, as it is), applied on the stores. Not a helper method: a vector
   * passed to a method C2 does not inline is boxed (measured: 84 instead of 134 GFLOP/s on
   * 32 -> 64, 512-bit). Passed to the tiles as arguments: read from the fields inside them, the
   * 256-bit tile ran at 48 instead of 112 GFLOP/s under -XX:UseAVX=2 (512 -> 512, 14x14).
   *
   * <p>Each bound is a compare and a blend ({@code v <= low ? low : v}, then {@code >= high}),
   * not {@code max}/{@code min}: those follow {@link Math#max}'s rules for NaN and signed zeros,
   * which C2 compiles into a sequence of blends around the max instruction. For the bounds an
   * activation has here (low 0 or -inf, high 6 or +inf) the results are the same bit for bit: a
   * NaN compares false and stays NaN, -0 is at most 0 and becomes 0. Measured on a Zen 5, the
   * builds alternated in one JVM, MobileNet-v1 per-round medians of 30 rounds of 20 passes:
   * JDK 25 0.977x the time (two threads 0.979), JDK 17 1.000 (1.015); under -XX:UseAVX=2 0.954 on
   * JDK 17; the pointwise shapes alone on JDK 25 0.90x (32 -> 64 at 112x112) to 0.99x (1024 ->
   * 1024 at 7x7). The depthwise rows keep max/min: the same change there measured 1.006 on JDK 17
   * and 0.997 on JDK 25. Written out at every store for the reason above: as a helper
   * {@code clamp(v, lo, hi)} C2 on JDK 17 did not inline it, and the tiles ran 2-3.3x slower.
   */
  private final float low;
  private final float high;
  /** Per thread: the input pixels of a tile run for fewer than {@link #PIXELS} pixels. */
  private final ThreadBuffer scratchPixels = new ThreadBuffer();
  /** Per thread: the output rows of such a tile. */
  private final ThreadBuffer scratchRows = new ThreadBuffer();

  /**
   * Whether every product reads one run of {@code reduction} input floats per pixel (a pointwise
   * stage): its register tiles then run a plain counted loop ({@link #tile4Row}, {@link
   * #tile2Row}); a dense stage's tiles take several kernel rows and wrap between them. One kind of
   * loop per stage, so that a network compiles one tile method per panel width for each kind.
   */
  private final boolean pointwise;

  /**
   * @param weight {@code [out][reduction]}, row-major
   * @param bias {@code [out]}, or null
   * @param pointwise whether every product reads one run of input floats per pixel
   */
  NhwcGemm(int reduction, int out, float[] weight, float[] bias, Activation activation,
      boolean pointwise) {
    if (out < L) {
      throw new IllegalArgumentException("out: expected at least " + L + " channels, got " + out);
    }
    this.reduction = reduction;
    this.out = out;
    this.pointwise = pointwise;
    this.bias = bias != null ? bias.clone() : new float[out];
    this.low = lowBound(activation);
    this.high = highBound(activation);
    // panels of WIDE vectors, then of 2 and 1 for the rest; a panel that would pass the last
    // channel ends at it instead, overlapping the previous one. Where full panels alone cover
    // the channels with at most 1/8 computed twice (a classifier's 1000 = 16 x 64 - 24), they
    // do: a narrow last panel runs a tile method nothing else may use, which in a fresh JVM a
    // one-pixel layer calls too rarely to compile (1000 classes: 4-10 ms a pass for ~40 passes).
    int wideLanes = WIDE * L;
    boolean allWide = out >= wideLanes
        && (long) (out + wideLanes - 1) / wideLanes * wideLanes * 8 <= 9L * out;
    List<int[]> panels = new ArrayList<>();
    int offset = 0;
    for (int covered = 0; covered < out; ) {
      int left = (out - covered + L - 1) / L;
      int width = WIDE;
      while (!allWide && width > 1 && (width > left || width * L > out)) {
        width /= 2;
      }
      int start = Math.min(covered, out - width * L);
      panels.add(new int[] {start, width, offset});
      covered = start + width * L;
      offset += width * L * reduction;
    }
    panelStart = panels.stream().mapToInt(p -> p[0]).toArray();
    panelVectors = panels.stream().mapToInt(p -> p[1]).toArray();
    panelOffset = panels.stream().mapToInt(p -> p[2]).toArray();
    vectorStride = reduction * L;
    packed = new float[offset];
    for (int p = 0; p < panelStart.length; p++) {
      int lanes = panelVectors[p] * L;
      for (int j = 0; j < lanes; j++) { // rows read front to back, as WeightPacking does
        int row = (panelStart[p] + j) * reduction;
        for (int c = 0; c < reduction; c++) {
          packed[packedIndex(p, j, c)] = weight[row + c];
        }
      }
    }
  }

  /** Whether panel {@code p} is packed vector by vector ({@link #vectorStride}). */
  private boolean vectorByVector(int p) {
    return pointwise && panelVectors[p] == 4;
  }

  /** Where the weight of the panel's channel {@code j} (from its first) for input {@code c} is. */
  private int packedIndex(int p, int j, int c) {
    return vectorByVector(p)
        ? panelOffset[p] + j / L * vectorStride + c * L + j % L
        : panelOffset[p] + c * panelVectors[p] * L + j;
  }

  /** The weights {@code [out][reduction]}, rebuilt from the panels. */
  float[] weights() {
    float[] weight = new float[out * reduction];
    for (int p = 0; p < panelStart.length; p++) {
      int lanes = panelVectors[p] * L;
      for (int j = 0; j < lanes; j++) {
        int row = (panelStart[p] + j) * reduction;
        for (int c = 0; c < reduction; c++) {
          weight[row + c] = packed[packedIndex(p, j, c)];
        }
      }
    }
    return weight;
  }

  /** The lower clamp of an activation applied on the stores (NONE: none, so NaN and -0 pass). */
  static float lowBound(Activation activation) {
    return activation == Activation.NONE ? Float.NEGATIVE_INFINITY : 0f;
  }

  /** The upper clamp of an activation applied on the stores. */
  static float highBound(Activation activation) {
    return activation == Activation.RELU6 ? 6f : Float.POSITIVE_INFINITY;
  }

  /** E.g. {@code SIMD 512-bit}. */
  static String width() {
    return "SIMD " + F.vectorBitSize() + "-bit";
  }

  /** {@link #FOUR_PIXEL_TILES_256}'s choice where the width is 256 bits. */
  private static boolean fourPixelTiles256() {
    String forced = System.getProperty(TILE_256_PROPERTY);
    if (forced == null) {
      return Runtime.version().feature() >= 25;
    }
    if (!forced.equals("4x2") && !forced.equals("6x2")) {
      throw new IllegalArgumentException(TILE_256_PROPERTY + ": expected 4x2 or 6x2, got "
          + forced);
    }
    return forced.equals("4x2");
  }

  /** Panels of output channels: the units a weight-heavy product is split by between threads. */
  int panels() {
    return panelStart.length;
  }

  /**
   * The warm-up bodies of this product's register tiles: one per panel width, pointwise or dense
   * (the same tile method with the profile of one reduction row or of several). Measured: adding
   * the other kind's body too, so that C2 sees both profiles, made MobileNet-v1's model warm-up
   * as slow as the whole one (first result 992 against 1019 ms, 5 pairs) for no steadier first
   * pass.
   */
  void warmUpKeys(boolean dense, Set<String> keys) {
    for (int vectors : panelVectors) {
      keys.add(NhwcWarmUp.productKey(dense, vectors));
    }
  }

  /** Output channels. */
  int outChannels() {
    return out;
  }

  /** {@link #pixels(float[], int, float[], int, int, int, int, int, int)} over every panel. */
  void pixels(float[] x, int xo, float[] y, int yo, int from, int to) {
    pixels(x, xo, y, yo, 0, from, to, 0, panelStart.length);
  }

  /**
   * Output pixels {@code [from, to)}, panels {@code [firstPanel, lastPanel)}: pixel {@code q}
   * reads {@code x[xo + q * reduction ...]} and writes {@code y[yo + q * out ...]}, or with
   * {@code plane} > 0 channel-blocked: channel {@code k} of pixel {@code q} at
   * {@code y[yo + k / L * plane + q * L + k % L]}. Panels outside, pixel tiles inside: a panel's
   * weights stay in cache while the pixels stream past.
   */
  void pixels(float[] x, int xo, float[] y, int yo, int plane, int from, int to, int firstPanel,
      int lastPanel) {
    int count = to - from;
    if (count >= PIXELS) {
      tiles(x, xo + from * reduction, reduction, reduction, 1, 0, 0, y,
          yo + from * (plane == 0 ? out : L), plane, count, firstPanel, lastPanel);
      return;
    }
    if (count <= 0 || firstPanel >= lastPanel) {
      return;
    }
    // fewer pixels than a tile (a classifier's one pixel): a whole tile into a per-thread
    // scratch, one pixel read six times or the few copied, and the channels wanted copied out
    float[] rows = scratchRows.exactly(PIXELS * out);
    if (count == 1) {
      tiles(x, xo + from * reduction, 0, reduction, 1, 0, 0, rows, 0, 0, PIXELS, firstPanel,
          lastPanel);
    } else {
      float[] pixels = scratchPixels.exactly(PIXELS * reduction);
      System.arraycopy(x, xo + from * reduction, pixels, 0, count * reduction);
      tiles(pixels, 0, reduction, reduction, 1, 0, 0, rows, 0, 0, PIXELS, firstPanel,
          lastPanel);
    }
    int k0 = panelStart[firstPanel];
    int k1 = panelStart[lastPanel - 1] + panelVectors[lastPanel - 1] * L;
    for (int q = 0; q < count; q++) {
      if (plane == 0) {
        System.arraycopy(rows, q * out + k0, y, yo + (from + q) * out + k0, k1 - k0);
      } else { // whole blocks: a blocked output has whole vectors of channels
        for (int k = k0; k < k1; k += L) {
          System.arraycopy(rows, q * out + k, y, yo + k / L * plane + (from + q) * L, L);
        }
      }
    }
  }

  /**
   * A dense convolution's output pixels read straight from the input, without an im2col copy:
   * {@code count} (at least {@link #PIXELS}) consecutive output pixels, pixel {@code q}'s
   * reduction being {@code rows} runs of {@code length} consecutive input floats, the first at
   * {@code x[xa + q * pixelStep]}, each next one {@code rowStep} further; the runs are reduction
   * rows {@code firstRow, firstRow + 1, ...} of {@code length} values each (a kernel row's taps
   * in NHWC; rows outside the input are left out, as if zero). Writes {@code y[ya + q * out ...]}.
   */
  void direct(float[] x, int xa, int pixelStep, int length, int firstRow, int rows,
      int rowStep, float[] y, int ya, int count) {
    tiles(x, xa, pixelStep, length, rows, rowStep, firstRow * length, y, ya, 0, count, 0,
        panelStart.length);
  }

  /**
   * Panels outside, pixel tiles inside: a panel's weights stay in cache while the pixels stream
   * past. {@code skip}: reduction steps left out at the start of every panel.
   *
   * <p>A 7x7 plane's 49 pixels ran as 9 tiles of 6, the last overlapping the one before: 54
   * pixels computed, 10% more than needed, on MobileNet-v1's two stages with the most weights
   * (512 -> 1024 and 1024 -> 1024, where ONNX Runtime's nodes alone were 11-14% faster). As 4
   * tiles of 6 and 5 of 5 (Zen 5, both schedules alternated in one JVM, 30 rounds of 20 passes):
   * the whole network 7,259 -> 7,130 and 7,661 -> 7,527 us a pass at 512 bits (1.4-1.8%; two
   * threads 1.2-1.3%), 13,383 -> 13,224 us at 256 bits under -XX:UseAVX=2 (1.2%; two threads
   * 1.8%); MBConv, whose 7x7 stages are narrow, 2,099 -> 2,097. Dense stages keep the overlap:
   * their in-place rows are mostly whole tiles (a 56-wide 3x3 output row has 54 interior
   * columns) or long (the stem's 111).
   */
  private void tiles(float[] x, int xa, int pixelStep, int length, int rows, int rowStep,
      int skip, float[] y, int ya, int plane, int count, int firstPanel, int lastPanel) {
    // NHWC (plane 0): pixels out floats apart, a panel's vectors L apart; channel-blocked: pixels
    // L apart, vectors a plane apart. Without branches, so both run the same compiled tiles.
    int nhwc = plane == 0 ? 1 : 0;
    int m = nhwc * out + (1 - nhwc) * L;
    int v = nhwc * L + plane;
    // tiles of 6 pixels, and where the count is no multiple of 6, the last ones of 5 (49 = 4 x 6
    // + 5 x 5), if there are pointwise tiles of 5 for the panel and the count takes them
    int tileCount = (count + PIXELS - 1) / PIXELS;
    int mixedSixes = count >= 5 * tileCount ? count - 5 * tileCount : tileCount;
    for (int p = firstPanel; p < lastPanel; p++) {
      int k = panelStart[p];
      int vectors = panelVectors[p];
      int wp = panelOffset[p] + skip * vectors * L;
      int yk = ya + k * nhwc + k / L * plane; // the panel's first channel, pixel 0
      if (FOUR_PIXEL_TILES_256 && vectors == 2 && pointwise) {
        for (int q0 = 0; q0 < count; q0 += 4) { // the last tile overlaps the one before
          int q = Math.min(q0, count - 4);
          tile2Row4(x, xa + q * pixelStep, pixelStep, length, y, yk + q * m, wp, k, low, high);
        }
        continue;
      }
      int sixes = pointwise && vectors >= 2 ? mixedSixes : tileCount;
      for (int t = 0, q0 = 0; t < tileCount; t++) {
        if (t >= sixes) { // 5-pixel tiles, after the 6-pixel ones
          int xq = xa + q0 * pixelStep;
          int yq = yk + q0 * m;
          if (vectors == 4) {
            tile4Row5(x, xq, pixelStep, length, y, yq, m, v, wp, vectorStride, k, low, high);
          } else {
            tile2Row5(x, xq, pixelStep, length, y, yq, wp, k, low, high);
          }
          q0 += 5;
          continue;
        }
        // without 5-pixel tiles, a last partial tile overlaps the one before
        int q = Math.min(q0, count - PIXELS);
        q0 += PIXELS;
        int xq = xa + q * pixelStep;
        int yq = yk + q * m;
        if (vectors == 4 && pointwise) {
          tile4Row(x, xq, pixelStep, length, y, yq, m, v, wp, vectorStride, k, low, high);
        } else if (vectors == 4) {
          tile4(x, xq, pixelStep, length, rows, rowStep, y, yq, m, v, wp, k, low, high);
        } else if (vectors == 2 && pointwise) {
          tile2Row(x, xq, pixelStep, length, y, yq, wp, k, low, high);
        } else if (vectors == 2) { // NHWC only (writesBlocked: whole 4-vector panels)
          tile2(x, xq, pixelStep, length, rows, rowStep, y, yq, wp, k, low, high);
        } else {
          tile1(x, xq, pixelStep, length, rows, rowStep, y, yq, wp, k, low, high);
        }
      }
    }
  }

  /**
   * 6 pixels x 4 vectors: 24 accumulators, stored {@code m} floats apart per pixel and {@code v}
   * per vector (NHWC or channel-blocked, {@link #tiles}).
   */
  private void tile4(float[] x, int xa, int n, int length, int rows, int rowStep, float[] y,
      int ya, int m, int v, int wp, int k, float low, float high) {
    float[] w = packed;
    FloatVector a00 = FloatVector.fromArray(F, bias, k);
    FloatVector a01 = FloatVector.fromArray(F, bias, k + L);
    FloatVector a02 = FloatVector.fromArray(F, bias, k + 2 * L);
    FloatVector a03 = FloatVector.fromArray(F, bias, k + 3 * L);
    FloatVector a10 = a00, a11 = a01, a12 = a02, a13 = a03;
    FloatVector a20 = a00, a21 = a01, a22 = a02, a23 = a03;
    FloatVector a30 = a00, a31 = a01, a32 = a02, a33 = a03;
    FloatVector a40 = a00, a41 = a01, a42 = a02, a43 = a03;
    FloatVector a50 = a00, a51 = a01, a52 = a02, a53 = a03;
    // rows x length steps as one loop (a nested loop made C2 box the accumulators)
    int end = xa + length;
    for (int t = rows * length, c = xa; t > 0; t--) {
      FloatVector w0 = FloatVector.fromArray(F, w, wp);
      FloatVector w1 = FloatVector.fromArray(F, w, wp + L);
      FloatVector w2 = FloatVector.fromArray(F, w, wp + 2 * L);
      FloatVector w3 = FloatVector.fromArray(F, w, wp + 3 * L);
      FloatVector b = FloatVector.broadcast(F, x[c]);
      a00 = w0.fma(b, a00);
      a01 = w1.fma(b, a01);
      a02 = w2.fma(b, a02);
      a03 = w3.fma(b, a03);
      b = FloatVector.broadcast(F, x[c + n]);
      a10 = w0.fma(b, a10);
      a11 = w1.fma(b, a11);
      a12 = w2.fma(b, a12);
      a13 = w3.fma(b, a13);
      b = FloatVector.broadcast(F, x[c + 2 * n]);
      a20 = w0.fma(b, a20);
      a21 = w1.fma(b, a21);
      a22 = w2.fma(b, a22);
      a23 = w3.fma(b, a23);
      b = FloatVector.broadcast(F, x[c + 3 * n]);
      a30 = w0.fma(b, a30);
      a31 = w1.fma(b, a31);
      a32 = w2.fma(b, a32);
      a33 = w3.fma(b, a33);
      b = FloatVector.broadcast(F, x[c + 4 * n]);
      a40 = w0.fma(b, a40);
      a41 = w1.fma(b, a41);
      a42 = w2.fma(b, a42);
      a43 = w3.fma(b, a43);
      b = FloatVector.broadcast(F, x[c + 5 * n]);
      a50 = w0.fma(b, a50);
      a51 = w1.fma(b, a51);
      a52 = w2.fma(b, a52);
      a53 = w3.fma(b, a53);
      wp += 4 * L;
      if (++c == end) {
        c += rowStep - length;
        end += rowStep;
      }
    }
    FloatVector lo = FloatVector.broadcast(F, low);
    FloatVector hi = FloatVector.broadcast(F, high);
    a00 = a00.blend(lo, a00.compare(LE, lo));
    a00.blend(hi, a00.compare(GE, hi)).intoArray(y, ya);
    a01 = a01.blend(lo, a01.compare(LE, lo));
    a01.blend(hi, a01.compare(GE, hi)).intoArray(y, ya + v);
    a02 = a02.blend(lo, a02.compare(LE, lo));
    a02.blend(hi, a02.compare(GE, hi)).intoArray(y, ya + 2 * v);
    a03 = a03.blend(lo, a03.compare(LE, lo));
    a03.blend(hi, a03.compare(GE, hi)).intoArray(y, ya + 3 * v);
    a10 = a10.blend(lo, a10.compare(LE, lo));
    a10.blend(hi, a10.compare(GE, hi)).intoArray(y, ya + m);
    a11 = a11.blend(lo, a11.compare(LE, lo));
    a11.blend(hi, a11.compare(GE, hi)).intoArray(y, ya + m + v);
    a12 = a12.blend(lo, a12.compare(LE, lo));
    a12.blend(hi, a12.compare(GE, hi)).intoArray(y, ya + m + 2 * v);
    a13 = a13.blend(lo, a13.compare(LE, lo));
    a13.blend(hi, a13.compare(GE, hi)).intoArray(y, ya + m + 3 * v);
    a20 = a20.blend(lo, a20.compare(LE, lo));
    a20.blend(hi, a20.compare(GE, hi)).intoArray(y, ya + 2 * m);
    a21 = a21.blend(lo, a21.compare(LE, lo));
    a21.blend(hi, a21.compare(GE, hi)).intoArray(y, ya + 2 * m + v);
    a22 = a22.blend(lo, a22.compare(LE, lo));
    a22.blend(hi, a22.compare(GE, hi)).intoArray(y, ya + 2 * m + 2 * v);
    a23 = a23.blend(lo, a23.compare(LE, lo));
    a23.blend(hi, a23.compare(GE, hi)).intoArray(y, ya + 2 * m + 3 * v);
    a30 = a30.blend(lo, a30.compare(LE, lo));
    a30.blend(hi, a30.compare(GE, hi)).intoArray(y, ya + 3 * m);
    a31 = a31.blend(lo, a31.compare(LE, lo));
    a31.blend(hi, a31.compare(GE, hi)).intoArray(y, ya + 3 * m + v);
    a32 = a32.blend(lo, a32.compare(LE, lo));
    a32.blend(hi, a32.compare(GE, hi)).intoArray(y, ya + 3 * m + 2 * v);
    a33 = a33.blend(lo, a33.compare(LE, lo));
    a33.blend(hi, a33.compare(GE, hi)).intoArray(y, ya + 3 * m + 3 * v);
    a40 = a40.blend(lo, a40.compare(LE, lo));
    a40.blend(hi, a40.compare(GE, hi)).intoArray(y, ya + 4 * m);
    a41 = a41.blend(lo, a41.compare(LE, lo));
    a41.blend(hi, a41.compare(GE, hi)).intoArray(y, ya + 4 * m + v);
    a42 = a42.blend(lo, a42.compare(LE, lo));
    a42.blend(hi, a42.compare(GE, hi)).intoArray(y, ya + 4 * m + 2 * v);
    a43 = a43.blend(lo, a43.compare(LE, lo));
    a43.blend(hi, a43.compare(GE, hi)).intoArray(y, ya + 4 * m + 3 * v);
    a50 = a50.blend(lo, a50.compare(LE, lo));
    a50.blend(hi, a50.compare(GE, hi)).intoArray(y, ya + 5 * m);
    a51 = a51.blend(lo, a51.compare(LE, lo));
    a51.blend(hi, a51.compare(GE, hi)).intoArray(y, ya + 5 * m + v);
    a52 = a52.blend(lo, a52.compare(LE, lo));
    a52.blend(hi, a52.compare(GE, hi)).intoArray(y, ya + 5 * m + 2 * v);
    a53 = a53.blend(lo, a53.compare(LE, lo));
    a53.blend(hi, a53.compare(GE, hi)).intoArray(y, ya + 5 * m + 3 * v);
  }

  /**
   * {@link #tile4} over one run of {@code length} input floats per pixel (pointwise stages): the
   * same register tile in a plain counted loop, without the row wrap. C2's code for the general
   * loop was 2-4x slower in about half of the JVM launches without loop strip mining (the Serial
   * and Parallel collectors: MobileNet-v1 17-21 ms a pass in 9 of 14 launches with {@code
   * -XX:+UseSerialGC}, 0 of 14 with this loop, alternated, Zen 5); with G1 this loop also ran the
   * pointwise shapes 5-7% faster (same JVM: 512 -> 512 at 14x14 587 -> 558 us, 1024 -> 1024 at
   * 7x7 657 -> 614, 128 -> 128 at 56x56 644 -> 607). The body is the general tile's, written out
   * again: a vector passed to a method C2 does not inline is boxed, so the two loops cannot share
   * a helper. Its panel is packed vector by vector: the vectors are {@code ws} floats apart
   * ({@link #vectorStride}).
   */
  private void tile4Row(float[] x, int xa, int n, int length, float[] y, int ya, int m, int v,
      int wp, int ws, int k, float low, float high) {
    float[] w = packed;
    FloatVector a00 = FloatVector.fromArray(F, bias, k);
    FloatVector a01 = FloatVector.fromArray(F, bias, k + L);
    FloatVector a02 = FloatVector.fromArray(F, bias, k + 2 * L);
    FloatVector a03 = FloatVector.fromArray(F, bias, k + 3 * L);
    FloatVector a10 = a00, a11 = a01, a12 = a02, a13 = a03;
    FloatVector a20 = a00, a21 = a01, a22 = a02, a23 = a03;
    FloatVector a30 = a00, a31 = a01, a32 = a02, a33 = a03;
    FloatVector a40 = a00, a41 = a01, a42 = a02, a43 = a03;
    FloatVector a50 = a00, a51 = a01, a52 = a02, a53 = a03;
    int end = xa + length;
    for (int c = xa; c < end; c++) {
      FloatVector w0 = FloatVector.fromArray(F, w, wp);
      FloatVector w1 = FloatVector.fromArray(F, w, wp + ws);
      FloatVector w2 = FloatVector.fromArray(F, w, wp + 2 * ws);
      FloatVector w3 = FloatVector.fromArray(F, w, wp + 3 * ws);
      FloatVector b = FloatVector.broadcast(F, x[c]);
      a00 = w0.fma(b, a00);
      a01 = w1.fma(b, a01);
      a02 = w2.fma(b, a02);
      a03 = w3.fma(b, a03);
      b = FloatVector.broadcast(F, x[c + n]);
      a10 = w0.fma(b, a10);
      a11 = w1.fma(b, a11);
      a12 = w2.fma(b, a12);
      a13 = w3.fma(b, a13);
      b = FloatVector.broadcast(F, x[c + 2 * n]);
      a20 = w0.fma(b, a20);
      a21 = w1.fma(b, a21);
      a22 = w2.fma(b, a22);
      a23 = w3.fma(b, a23);
      b = FloatVector.broadcast(F, x[c + 3 * n]);
      a30 = w0.fma(b, a30);
      a31 = w1.fma(b, a31);
      a32 = w2.fma(b, a32);
      a33 = w3.fma(b, a33);
      b = FloatVector.broadcast(F, x[c + 4 * n]);
      a40 = w0.fma(b, a40);
      a41 = w1.fma(b, a41);
      a42 = w2.fma(b, a42);
      a43 = w3.fma(b, a43);
      b = FloatVector.broadcast(F, x[c + 5 * n]);
      a50 = w0.fma(b, a50);
      a51 = w1.fma(b, a51);
      a52 = w2.fma(b, a52);
      a53 = w3.fma(b, a53);
      wp += L;
    }
    FloatVector lo = FloatVector.broadcast(F, low);
    FloatVector hi = FloatVector.broadcast(F, high);
    a00 = a00.blend(lo, a00.compare(LE, lo));
    a00.blend(hi, a00.compare(GE, hi)).intoArray(y, ya);
    a01 = a01.blend(lo, a01.compare(LE, lo));
    a01.blend(hi, a01.compare(GE, hi)).intoArray(y, ya + v);
    a02 = a02.blend(lo, a02.compare(LE, lo));
    a02.blend(hi, a02.compare(GE, hi)).intoArray(y, ya + 2 * v);
    a03 = a03.blend(lo, a03.compare(LE, lo));
    a03.blend(hi, a03.compare(GE, hi)).intoArray(y, ya + 3 * v);
    a10 = a10.blend(lo, a10.compare(LE, lo));
    a10.blend(hi, a10.compare(GE, hi)).intoArray(y, ya + m);
    a11 = a11.blend(lo, a11.compare(LE, lo));
    a11.blend(hi, a11.compare(GE, hi)).intoArray(y, ya + m + v);
    a12 = a12.blend(lo, a12.compare(LE, lo));
    a12.blend(hi, a12.compare(GE, hi)).intoArray(y, ya + m + 2 * v);
    a13 = a13.blend(lo, a13.compare(LE, lo));
    a13.blend(hi, a13.compare(GE, hi)).intoArray(y, ya + m + 3 * v);
    a20 = a20.blend(lo, a20.compare(LE, lo));
    a20.blend(hi, a20.compare(GE, hi)).intoArray(y, ya + 2 * m);
    a21 = a21.blend(lo, a21.compare(LE, lo));
    a21.blend(hi, a21.compare(GE, hi)).intoArray(y, ya + 2 * m + v);
    a22 = a22.blend(lo, a22.compare(LE, lo));
    a22.blend(hi, a22.compare(GE, hi)).intoArray(y, ya + 2 * m + 2 * v);
    a23 = a23.blend(lo, a23.compare(LE, lo));
    a23.blend(hi, a23.compare(GE, hi)).intoArray(y, ya + 2 * m + 3 * v);
    a30 = a30.blend(lo, a30.compare(LE, lo));
    a30.blend(hi, a30.compare(GE, hi)).intoArray(y, ya + 3 * m);
    a31 = a31.blend(lo, a31.compare(LE, lo));
    a31.blend(hi, a31.compare(GE, hi)).intoArray(y, ya + 3 * m + v);
    a32 = a32.blend(lo, a32.compare(LE, lo));
    a32.blend(hi, a32.compare(GE, hi)).intoArray(y, ya + 3 * m + 2 * v);
    a33 = a33.blend(lo, a33.compare(LE, lo));
    a33.blend(hi, a33.compare(GE, hi)).intoArray(y, ya + 3 * m + 3 * v);
    a40 = a40.blend(lo, a40.compare(LE, lo));
    a40.blend(hi, a40.compare(GE, hi)).intoArray(y, ya + 4 * m);
    a41 = a41.blend(lo, a41.compare(LE, lo));
    a41.blend(hi, a41.compare(GE, hi)).intoArray(y, ya + 4 * m + v);
    a42 = a42.blend(lo, a42.compare(LE, lo));
    a42.blend(hi, a42.compare(GE, hi)).intoArray(y, ya + 4 * m + 2 * v);
    a43 = a43.blend(lo, a43.compare(LE, lo));
    a43.blend(hi, a43.compare(GE, hi)).intoArray(y, ya + 4 * m + 3 * v);
    a50 = a50.blend(lo, a50.compare(LE, lo));
    a50.blend(hi, a50.compare(GE, hi)).intoArray(y, ya + 5 * m);
    a51 = a51.blend(lo, a51.compare(LE, lo));
    a51.blend(hi, a51.compare(GE, hi)).intoArray(y, ya + 5 * m + v);
    a52 = a52.blend(lo, a52.compare(LE, lo));
    a52.blend(hi, a52.compare(GE, hi)).intoArray(y, ya + 5 * m + 2 * v);
    a53 = a53.blend(lo, a53.compare(LE, lo));
    a53.blend(hi, a53.compare(GE, hi)).intoArray(y, ya + 5 * m + 3 * v);
  }

  /**
   * {@link #tile4Row} for 5 pixels (20 accumulators): the tile that makes up a pixel count that
   * is no multiple of 6 ({@link #tiles}); written out again for the reason {@link #tile4Row}
   * gives.
   */
  private void tile4Row5(float[] x, int xa, int n, int length, float[] y, int ya, int m, int v,
      int wp, int ws, int k, float low, float high) {
    float[] w = packed;
    FloatVector a00 = FloatVector.fromArray(F, bias, k);
    FloatVector a01 = FloatVector.fromArray(F, bias, k + L);
    FloatVector a02 = FloatVector.fromArray(F, bias, k + 2 * L);
    FloatVector a03 = FloatVector.fromArray(F, bias, k + 3 * L);
    FloatVector a10 = a00, a11 = a01, a12 = a02, a13 = a03;
    FloatVector a20 = a00, a21 = a01, a22 = a02, a23 = a03;
    FloatVector a30 = a00, a31 = a01, a32 = a02, a33 = a03;
    FloatVector a40 = a00, a41 = a01, a42 = a02, a43 = a03;
    int end = xa + length;
    for (int c = xa; c < end; c++) {
      FloatVector w0 = FloatVector.fromArray(F, w, wp);
      FloatVector w1 = FloatVector.fromArray(F, w, wp + ws);
      FloatVector w2 = FloatVector.fromArray(F, w, wp + 2 * ws);
      FloatVector w3 = FloatVector.fromArray(F, w, wp + 3 * ws);
      FloatVector b = FloatVector.broadcast(F, x[c]);
      a00 = w0.fma(b, a00);
      a01 = w1.fma(b, a01);
      a02 = w2.fma(b, a02);
      a03 = w3.fma(b, a03);
      b = FloatVector.broadcast(F, x[c + n]);
      a10 = w0.fma(b, a10);
      a11 = w1.fma(b, a11);
      a12 = w2.fma(b, a12);
      a13 = w3.fma(b, a13);
      b = FloatVector.broadcast(F, x[c + 2 * n]);
      a20 = w0.fma(b, a20);
      a21 = w1.fma(b, a21);
      a22 = w2.fma(b, a22);
      a23 = w3.fma(b, a23);
      b = FloatVector.broadcast(F, x[c + 3 * n]);
      a30 = w0.fma(b, a30);
      a31 = w1.fma(b, a31);
      a32 = w2.fma(b, a32);
      a33 = w3.fma(b, a33);
      b = FloatVector.broadcast(F, x[c + 4 * n]);
      a40 = w0.fma(b, a40);
      a41 = w1.fma(b, a41);
      a42 = w2.fma(b, a42);
      a43 = w3.fma(b, a43);
      wp += L;
    }
    FloatVector lo = FloatVector.broadcast(F, low);
    FloatVector hi = FloatVector.broadcast(F, high);
    a00 = a00.blend(lo, a00.compare(LE, lo));
    a00.blend(hi, a00.compare(GE, hi)).intoArray(y, ya);
    a01 = a01.blend(lo, a01.compare(LE, lo));
    a01.blend(hi, a01.compare(GE, hi)).intoArray(y, ya + v);
    a02 = a02.blend(lo, a02.compare(LE, lo));
    a02.blend(hi, a02.compare(GE, hi)).intoArray(y, ya + 2 * v);
    a03 = a03.blend(lo, a03.compare(LE, lo));
    a03.blend(hi, a03.compare(GE, hi)).intoArray(y, ya + 3 * v);
    a10 = a10.blend(lo, a10.compare(LE, lo));
    a10.blend(hi, a10.compare(GE, hi)).intoArray(y, ya + m);
    a11 = a11.blend(lo, a11.compare(LE, lo));
    a11.blend(hi, a11.compare(GE, hi)).intoArray(y, ya + m + v);
    a12 = a12.blend(lo, a12.compare(LE, lo));
    a12.blend(hi, a12.compare(GE, hi)).intoArray(y, ya + m + 2 * v);
    a13 = a13.blend(lo, a13.compare(LE, lo));
    a13.blend(hi, a13.compare(GE, hi)).intoArray(y, ya + m + 3 * v);
    a20 = a20.blend(lo, a20.compare(LE, lo));
    a20.blend(hi, a20.compare(GE, hi)).intoArray(y, ya + 2 * m);
    a21 = a21.blend(lo, a21.compare(LE, lo));
    a21.blend(hi, a21.compare(GE, hi)).intoArray(y, ya + 2 * m + v);
    a22 = a22.blend(lo, a22.compare(LE, lo));
    a22.blend(hi, a22.compare(GE, hi)).intoArray(y, ya + 2 * m + 2 * v);
    a23 = a23.blend(lo, a23.compare(LE, lo));
    a23.blend(hi, a23.compare(GE, hi)).intoArray(y, ya + 2 * m + 3 * v);
    a30 = a30.blend(lo, a30.compare(LE, lo));
    a30.blend(hi, a30.compare(GE, hi)).intoArray(y, ya + 3 * m);
    a31 = a31.blend(lo, a31.compare(LE, lo));
    a31.blend(hi, a31.compare(GE, hi)).intoArray(y, ya + 3 * m + v);
    a32 = a32.blend(lo, a32.compare(LE, lo));
    a32.blend(hi, a32.compare(GE, hi)).intoArray(y, ya + 3 * m + 2 * v);
    a33 = a33.blend(lo, a33.compare(LE, lo));
    a33.blend(hi, a33.compare(GE, hi)).intoArray(y, ya + 3 * m + 3 * v);
    a40 = a40.blend(lo, a40.compare(LE, lo));
    a40.blend(hi, a40.compare(GE, hi)).intoArray(y, ya + 4 * m);
    a41 = a41.blend(lo, a41.compare(LE, lo));
    a41.blend(hi, a41.compare(GE, hi)).intoArray(y, ya + 4 * m + v);
    a42 = a42.blend(lo, a42.compare(LE, lo));
    a42.blend(hi, a42.compare(GE, hi)).intoArray(y, ya + 4 * m + 2 * v);
    a43 = a43.blend(lo, a43.compare(LE, lo));
    a43.blend(hi, a43.compare(GE, hi)).intoArray(y, ya + 4 * m + 3 * v);
  }

  /**
   * 6 pixels x 2 vectors: 12 accumulators, stored NHWC. The strides are constants here: at 256
   * bits, where this is the widest tile, passing them as arguments as {@link #tile4} takes them
   * made C2's code for it twice as slow (MobileNet-v1 under -XX:UseAVX=2 on the Zen 5: 27.3-28.3
   * against 13.7-14.3 ms a pass).
   */
  private void tile2(float[] x, int xa, int n, int length, int rows, int rowStep, float[] y,
      int ya, int wp, int k, float low, float high) {
    float[] w = packed;
    FloatVector a00 = FloatVector.fromArray(F, bias, k);
    FloatVector a01 = FloatVector.fromArray(F, bias, k + L);
    FloatVector a10 = a00, a11 = a01;
    FloatVector a20 = a00, a21 = a01;
    FloatVector a30 = a00, a31 = a01;
    FloatVector a40 = a00, a41 = a01;
    FloatVector a50 = a00, a51 = a01;
    // rows x length steps as one loop (a nested loop made C2 box the accumulators)
    int end = xa + length;
    for (int t = rows * length, c = xa; t > 0; t--) {
      FloatVector w0 = FloatVector.fromArray(F, w, wp);
      FloatVector w1 = FloatVector.fromArray(F, w, wp + L);
      FloatVector b = FloatVector.broadcast(F, x[c]);
      a00 = w0.fma(b, a00);
      a01 = w1.fma(b, a01);
      b = FloatVector.broadcast(F, x[c + n]);
      a10 = w0.fma(b, a10);
      a11 = w1.fma(b, a11);
      b = FloatVector.broadcast(F, x[c + 2 * n]);
      a20 = w0.fma(b, a20);
      a21 = w1.fma(b, a21);
      b = FloatVector.broadcast(F, x[c + 3 * n]);
      a30 = w0.fma(b, a30);
      a31 = w1.fma(b, a31);
      b = FloatVector.broadcast(F, x[c + 4 * n]);
      a40 = w0.fma(b, a40);
      a41 = w1.fma(b, a41);
      b = FloatVector.broadcast(F, x[c + 5 * n]);
      a50 = w0.fma(b, a50);
      a51 = w1.fma(b, a51);
      wp += 2 * L;
      if (++c == end) {
        c += rowStep - length;
        end += rowStep;
      }
    }
    int m = out;
    FloatVector lo = FloatVector.broadcast(F, low);
    FloatVector hi = FloatVector.broadcast(F, high);
    a00 = a00.blend(lo, a00.compare(LE, lo));
    a00.blend(hi, a00.compare(GE, hi)).intoArray(y, ya);
    a01 = a01.blend(lo, a01.compare(LE, lo));
    a01.blend(hi, a01.compare(GE, hi)).intoArray(y, ya + L);
    a10 = a10.blend(lo, a10.compare(LE, lo));
    a10.blend(hi, a10.compare(GE, hi)).intoArray(y, ya + m);
    a11 = a11.blend(lo, a11.compare(LE, lo));
    a11.blend(hi, a11.compare(GE, hi)).intoArray(y, ya + m + L);
    a20 = a20.blend(lo, a20.compare(LE, lo));
    a20.blend(hi, a20.compare(GE, hi)).intoArray(y, ya + 2 * m);
    a21 = a21.blend(lo, a21.compare(LE, lo));
    a21.blend(hi, a21.compare(GE, hi)).intoArray(y, ya + 2 * m + L);
    a30 = a30.blend(lo, a30.compare(LE, lo));
    a30.blend(hi, a30.compare(GE, hi)).intoArray(y, ya + 3 * m);
    a31 = a31.blend(lo, a31.compare(LE, lo));
    a31.blend(hi, a31.compare(GE, hi)).intoArray(y, ya + 3 * m + L);
    a40 = a40.blend(lo, a40.compare(LE, lo));
    a40.blend(hi, a40.compare(GE, hi)).intoArray(y, ya + 4 * m);
    a41 = a41.blend(lo, a41.compare(LE, lo));
    a41.blend(hi, a41.compare(GE, hi)).intoArray(y, ya + 4 * m + L);
    a50 = a50.blend(lo, a50.compare(LE, lo));
    a50.blend(hi, a50.compare(GE, hi)).intoArray(y, ya + 5 * m);
    a51 = a51.blend(lo, a51.compare(LE, lo));
    a51.blend(hi, a51.compare(GE, hi)).intoArray(y, ya + 5 * m + L);
  }

  /**
   * {@link #tile2} over one run of input floats per pixel, as {@link #tile4Row} for {@link
   * #tile4}. At 256 bits, where this is the widest tile (12 accumulators of 16 ymm registers),
   * under {@code -XX:UseAVX=2} with G1: MobileNet-v1 at 20-21.5 ms a pass in 4 of 13 launches with
   * the general loop and 0 of 10 with this one (13.0-16.5 otherwise); same JVM, 512 -> 512 at
   * 14x14 1,565 -> 1,192 us, 128 -> 128 at 56x56 1,231 -> 1,116. Without loop strip mining both
   * loops stay 2x slower at 256 bits (25-35 ms a pass): that takes the JVM flags of
   * {@code cold-start.args}.
   */
  private void tile2Row(float[] x, int xa, int n, int length, float[] y, int ya, int wp, int k,
      float low, float high) {
    float[] w = packed;
    FloatVector a00 = FloatVector.fromArray(F, bias, k);
    FloatVector a01 = FloatVector.fromArray(F, bias, k + L);
    FloatVector a10 = a00, a11 = a01;
    FloatVector a20 = a00, a21 = a01;
    FloatVector a30 = a00, a31 = a01;
    FloatVector a40 = a00, a41 = a01;
    FloatVector a50 = a00, a51 = a01;
    int end = xa + length;
    for (int c = xa; c < end; c++) {
      FloatVector w0 = FloatVector.fromArray(F, w, wp);
      FloatVector w1 = FloatVector.fromArray(F, w, wp + L);
      FloatVector b = FloatVector.broadcast(F, x[c]);
      a00 = w0.fma(b, a00);
      a01 = w1.fma(b, a01);
      b = FloatVector.broadcast(F, x[c + n]);
      a10 = w0.fma(b, a10);
      a11 = w1.fma(b, a11);
      b = FloatVector.broadcast(F, x[c + 2 * n]);
      a20 = w0.fma(b, a20);
      a21 = w1.fma(b, a21);
      b = FloatVector.broadcast(F, x[c + 3 * n]);
      a30 = w0.fma(b, a30);
      a31 = w1.fma(b, a31);
      b = FloatVector.broadcast(F, x[c + 4 * n]);
      a40 = w0.fma(b, a40);
      a41 = w1.fma(b, a41);
      b = FloatVector.broadcast(F, x[c + 5 * n]);
      a50 = w0.fma(b, a50);
      a51 = w1.fma(b, a51);
      wp += 2 * L;
    }
    int m = out;
    FloatVector lo = FloatVector.broadcast(F, low);
    FloatVector hi = FloatVector.broadcast(F, high);
    a00 = a00.blend(lo, a00.compare(LE, lo));
    a00.blend(hi, a00.compare(GE, hi)).intoArray(y, ya);
    a01 = a01.blend(lo, a01.compare(LE, lo));
    a01.blend(hi, a01.compare(GE, hi)).intoArray(y, ya + L);
    a10 = a10.blend(lo, a10.compare(LE, lo));
    a10.blend(hi, a10.compare(GE, hi)).intoArray(y, ya + m);
    a11 = a11.blend(lo, a11.compare(LE, lo));
    a11.blend(hi, a11.compare(GE, hi)).intoArray(y, ya + m + L);
    a20 = a20.blend(lo, a20.compare(LE, lo));
    a20.blend(hi, a20.compare(GE, hi)).intoArray(y, ya + 2 * m);
    a21 = a21.blend(lo, a21.compare(LE, lo));
    a21.blend(hi, a21.compare(GE, hi)).intoArray(y, ya + 2 * m + L);
    a30 = a30.blend(lo, a30.compare(LE, lo));
    a30.blend(hi, a30.compare(GE, hi)).intoArray(y, ya + 3 * m);
    a31 = a31.blend(lo, a31.compare(LE, lo));
    a31.blend(hi, a31.compare(GE, hi)).intoArray(y, ya + 3 * m + L);
    a40 = a40.blend(lo, a40.compare(LE, lo));
    a40.blend(hi, a40.compare(GE, hi)).intoArray(y, ya + 4 * m);
    a41 = a41.blend(lo, a41.compare(LE, lo));
    a41.blend(hi, a41.compare(GE, hi)).intoArray(y, ya + 4 * m + L);
    a50 = a50.blend(lo, a50.compare(LE, lo));
    a50.blend(hi, a50.compare(GE, hi)).intoArray(y, ya + 5 * m);
    a51 = a51.blend(lo, a51.compare(LE, lo));
    a51.blend(hi, a51.compare(GE, hi)).intoArray(y, ya + 5 * m + L);
  }

  /** {@link #tile2Row} for 5 pixels (10 accumulators), as {@link #tile4Row5} is. */
  private void tile2Row5(float[] x, int xa, int n, int length, float[] y, int ya, int wp, int k,
      float low, float high) {
    float[] w = packed;
    FloatVector a00 = FloatVector.fromArray(F, bias, k);
    FloatVector a01 = FloatVector.fromArray(F, bias, k + L);
    FloatVector a10 = a00, a11 = a01;
    FloatVector a20 = a00, a21 = a01;
    FloatVector a30 = a00, a31 = a01;
    FloatVector a40 = a00, a41 = a01;
    int end = xa + length;
    for (int c = xa; c < end; c++) {
      FloatVector w0 = FloatVector.fromArray(F, w, wp);
      FloatVector w1 = FloatVector.fromArray(F, w, wp + L);
      FloatVector b = FloatVector.broadcast(F, x[c]);
      a00 = w0.fma(b, a00);
      a01 = w1.fma(b, a01);
      b = FloatVector.broadcast(F, x[c + n]);
      a10 = w0.fma(b, a10);
      a11 = w1.fma(b, a11);
      b = FloatVector.broadcast(F, x[c + 2 * n]);
      a20 = w0.fma(b, a20);
      a21 = w1.fma(b, a21);
      b = FloatVector.broadcast(F, x[c + 3 * n]);
      a30 = w0.fma(b, a30);
      a31 = w1.fma(b, a31);
      b = FloatVector.broadcast(F, x[c + 4 * n]);
      a40 = w0.fma(b, a40);
      a41 = w1.fma(b, a41);
      wp += 2 * L;
    }
    int m = out;
    FloatVector lo = FloatVector.broadcast(F, low);
    FloatVector hi = FloatVector.broadcast(F, high);
    a00 = a00.blend(lo, a00.compare(LE, lo));
    a00.blend(hi, a00.compare(GE, hi)).intoArray(y, ya);
    a01 = a01.blend(lo, a01.compare(LE, lo));
    a01.blend(hi, a01.compare(GE, hi)).intoArray(y, ya + L);
    a10 = a10.blend(lo, a10.compare(LE, lo));
    a10.blend(hi, a10.compare(GE, hi)).intoArray(y, ya + m);
    a11 = a11.blend(lo, a11.compare(LE, lo));
    a11.blend(hi, a11.compare(GE, hi)).intoArray(y, ya + m + L);
    a20 = a20.blend(lo, a20.compare(LE, lo));
    a20.blend(hi, a20.compare(GE, hi)).intoArray(y, ya + 2 * m);
    a21 = a21.blend(lo, a21.compare(LE, lo));
    a21.blend(hi, a21.compare(GE, hi)).intoArray(y, ya + 2 * m + L);
    a30 = a30.blend(lo, a30.compare(LE, lo));
    a30.blend(hi, a30.compare(GE, hi)).intoArray(y, ya + 3 * m);
    a31 = a31.blend(lo, a31.compare(LE, lo));
    a31.blend(hi, a31.compare(GE, hi)).intoArray(y, ya + 3 * m + L);
    a40 = a40.blend(lo, a40.compare(LE, lo));
    a40.blend(hi, a40.compare(GE, hi)).intoArray(y, ya + 4 * m);
    a41 = a41.blend(lo, a41.compare(LE, lo));
    a41.blend(hi, a41.compare(GE, hi)).intoArray(y, ya + 4 * m + L);
  }

  /**
   * {@link #tile2Row} for 4 pixels (8 accumulators): the 256-bit pointwise tile on JDK 25
   * ({@link #FOUR_PIXEL_TILES_256}); written out again for the reason {@link #tile4Row} gives.
   */
  private void tile2Row4(float[] x, int xa, int n, int length, float[] y, int ya, int wp, int k,
      float low, float high) {
    float[] w = packed;
    FloatVector a00 = FloatVector.fromArray(F, bias, k);
    FloatVector a01 = FloatVector.fromArray(F, bias, k + L);
    FloatVector a10 = a00, a11 = a01;
    FloatVector a20 = a00, a21 = a01;
    FloatVector a30 = a00, a31 = a01;
    int end = xa + length;
    for (int c = xa; c < end; c++) {
      FloatVector w0 = FloatVector.fromArray(F, w, wp);
      FloatVector w1 = FloatVector.fromArray(F, w, wp + L);
      FloatVector b = FloatVector.broadcast(F, x[c]);
      a00 = w0.fma(b, a00);
      a01 = w1.fma(b, a01);
      b = FloatVector.broadcast(F, x[c + n]);
      a10 = w0.fma(b, a10);
      a11 = w1.fma(b, a11);
      b = FloatVector.broadcast(F, x[c + 2 * n]);
      a20 = w0.fma(b, a20);
      a21 = w1.fma(b, a21);
      b = FloatVector.broadcast(F, x[c + 3 * n]);
      a30 = w0.fma(b, a30);
      a31 = w1.fma(b, a31);
      wp += 2 * L;
    }
    int m = out;
    FloatVector lo = FloatVector.broadcast(F, low);
    FloatVector hi = FloatVector.broadcast(F, high);
    a00 = a00.blend(lo, a00.compare(LE, lo));
    a00.blend(hi, a00.compare(GE, hi)).intoArray(y, ya);
    a01 = a01.blend(lo, a01.compare(LE, lo));
    a01.blend(hi, a01.compare(GE, hi)).intoArray(y, ya + L);
    a10 = a10.blend(lo, a10.compare(LE, lo));
    a10.blend(hi, a10.compare(GE, hi)).intoArray(y, ya + m);
    a11 = a11.blend(lo, a11.compare(LE, lo));
    a11.blend(hi, a11.compare(GE, hi)).intoArray(y, ya + m + L);
    a20 = a20.blend(lo, a20.compare(LE, lo));
    a20.blend(hi, a20.compare(GE, hi)).intoArray(y, ya + 2 * m);
    a21 = a21.blend(lo, a21.compare(LE, lo));
    a21.blend(hi, a21.compare(GE, hi)).intoArray(y, ya + 2 * m + L);
    a30 = a30.blend(lo, a30.compare(LE, lo));
    a30.blend(hi, a30.compare(GE, hi)).intoArray(y, ya + 3 * m);
    a31 = a31.blend(lo, a31.compare(LE, lo));
    a31.blend(hi, a31.compare(GE, hi)).intoArray(y, ya + 3 * m + L);
  }

  /** 6 pixels x 1 vector: 6 accumulators, stored NHWC as {@link #tile2}'s. */
  private void tile1(float[] x, int xa, int n, int length, int rows, int rowStep, float[] y,
      int ya, int wp, int k, float low, float high) {
    float[] w = packed;
    FloatVector a0 = FloatVector.fromArray(F, bias, k);
    FloatVector a1 = a0;
    FloatVector a2 = a0;
    FloatVector a3 = a0;
    FloatVector a4 = a0;
    FloatVector a5 = a0;
    // rows x length steps as one loop (a nested loop made C2 box the accumulators)
    int end = xa + length;
    for (int t = rows * length, c = xa; t > 0; t--) {
      FloatVector w0 = FloatVector.fromArray(F, w, wp);
      FloatVector b = FloatVector.broadcast(F, x[c]);
      a0 = w0.fma(b, a0);
      b = FloatVector.broadcast(F, x[c + n]);
      a1 = w0.fma(b, a1);
      b = FloatVector.broadcast(F, x[c + 2 * n]);
      a2 = w0.fma(b, a2);
      b = FloatVector.broadcast(F, x[c + 3 * n]);
      a3 = w0.fma(b, a3);
      b = FloatVector.broadcast(F, x[c + 4 * n]);
      a4 = w0.fma(b, a4);
      b = FloatVector.broadcast(F, x[c + 5 * n]);
      a5 = w0.fma(b, a5);
      wp += L;
      if (++c == end) {
        c += rowStep - length;
        end += rowStep;
      }
    }
    int m = out;
    FloatVector lo = FloatVector.broadcast(F, low);
    FloatVector hi = FloatVector.broadcast(F, high);
    a0 = a0.blend(lo, a0.compare(LE, lo));
    a0.blend(hi, a0.compare(GE, hi)).intoArray(y, ya);
    a1 = a1.blend(lo, a1.compare(LE, lo));
    a1.blend(hi, a1.compare(GE, hi)).intoArray(y, ya + m);
    a2 = a2.blend(lo, a2.compare(LE, lo));
    a2.blend(hi, a2.compare(GE, hi)).intoArray(y, ya + 2 * m);
    a3 = a3.blend(lo, a3.compare(LE, lo));
    a3.blend(hi, a3.compare(GE, hi)).intoArray(y, ya + 3 * m);
    a4 = a4.blend(lo, a4.compare(LE, lo));
    a4.blend(hi, a4.compare(GE, hi)).intoArray(y, ya + 4 * m);
    a5 = a5.blend(lo, a5.compare(LE, lo));
    a5.blend(hi, a5.compare(GE, hi)).intoArray(y, ya + 5 * m);
  }
}
