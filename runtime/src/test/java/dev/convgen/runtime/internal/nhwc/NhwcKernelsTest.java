package dev.convgen.runtime.internal.nhwc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.convgen.annotations.Activation;
import dev.convgen.runtime.ConvGeometry;
import dev.convgen.runtime.ConvKernel;
import dev.convgen.runtime.ConvLayer;
import dev.convgen.runtime.ReferenceConv;
import dev.convgen.runtime.Tolerance;
import dev.convgen.runtime.Vectorization;
import dev.convgen.runtime.internal.UnitKernel;
import dev.convgen.runtime.kernels.GenericKernels;
import dev.convgen.runtime.network.GlobalAveragePool;
import dev.convgen.runtime.network.InvertedResidualBlock;
import dev.convgen.runtime.network.SeparableBlock;
import dev.convgen.runtime.network.WarmUp;
import dev.convgen.runtime.network.Sequential;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The NHWC implementations (channels in vector lanes) against the textbook reference, through
 * {@code forwardNhwc} with tensors transposed by this test's own index arithmetic, and networks
 * that switch layout between layers. Runs at the JVM's width and again forced to 256 and 512 bits.
 */
class NhwcKernelsTest {

  /** The lanes of this JVM's vectors: NHWC kernels need at least that many output channels. */
  private static final int LANES = Math.max(Vectorization.bits() / 32, 8);

  static Stream<Arguments> geometries() {
    return Stream.of(
        // pointwise: whole 4-vector panels, narrower panels, an overlapping last vector
        Arguments.of(ConvGeometry.pointwise(32, 64, 1, 1), 13, 11),
        Arguments.of(ConvGeometry.pointwise(40, 24, 1, 1), 5, 7),
        Arguments.of(ConvGeometry.pointwise(17, 72, 1, 1), 2, 2),
        Arguments.of(ConvGeometry.pointwise(32, 96, 1, 1), 13, 11), // + a 2-vector panel
        Arguments.of(ConvGeometry.pointwise(64, 40, 1, 1), 1, 1), // one pixel: a classifier
        Arguments.of(ConvGeometry.pointwise(64, 1000, 1, 1), 1, 1), // full panels, overlapping
        Arguments.of(ConvGeometry.pointwise(48, 136, 1, 1), 3, 1), // 3 pixels, narrow last panel
        // pixel counts no multiple of a 6-pixel tile: 49 = 4 x 6 + 5 x 5 (4- and 2-vector
        // panels at 512 bits), 20 = 4 x 5, 19 (too few for 5-pixel tiles: the last tile
        // overlapping the one before by 5), 14 (by 4), 2 pixels
        Arguments.of(ConvGeometry.pointwise(40, 96, 1, 1), 7, 7),
        Arguments.of(ConvGeometry.pointwise(40, 96, 1, 1), 4, 5),
        Arguments.of(ConvGeometry.pointwise(40, 96, 1, 1), 1, 19),
        Arguments.of(ConvGeometry.pointwise(24, 72, 1, 1), 2, 7),
        Arguments.of(ConvGeometry.pointwise(64, 128, 1, 1), 1, 2),
        // strided: output rows read in place, or gathered when shorter than a tile
        Arguments.of(ConvGeometry.pointwise(32, 64, 2, 2), 13, 12),
        Arguments.of(ConvGeometry.pointwise(40, 24, 2, 2), 9, 7),
        Arguments.of(ConvGeometry.pointwise(24, 40, 2, 1), 5, 13),
        Arguments.of(ConvGeometry.pointwise(16, 48, 3, 2), 10, 3),
        // strided rows read in place that end in 5-pixel tiles (23 = 3 x 6 + 5)
        Arguments.of(ConvGeometry.pointwise(24, 96, 2, 2), 3, 45),
        // depthwise 3x3 at stride 1 and 2, odd sizes, dilation, other kernels, asymmetric padding
        Arguments.of(ConvGeometry.depthwise(32, 1, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1), 9, 14),
        Arguments.of(ConvGeometry.depthwise(24, 1, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1), 15, 8),
        Arguments.of(ConvGeometry.depthwise(16, 1, 3, 3, 2, 2, 0, 0, 1, 1, 1, 1), 7, 7),
        Arguments.of(ConvGeometry.depthwise(40, 1, 3, 3, 1, 1, 2, 2, 2, 2, 2, 2), 10, 9),
        Arguments.of(ConvGeometry.depthwise(32, 1, 5, 5, 2, 2, 2, 2, 2, 2, 1, 1), 14, 13),
        Arguments.of(ConvGeometry.depthwise(16, 1, 5, 3, 1, 2, 2, 0, 1, 1, 1, 1), 6, 9),
        Arguments.of(ConvGeometry.depthwise(16, 1, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1), 1, 2),
        // wider than NhwcDepthwise.padded: interior and border computed directly
        Arguments.of(ConvGeometry.depthwise(24, 1, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1), 6, 20),
        // rows slid whole with zero edges: padding 1 (a right padding column read at odd
        // widths at stride 2), TensorFlow's SAME at stride 2, a taller top padding
        Arguments.of(ConvGeometry.depthwise(40, 1, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1), 5, 35),
        Arguments.of(ConvGeometry.depthwise(32, 1, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1), 7, 31),
        Arguments.of(ConvGeometry.depthwise(16, 1, 3, 3, 2, 2, 0, 0, 1, 1, 1, 1), 6, 34),
        Arguments.of(ConvGeometry.depthwise(16, 1, 3, 3, 1, 1, 2, 0, 0, 1, 1, 1), 4, 30),
        Arguments.of(ConvGeometry.depthwise(24, 1, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1), 5, 70),
        Arguments.of(ConvGeometry.depthwise(16, 1, 5, 5, 1, 1, 2, 2, 2, 2, 1, 1), 4, 37),
        Arguments.of(ConvGeometry.depthwise(16, 1, 3, 3, 1, 1, 2, 1, 0, 1, 2, 1), 6, 40),
        // dense: a MobileNet stem, dilation and padding, fewer pixels than a tile
        Arguments.of(new ConvGeometry(3, 32, 1, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1), 23, 19),
        Arguments.of(new ConvGeometry(8, 24, 1, 3, 3, 1, 1, 2, 1, 0, 2, 2, 1), 9, 10),
        Arguments.of(new ConvGeometry(5, 16, 1, 7, 7, 1, 1, 3, 3, 3, 3, 1, 1), 2, 3),
        // dense read in place (columns with all taps inside): standard 3x3 with an overlapping
        // panel, rows clipped by large and uneven padding, output rows with no row inside
        Arguments.of(new ConvGeometry(32, 40, 1, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1), 12, 20),
        Arguments.of(new ConvGeometry(16, 64, 1, 5, 3, 2, 1, 4, 0, 4, 3, 1, 1), 5, 14),
        Arguments.of(new ConvGeometry(4, 16, 1, 3, 3, 1, 2, 4, 2, 0, 1, 1, 1), 3, 21),
        // border columns of several rows in one panel: a stem at an even width (one border
        // column, panels of 12 rows and a shorter last one)
        Arguments.of(new ConvGeometry(3, 32, 1, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1), 27, 24),
        // a wide reduction (3x3 over 512 channels): panels of 3 rows' border columns, a last of 2
        Arguments.of(new ConvGeometry(512, 16, 1, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1), 8, 8));
  }

  @ParameterizedTest
  @MethodSource("geometries")
  void tunedKernelsComputeNhwcLikeTheReference(ConvGeometry g, int h, int w) {
    for (Activation activation : Activation.values()) {
      for (boolean withBias : new boolean[] {true, false}) {
        Random random = new Random(g.hashCode() * 7L + h * 31L + w);
        int n = withBias ? 2 : 1;
        float[] x = Tolerance.random(random, n * g.inChannels() * h * w);
        float[] weight = Tolerance.random(random, (int) g.weightCount());
        float[] bias = withBias ? Tolerance.random(random, g.outChannels()) : null;
        ConvKernel kernel = GenericKernels.tuned(g, weight, bias, activation);
        assertEquals(Vectorization.enabled() && g.outChannels() >= LANES, kernel.nhwcNative(),
            kernel.implementation());
        int outH = g.outputHeight(h);
        int outW = g.outputWidth(w);
        float[] y = new float[n * g.outChannels() * outH * outW];
        kernel.forwardNhwc(nhwc(x, n, g.inChannels(), h, w), n, h, w, y);
        Tolerance.assertClose(g.describe() + " " + activation + " " + kernel.implementation(),
            ReferenceConv.conv2d(g, x, n, h, w, weight, bias, activation),
            nchw(y, n, g.outChannels(), outH, outW), Tolerance.forSums(g));
      }
    }
  }

  /**
   * Values where activation clamps go wrong: NaN of either sign (x86 arithmetic makes negative
   * ones, {@code Float.NaN} is positive) and with a signalling payload, both infinities, both
   * zeros, subnormals, the least normal, values at and around 6, the largest floats.
   */
  private static final float[] SPECIAL_VALUES = {Float.NaN, Float.intBitsToFloat(0xffc00000),
      Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 0f, -0f, 6f, Math.nextUp(6f),
      Math.nextDown(6f), Float.MIN_VALUE, -Float.MIN_VALUE, Float.MIN_NORMAL, Float.MAX_VALUE,
      -Float.MAX_VALUE, 3.5f, -2.25f, Float.intBitsToFloat(0x7f800001),
      Float.intBitsToFloat(0xff800001)};

  /** {@code actual} is {@code activation.apply(input)}, bit for bit (any NaN for a NaN). */
  private static void assertActivationBitForBit(Activation activation, float input, float actual,
      java.util.function.Supplier<String> where) {
    assertEquals(Float.floatToIntBits(activation.apply(input)), Float.floatToIntBits(actual),
        () -> activation + " of " + input + " (bits "
            + Integer.toHexString(Float.floatToRawIntBits(input)) + "), " + where.get());
  }

  /**
   * The activations on the register tiles' stores keep {@link Activation#apply}'s result bit for
   * bit on {@link #SPECIAL_VALUES}. One input channel, every weight 1 and every bias -0, so each
   * output is its input exactly ({@code fma(1, x, -0) == x}, -0 included) before the activation.
   * Panels of 4, 2 and 1 vectors and an overlapping last one; 49 pixels (tiles of 6 and of 5),
   * 14 (a last tile overlapping) and 2 (fewer than a tile); NHWC and channel-blocked stores.
   */
  @Test
  void activationsKeepSpecialValuesBitForBit() {
    float[] special = SPECIAL_VALUES;
    for (int out : new int[] {4 * LANES, 3 * LANES, LANES + LANES / 2}) {
      for (int[] size : new int[][] {{7, 7}, {2, 7}, {1, 2}}) {
        int h = size[0];
        int w = size[1];
        ConvGeometry g = ConvGeometry.pointwise(1, out, 1, 1);
        float[] weight = new float[out];
        java.util.Arrays.fill(weight, 1f);
        float[] bias = new float[out];
        java.util.Arrays.fill(bias, -0f);
        float[] x = new float[h * w];
        for (int p = 0; p < x.length; p++) {
          x[p] = special[p % special.length];
        }
        for (Activation activation : Activation.values()) {
          NhwcKernel body = NhwcKernels.create(g, weight, bias, activation);
          if (body == null) {
            assertFalse(Vectorization.enabled() && out >= LANES, g.describe());
            return;
          }
          for (boolean blocked : new boolean[] {false, true}) {
            if (blocked && !body.writesBlocked(h, w)) {
              continue;
            }
            float[] y = new float[h * w * out];
            body.compute(x, 0, false, y, 0, blocked, h, w, 0, body.unitsPerImage(h, w));
            for (int p = 0; p < x.length; p++) {
              for (int k = 0; k < out; k++) {
                int at = blocked ? k / LANES * h * w * LANES + p * LANES + k % LANES
                    : p * out + k;
                boolean inBlocks = blocked;
                assertActivationBitForBit(activation, x[p], y[at], () -> g.describe() + " at "
                    + h + "x" + w + (inBlocks ? ", blocked" : ""));
              }
            }
          }
        }
      }
    }
  }

  /**
   * As {@link #activationsKeepSpecialValuesBitForBit}, for the depthwise rows (sliding 3x3 rows,
   * padded small planes, wide rows computed directly, stride 1 and 2): the special values sit at
   * even rows and columns, 1.5 everywhere else, the centre tap is 1 and the others 0, the bias
   * -0; an output whose centre is such a pixel is that value exactly (its other taps read 1.5
   * times 0), zeros left out (their sign after a sum of zeros is not the input's).
   */
  @Test
  void depthwiseActivationsKeepSpecialValuesBitForBit() {
    float[] special = new float[SPECIAL_VALUES.length];
    int count = 0;
    for (float value : SPECIAL_VALUES) {
      if (value != 0f) { // both zeros left out
        special[count++] = value;
      }
    }
    special = java.util.Arrays.copyOf(special, count);
    int c = 2 * LANES;
    for (int stride = 1; stride <= 2; stride++) {
      ConvGeometry g = ConvGeometry.depthwise(c, 1, 3, 3, stride, stride, 1, 1, 1, 1, 1, 1);
      float[] weight = new float[9 * c];
      for (int k = 0; k < c; k++) {
        weight[k * 9 + 4] = 1f;
      }
      float[] bias = new float[c];
      java.util.Arrays.fill(bias, -0f);
      for (int[] size : new int[][] {{9, 14}, {7, 7}, {5, 40}}) {
        int h = size[0];
        int w = size[1];
        float[] x = new float[h * w * c];
        for (int p = 0; p < h * w; p++) {
          boolean even = p / w % 2 == 0 && p % w % 2 == 0;
          for (int k = 0; k < c; k++) {
            x[p * c + k] = even ? special[(p + k) % special.length] : 1.5f;
          }
        }
        int outH = g.outputHeight(h);
        int outW = g.outputWidth(w);
        for (Activation activation : Activation.values()) {
          NhwcKernel body = NhwcKernels.create(g, weight, bias, activation);
          if (body == null) {
            assertFalse(Vectorization.enabled(), g.describe());
            return;
          }
          float[] y = new float[outH * outW * c];
          body.compute(x, 0, y, 0, h, w, 0, body.unitsPerImage(h, w));
          for (int i = 0; i < outH; i++) {
            for (int j = 0; j < outW; j++) {
              int centre = i * stride * w + j * stride;
              if (i * stride % 2 != 0 || j * stride % 2 != 0) {
                continue;
              }
              int row = i;
              int column = j;
              for (int k = 0; k < c; k++) {
                assertActivationBitForBit(activation, x[centre * c + k],
                    y[(i * outW + j) * c + k], () -> g.describe() + " at " + h + "x" + w
                        + ", output " + row + "," + column);
              }
            }
          }
        }
      }
    }
  }

  /**
   * An NHWC body gives its weights back in PyTorch layout, bit for bit (what generated kernels
   * pack their NCHW copy from on demand), overlapping panels and slices included.
   */
  @ParameterizedTest
  @MethodSource("geometries")
  void weightsComeBackFromThePackedForm(ConvGeometry g, int h, int w) {
    Random random = new Random(g.hashCode() * 11L + h);
    float[] weight = Tolerance.random(random, (int) g.weightCount());
    NhwcKernel body = NhwcKernels.create(g, weight.clone(), null, Activation.NONE);
    if (body == null) {
      assertTrue(!Vectorization.enabled() || g.outChannels() < LANES, g.describe());
      return;
    }
    assertArrayEquals(weight, body.weights(), g.describe());
  }

  /**
   * A body whose units are output rows reads only the input rows those rows' windows cover (what
   * lets an NCHW call transpose the input band by band): computed from an array that holds only
   * those rows (a read of any other row falls outside it), every range of rows gives the values
   * computed from the whole input.
   */
  @ParameterizedTest
  @MethodSource("geometries")
  void rowUnitsReadOnlyTheirWindowsRows(ConvGeometry g, int h, int w) {
    Random random = new Random(g.hashCode() * 19L + h * 23L + w);
    float[] weight = Tolerance.random(random, (int) g.weightCount());
    NhwcKernel body = NhwcKernels.create(g, weight, Tolerance.random(random, g.outChannels()),
        Activation.NONE);
    if (body == null || !body.unitsAreRows(h, w)) {
      return; // no NHWC body at this width, or units that are not rows
    }
    int in = g.inChannels();
    int outH = g.outputHeight(h);
    int rowFloats = g.outputWidth(w) * g.outChannels();
    float[] x = Tolerance.random(random, h * w * in);
    float[] whole = new float[outH * rowFloats];
    body.compute(x, 0, whole, 0, h, w, 0, outH);
    for (int first = 0; first < outH; first++) {
      for (int last = first + 1; last <= outH; last += Math.max(1, outH / 3)) {
        int a = Math.min(h, Math.max(0, first * g.strideH() - g.padTop()));
        int b = Math.max(a, Math.min(h, (last - 1) * g.strideH() - g.padTop() + g.extentH()));
        // rows [a, b) in an array of exactly their size: the body addresses row r at
        // offset + r * w * in
        float[] rows = new float[(b - a) * w * in];
        System.arraycopy(x, a * w * in, rows, 0, rows.length);
        float[] y = new float[outH * rowFloats];
        body.compute(rows, -a * w * in, y, 0, h, w, first, last);
        assertArrayEquals(java.util.Arrays.copyOfRange(whole, first * rowFloats,
                last * rowFloats), java.util.Arrays.copyOfRange(y, first * rowFloats,
                last * rowFloats), g.describe() + " rows " + first + "-" + last + " of " + h
                + "x" + w);
      }
    }
  }

  /**
   * The work units threads split a stage by (pixel tiles, panels of output channels, rows),
   * computed as three uneven ranges and an empty one, give the reference's result.
   */
  @ParameterizedTest
  @MethodSource("geometries")
  void unitRangesTogetherComputeTheWholeOutput(ConvGeometry g, int h, int w) {
    Random random = new Random(g.hashCode() * 13L + h * 17L + w);
    int n = 2;
    float[] x = Tolerance.random(random, n * g.inChannels() * h * w);
    float[] weight = Tolerance.random(random, (int) g.weightCount());
    float[] bias = Tolerance.random(random, g.outChannels());
    ConvKernel kernel = GenericKernels.tuned(g, weight, bias, Activation.RELU6);
    if (!(kernel instanceof UnitKernel units) || !kernel.nhwcNative()) {
      return; // no NHWC body at this width: nothing to split
    }
    int outH = g.outputHeight(h);
    int outW = g.outputWidth(w);
    float[] y = new float[n * g.outChannels() * outH * outW];
    java.util.Arrays.fill(y, Float.NaN); // a unit no range computes stays NaN
    float[] input = nhwc(x, n, g.inChannels(), h, w);
    int total = units.nhwcUnits(n, h, w);
    int[] cuts = {0, total / 3, total / 3, total / 3 + (total + 1) / 2 / 2, total};
    for (int i = 0; i + 1 < cuts.length; i++) {
      units.forwardNhwcUnits(input, n, h, w, y, cuts[i], cuts[i + 1]);
    }
    Tolerance.assertClose(g.describe() + " in " + total + " units",
        ReferenceConv.conv2d(g, x, n, h, w, weight, bias, Activation.RELU6),
        nchw(y, n, g.outChannels(), outH, outW), Tolerance.forSums(g));
  }

  /**
   * The warm-up runs the NHWC bodies on zeros and shares their static state (the depthwise
   * stages' cold-row count); kernels built before and after it still compute the reference's
   * result, on the paths it exercised (wide and small depthwise planes, both strides, a stem).
   */
  @Test
  void kernelsAfterTheWarmUpComputeLikeTheReference() {
    ConvGeometry[] geometries = {
        ConvGeometry.depthwise(32, 1, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1),
        ConvGeometry.depthwise(32, 1, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1),
        new ConvGeometry(3, 32, 1, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1),
        ConvGeometry.pointwise(32, 64, 1, 1)};
    Random random = new Random(23);
    float[] beforeWeight = Tolerance.random(random, (int) geometries[0].weightCount());
    ConvKernel before = GenericKernels.tuned(geometries[0], beforeWeight, null, Activation.RELU6);
    WarmUp.run(Duration.ofMillis(300)); // compiled or not (a width the CPU lacks never is)
    for (ConvGeometry g : geometries) {
      for (int[] size : new int[][] {{9, 40}, {12, 12}}) {
        assertTunedNhwcLikeTheReference("after the warm-up", g, size[0], size[1], true, random);
      }
    }
    float[] x = Tolerance.random(random, 32 * 30 * 30);
    float[] y = new float[32 * 30 * 30];
    before.forwardNhwc(nhwc(x, 1, 32, 30, 30), 1, 30, 30, y);
    Tolerance.assertClose("a kernel built before the warm-up",
        ReferenceConv.conv2d(geometries[0], x, 1, 30, 30, beforeWeight, null, Activation.RELU6),
        nchw(y, 1, 32, 30, 30), 1e-5);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> WarmUp.run(Duration.ofMillis(-1)));
    assertTrue(e.getMessage().startsWith("limit: expected a duration >= 0, got PT-0.001S"),
        e.getMessage());
  }

  /** Kernels without an NHWC body (textbook ones here) transpose, with the same result. */
  @Test
  void layersWithoutNhwcBodyTranspose() {
    ConvGeometry g = ConvGeometry.depthwise(3, 2, 3, 3, 2, 1, 1, 1, 1, 1, 1, 1);
    Random random = new Random(5);
    float[] x = Tolerance.random(random, 2 * 3 * 9 * 7);
    float[] weight = Tolerance.random(random, (int) g.weightCount());
    ConvKernel textbook = GenericKernels.create(g, weight, null, Activation.RELU);
    assertFalse(textbook.nhwcNative());
    float[] y = new float[2 * 6 * 5 * 7];
    textbook.forwardNhwc(nhwc(x, 2, 3, 9, 7), 2, 9, 7, y);
    Tolerance.assertClose("transposed", ReferenceConv.conv2d(g, x, 2, 9, 7, weight, null,
        Activation.RELU), nchw(y, 2, 6, 5, 7), 1e-6);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> textbook.forwardNhwc(new float[10], 2, 9, 7, new float[2 * 6 * 5 * 7]));
    assertTrue(e.getMessage().startsWith("input: expected [2, 3, 9, 7]"), e.getMessage());
  }

  @Test
  void nativeKernelsCheckTheirArguments() {
    ConvGeometry g = ConvGeometry.pointwise(32, 32, 1, 1);
    ConvKernel kernel = GenericKernels.tuned(g, new float[32 * 32], null, Activation.NONE);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> kernel.forwardNhwc(new float[32 * 16], 1, 4, 4, new float[32 * 15]));
    assertTrue(e.getMessage().startsWith("output: expected [1, 32, 4, 4]"), e.getMessage());
  }

  /**
   * A network whose layers change layout: a dense stem and separable blocks in NHWC (when SIMD
   * is on), a textbook pointwise kernel in NCHW between them, global pooling and a classifier on
   * a 1x1 plane, where both layouts coincide. Both entry points, NCHW and NHWC, and the observer.
   */
  @Test
  void networksSwitchLayoutOnlyWhereNeeded() {
    Random random = new Random(11);
    ConvGeometry stem = new ConvGeometry(3, 32, 1, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1);
    ConvGeometry dw1 = ConvGeometry.depthwise(32, 1, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1);
    ConvGeometry pw1 = ConvGeometry.pointwise(32, 48, 1, 1);
    ConvGeometry mid = ConvGeometry.pointwise(48, 40, 1, 1);
    ConvGeometry dw2 = ConvGeometry.depthwise(40, 1, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1);
    ConvGeometry pw2 = ConvGeometry.pointwise(40, 64, 1, 1);
    ConvGeometry fc = ConvGeometry.pointwise(64, 20, 1, 1);
    ConvGeometry[] all = {stem, dw1, pw1, mid, dw2, pw2, fc};
    float[][] weights = new float[all.length][];
    float[][] biases = new float[all.length][];
    for (int i = 0; i < all.length; i++) {
      weights[i] = Tolerance.random(random, (int) all[i].weightCount());
      biases[i] = Tolerance.random(random, all[i].outChannels());
    }
    Sequential model = Sequential.builder()
        .add("stem", tuned(all, weights, biases, 0))
        .add("block1", new SeparableBlock(tuned(all, weights, biases, 1),
            tuned(all, weights, biases, 2)))
        .add("mid", GenericKernels.create(mid, weights[3], biases[3], Activation.RELU6))
        .add("block2", new SeparableBlock(tuned(all, weights, biases, 4),
            tuned(all, weights, biases, 5)))
        .add("pool", new GlobalAveragePool(64))
        .add("fc", GenericKernels.tuned(fc, weights[6], biases[6], Activation.NONE))
        .build();
    assertEquals(Vectorization.enabled(), model.nhwcNative());

    int n = 2;
    int h = 21;
    int w = 18;
    float[] x = Tolerance.random(random, n * 3 * h * w);
    // the reference: textbook convolutions, NCHW, layer by layer
    float[] expected = x;
    int eh = h;
    int ew = w;
    for (int i = 0; i < all.length; i++) {
      if (i == all.length - 1) { // global average pooling before the classifier
        float[] pooled = new float[n * 64];
        for (int j = 0; j < n * 64; j++) {
          double sum = 0;
          for (int p = 0; p < eh * ew; p++) {
            sum += expected[j * eh * ew + p];
          }
          pooled[j] = (float) (sum / (eh * ew));
        }
        expected = pooled;
        eh = 1;
        ew = 1;
      }
      expected = ReferenceConv.conv2d(all[i], expected, n, eh, ew, weights[i], biases[i],
          i == all.length - 1 ? Activation.NONE : Activation.RELU6);
      eh = all[i].outputHeight(eh);
      ew = all[i].outputWidth(ew);
    }

    float[] y = new float[n * 20];
    int[] observed = new int[1];
    for (int pass = 0; pass < 2; pass++) { // the second pass reuses the per-thread buffers
      model.forward(x, n, h, w, y, (name, out, batch, channels, oh, ow) -> {
        if (name.equals("block1")) {
          observed[0]++;
          assertEquals(n * 48 * oh * ow, out.length);
        }
      });
      Tolerance.assertClose("NCHW pass " + pass, expected, y, 1e-4);
      float[] z = new float[n * 20];
      model.forwardNhwc(nhwc(x, n, 3, h, w), n, h, w, z);
      Tolerance.assertClose("NHWC pass " + pass, expected, z, 1e-4);
    }
    assertEquals(2, observed[0]);
  }

  /** An MBConv block (expand, depthwise, linear projection, residual) in NHWC. */
  @Test
  void invertedResidualBlockInNhwc() {
    Random random = new Random(13);
    ConvGeometry expand = ConvGeometry.pointwise(16, 96, 1, 1);
    ConvGeometry dw = ConvGeometry.depthwise(96, 1, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1);
    ConvGeometry project = ConvGeometry.pointwise(96, 16, 1, 1);
    ConvGeometry[] all = {expand, dw, project};
    float[][] weights = new float[3][];
    float[][] biases = new float[3][];
    for (int i = 0; i < 3; i++) {
      weights[i] = Tolerance.random(random, (int) all[i].weightCount());
      biases[i] = Tolerance.random(random, all[i].outChannels());
    }
    InvertedResidualBlock block = new InvertedResidualBlock(
        tuned(all, weights, biases, 0), tuned(all, weights, biases, 1),
        GenericKernels.tuned(project, weights[2], biases[2], Activation.NONE));
    assertEquals(Vectorization.enabled(), block.nhwcNative());
    int h = 11;
    int w = 9;
    float[] x = Tolerance.random(random, 16 * h * w);
    float[] mid = ReferenceConv.conv2d(expand, x, 1, h, w, weights[0], biases[0],
        Activation.RELU6);
    mid = ReferenceConv.conv2d(dw, mid, 1, h, w, weights[1], biases[1], Activation.RELU6);
    float[] expected = ReferenceConv.conv2d(project, mid, 1, h, w, weights[2], biases[2],
        Activation.NONE);
    for (int i = 0; i < expected.length; i++) {
      expected[i] += x[i];
    }
    float[] y = new float[16 * h * w];
    block.forwardNhwc(nhwc(x, 1, 16, h, w), 1, h, w, y);
    Tolerance.assertClose("MBConv in NHWC", expected, nchw(y, 1, 16, h, w), 1e-4);
  }

  private static ConvKernel tuned(ConvGeometry[] all, float[][] weights, float[][] biases,
      int i) {
    return GenericKernels.tuned(all[i], weights[i], biases[i], Activation.RELU6);
  }

  /** The test's own transposition: NCHW to NHWC. */
  /**
   * {@code WarmUp.start} runs in a thread of its own: kernels the calling thread builds and runs
   * meanwhile (sharing the bodies' static state with it) compute the reference's result, and the
   * future completes with the warm-up's answer; a negative limit is refused at once.
   */
  @Test
  void kernelsRunWhileTheWarmUpRunsInItsOwnThread() {
    CompletableFuture<Boolean> warmUp = WarmUp.start(Duration.ofMillis(300));
    Random random = new Random(29);
    for (ConvGeometry g : new ConvGeometry[] {
        ConvGeometry.depthwise(32, 1, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1),
        ConvGeometry.pointwise(32, 64, 1, 1)}) {
      for (int round = 0; round < 20; round++) {
        assertTunedNhwcLikeTheReference("during the warm-up", g, 9 + round, 40 - round, false,
            random);
      }
    }
    assertNotNull(warmUp.join()); // compiled or not within 300 ms; an exception fails here
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> WarmUp.start(Duration.ofSeconds(-2)));
    assertTrue(e.getMessage().startsWith("limit: expected a duration >= 0, got PT-2S"),
        e.getMessage());
  }

  /** A fresh tuned kernel's NHWC result on random data against the textbook reference. */
  private static void assertTunedNhwcLikeTheReference(String when, ConvGeometry g, int h, int w,
      boolean withBias, Random random) {
    float[] x = Tolerance.random(random, g.inChannels() * h * w);
    float[] weight = Tolerance.random(random, (int) g.weightCount());
    float[] bias = withBias ? Tolerance.random(random, g.outChannels()) : null;
    ConvKernel kernel = GenericKernels.tuned(g, weight, bias, Activation.RELU6);
    float[] y = new float[g.outChannels() * g.outputHeight(h) * g.outputWidth(w)];
    kernel.forwardNhwc(nhwc(x, 1, g.inChannels(), h, w), 1, h, w, y);
    Tolerance.assertClose(g.describe() + " " + h + "x" + w + " " + when,
        ReferenceConv.conv2d(g, x, 1, h, w, weight, bias, Activation.RELU6),
        nchw(y, 1, g.outChannels(), g.outputHeight(h), g.outputWidth(w)), 1e-5);
  }

  static float[] nhwc(float[] x, int n, int c, int h, int w) {
    return transpose(x, n, c, h * w);
  }

  /** NHWC to NCHW. */
  static float[] nchw(float[] x, int n, int c, int h, int w) {
    return transpose(x, n, h * w, c);
  }

  /** Per image, a {@code [rows][columns]} matrix transposed. */
  private static float[] transpose(float[] x, int n, int rows, int columns) {
    float[] y = new float[x.length];
    for (int b = 0; b < n; b++) {
      for (int r = 0; r < rows; r++) {
        for (int col = 0; col < columns; col++) {
          y[(b * columns + col) * rows + r] = x[(b * rows + r) * columns + col];
        }
      }
    }
    return y;
  }

  /**
   * The layout conversions against this test's own index arithmetic: few channels (an RGB image,
   * wider than a chunk of columns), many, and planes of fewer pixels than a block, batch 2; planes
   * of several units ({@link NhwcLayout#transposeUnits}) whose last unit is long, three pixels or
   * fewer than a block; and the units converted in three ranges, as threads split them.
   */
  @Test
  void layoutConversionsMoveEveryValueToItsPlace() {
    int[][] shapes = {{3, 224, 224}, {3, 5, 7}, {1, 4, 4}, {7, 3, 2}, {8, 9, 11}, {40, 2, 2},
        {37, 13, 17}, {5, 1, 1}, {16, 50, 45}, {5, 46, 45}, {12, 7, 293}, {9, 1, 2053}};
    for (int[] shape : shapes) {
      int c = shape[0];
      int h = shape[1];
      int w = shape[2];
      String what = c + "x" + h + "x" + w;
      float[] x = Tolerance.random(new Random(c * 1000 + h * 10 + w), 2 * c * h * w);
      float[] y = new float[x.length];
      NhwcLayout.toNhwc(x, y, 2, c, h, w);
      float[] expected = nhwc(x, 2, c, h, w);
      assertArrayEquals(expected, y, "toNhwc " + what);
      float[] back = new float[x.length];
      NhwcLayout.toNchw(y, back, 2, c, h, w);
      assertArrayEquals(x, back, "toNchw " + what);
      int units = NhwcLayout.transposeUnits(2, h * w);
      int[] cuts = {0, units / 3, units / 3 + (units + 1) / 2 / 2, units};
      float[] pieces = new float[x.length];
      float[] piecesBack = new float[x.length];
      for (int i = 0; i + 1 < cuts.length; i++) {
        NhwcLayout.transposeUnits(x, pieces, false, c, h * w, cuts[i], cuts[i + 1]);
        NhwcLayout.transposeUnits(y, piecesBack, true, c, h * w, cuts[i], cuts[i + 1]);
      }
      assertArrayEquals(expected, pieces, "toNhwc in " + units + " units, " + what);
      assertArrayEquals(x, piecesBack, "toNchw in " + units + " units, " + what);
    }
  }

  /** A network without any layer that computes in NHWC is not NHWC-native itself. */
  @Test
  void networksOfNchwLayersStayNchw() {
    ConvGeometry g = ConvGeometry.pointwise(4, 4, 1, 1);
    ConvLayer textbook = GenericKernels.create(g, new float[16], null, Activation.NONE);
    Sequential model = Sequential.builder().add("a", textbook).build();
    assertFalse(model.nhwcNative());
  }
}
