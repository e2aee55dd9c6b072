package dev.convgen.runtime.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.convgen.annotations.Activation;
import dev.convgen.runtime.ConformanceCase;
import dev.convgen.runtime.ConvGeometry;
import dev.convgen.runtime.ConvKernel;
import dev.convgen.runtime.ReferenceConv;
import dev.convgen.runtime.Tolerance;
import dev.convgen.runtime.Vectorization;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The generic kernels against ONNX's conformance data and the textbook reference loop. */
class GenericKernelsTest {

  /** Every ONNX case: dense, grouped, depthwise, dilated, strided, padded, with and without bias. */
  @ParameterizedTest
  @MethodSource("conformanceCases")
  void matchesOnnxConformance(String name) {
    ConformanceCase c = ConformanceCase.load(name);
    for (ConvKernel kernel : new ConvKernel[] {
        GenericKernels.create(c.geometry(), c.weight(), c.bias(), Activation.NONE),
        GenericKernels.tuned(c.geometry(), c.weight(), c.bias(), Activation.NONE)}) {
      int[] x = c.inputShape();
      float[] y = new float[c.expected().length];
      kernel.forward(c.input(), x[0], x[2], x[3], y);
      Tolerance.assertClose(name + " " + kernel.getClass().getSimpleName(), c.expected(), y, 1e-5);
    }
  }

  static Stream<String> conformanceCases() {
    return ConformanceCase.NAMES.stream();
  }

  @Test
  void everyConformanceCaseIsClassified() {
    long depthwise = ConformanceCase.NAMES.stream()
        .filter(name -> ConformanceCase.load(name).geometry().isDepthwise()).count();
    assertEquals(4, depthwise);
    assertEquals(10, ConformanceCase.NAMES.size());
  }

  static Stream<Arguments> shapes() {
    return Stream.of(
        // in, mult, kh, kw, sh, sw, pt, pl, pb, pr, dh, dw, h, w
        Arguments.of(3, 1, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 7, 9),
        Arguments.of(4, 2, 3, 3, 2, 2, 0, 0, 0, 0, 1, 1, 8, 8),
        Arguments.of(2, 1, 5, 3, 2, 1, 2, 1, 1, 0, 2, 1, 11, 6),
        Arguments.of(5, 3, 1, 7, 1, 3, 0, 3, 0, 2, 1, 2, 4, 17),
        Arguments.of(1, 1, 2, 2, 3, 3, 1, 0, 0, 1, 1, 1, 5, 5));
  }

  @ParameterizedTest
  @MethodSource("shapes")
  void depthwiseMatchesReference(int in, int mult, int kh, int kw, int sh, int sw, int pt,
      int pl, int pb, int pr, int dh, int dw, int h, int w) {
    ConvGeometry g = ConvGeometry.depthwise(in, mult, kh, kw, sh, sw, pt, pl, pb, pr, dh, dw);
    for (Activation activation : Activation.values()) {
      checkAgainstReference(g, 2, h, w, activation, true);
      checkAgainstReference(g, 1, h, w, activation, false);
    }
  }

  /** Dense and grouped geometries, including grouped 1x1 and rectangular dilated kernels. */
  @ParameterizedTest
  @MethodSource("groupedShapes")
  void groupedMatchesReference(int in, int out, int groups, int kh, int kw, int sh, int sw,
      int pt, int pl, int pb, int pr, int dh, int dw, int h, int w) {
    ConvGeometry g = new ConvGeometry(in, out, groups, kh, kw, sh, sw, pt, pl, pb, pr, dh, dw);
    for (Activation activation : Activation.values()) {
      checkAgainstReference(g, 2, h, w, activation, true);
      checkAgainstReference(g, 1, h, w, activation, false);
    }
  }

  static Stream<Arguments> groupedShapes() {
    return Stream.of(
        // in, out, groups, kh, kw, sh, sw, pt, pl, pb, pr, dh, dw, h, w
        Arguments.of(3, 5, 1, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 7, 9),
        Arguments.of(4, 6, 2, 3, 3, 2, 2, 0, 0, 0, 0, 1, 1, 8, 8),
        Arguments.of(6, 3, 3, 5, 3, 2, 1, 2, 1, 1, 0, 2, 1, 11, 6),
        Arguments.of(8, 4, 4, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 5, 5),
        Arguments.of(2, 2, 1, 2, 2, 3, 3, 1, 0, 0, 1, 1, 1, 5, 5));
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 3})
  void pointwiseMatchesReference(int stride) {
    for (Activation activation : Activation.values()) {
      checkAgainstReference(ConvGeometry.pointwise(7, 5, stride, stride), 2, 9, 6, activation, true);
      checkAgainstReference(ConvGeometry.pointwise(1, 3, stride, 1), 1, 4, 5, activation, false);
    }
  }

  /** The tuned generic kernels, SIMD and scalar, on the same shapes and more sizes. */
  @ParameterizedTest
  @MethodSource("shapes")
  void tunedDepthwiseMatchesReference(int in, int mult, int kh, int kw, int sh, int sw, int pt,
      int pl, int pb, int pr, int dh, int dw, int h, int w) {
    ConvGeometry g = ConvGeometry.depthwise(in, mult, kh, kw, sh, sw, pt, pl, pb, pr, dh, dw);
    ConvGeometry unitStride = ConvGeometry.depthwise(in, mult, kh, kw, 1, 1, pt, pl, pb, pr, dh, dw);
    for (boolean simd : new boolean[] {true, false}) {
      for (Activation activation : Activation.values()) {
        checkTuned(g, 2, h, w, activation, true, simd);
        checkTuned(unitStride, 1, h + 9, w + 13, activation, false, simd);
      }
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 3})
  void tunedPointwiseMatchesReference(int stride) {
    for (boolean simd : new boolean[] {true, false}) {
      for (Activation activation : Activation.values()) {
        checkTuned(ConvGeometry.pointwise(7, 5, stride, stride), 2, 9, 6, activation, true, simd);
        checkTuned(ConvGeometry.pointwise(9, 11, stride, 1), 1, 7, 5, activation, false, simd);
        checkTuned(ConvGeometry.pointwise(16, 8, stride, stride), 1, 8, 8, activation, true, simd);
      }
    }
  }

  /**
   * Shapes that reach the SIMD kernel's run-time choices: several pixel tiles with a partial last
   * one and a last 16-pixel block overlapping its neighbour (32 channels: 512-pixel tiles, 4-channel
   * blocks, 2 leftover output channels), and the 6-channel block from 512 input channels on.
   */
  @Test
  void tunedPointwiseTilesAndWideBlocks() {
    for (boolean simd : new boolean[] {true, false}) {
      checkTuned(ConvGeometry.pointwise(32, 10, 1, 1), 2, 37, 29, Activation.RELU6, true, simd);
      checkTuned(ConvGeometry.pointwise(512, 14, 1, 1), 1, 9, 11, Activation.RELU, true, simd);
      checkTuned(ConvGeometry.pointwise(520, 6, 1, 1), 1, 4, 4, Activation.NONE, false, simd);
    }
  }

  /** Dense and grouped as im2col + GEMM: strides, dilation, padding, groups, partial tiles. */
  @Test
  void tunedDenseMatchesReference() {
    for (boolean simd : new boolean[] {true, false}) {
      checkTuned(new ConvGeometry(3, 32, 1, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1), 1, 45, 37,
          Activation.RELU6, true, simd); // a stem: 23 x 19 output pixels, several tiles
      checkTuned(new ConvGeometry(32, 10, 1, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1), 2, 12, 11,
          Activation.NONE, false, simd); // 288 taps, 10 outputs: a narrower last block
      checkTuned(new ConvGeometry(8, 12, 4, 5, 3, 1, 2, 2, 0, 1, 1, 2, 1), 1, 13, 9,
          Activation.RELU, true, simd); // grouped, dilated, asymmetric padding
      checkTuned(new ConvGeometry(6, 6, 2, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1), 1, 3, 4,
          Activation.NONE, true, simd); // fewer pixels than one register tile
      checkTuned(new ConvGeometry(2, 3, 1, 7, 7, 1, 1, 6, 6, 6, 6, 1, 1), 1, 3, 2,
          Activation.NONE, false, simd); // whole runs of taps inside the padding
      // NCHW calls through the NHWC body band by band: output bands of 3 rows and a shorter
      // last one; input bands of 14 output rows' input (64 x 64 floats a row), the last shorter;
      // an output of one pixel per channel (NCHW and NHWC coincide)
      checkTuned(new ConvGeometry(16, 64, 1, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1), 2, 44, 40,
          Activation.RELU6, true, simd);
      checkTuned(new ConvGeometry(64, 16, 1, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1), 2, 40, 64,
          Activation.RELU6, true, simd);
      checkTuned(new ConvGeometry(16, 32, 1, 7, 7, 1, 1, 0, 0, 0, 0, 1, 1), 2, 7, 7,
          Activation.NONE, true, simd);
    }
  }

  private static void checkTuned(ConvGeometry g, int n, int h, int w, Activation activation,
      boolean withBias, boolean simd) {
    Random random = new Random(g.hashCode() * 17L + h);
    float[] x = Tolerance.random(random, n * g.inChannels() * h * w);
    float[] weight = Tolerance.random(random, (int) g.weightCount());
    float[] bias = withBias ? Tolerance.random(random, g.outChannels()) : null;
    float[] y = new float[n * g.outChannels() * g.outputHeight(h) * g.outputWidth(w)];
    System.setProperty("convgen.simd", Boolean.toString(simd));
    try {
      ConvKernel kernel = GenericKernels.tuned(g, weight, bias, activation);
      if (simd && (!g.isPointwise() && !g.isDepthwise() || g.strideH() == 1 && g.strideW() == 1)) {
        assertTrue(kernel.implementation().startsWith("SIMD " + Vectorization.bits() + "-bit"),
            kernel.implementation()); // the width this JVM runs
      }
      kernel.forward(x, n, h, w, y);
      // the kernel's own NCHW code too, where forward runs the NHWC body between transpositions
      float[] own = new float[y.length];
      kernel.forwardUnits(x, n, h, w, own, 0, kernel.workUnits(n));
      Tolerance.assertClose(g.describe() + " own NCHW code",
          ReferenceConv.conv2d(g, x, n, h, w, weight, bias, activation), own,
          Tolerance.forSums(g));
    } finally {
      System.clearProperty("convgen.simd");
    }
    Tolerance.assertClose(g.describe() + (simd ? " simd" : " scalar"),
        ReferenceConv.conv2d(g, x, n, h, w, weight, bias, activation), y, Tolerance.forSums(g));
  }

  private static void checkAgainstReference(
      ConvGeometry g, int n, int h, int w, Activation activation, boolean withBias) {
    Random random = new Random(g.hashCode() * 31L + h);
    float[] x = Tolerance.random(random, n * g.inChannels() * h * w);
    float[] weight = Tolerance.random(random, (int) g.weightCount());
    float[] bias = withBias ? Tolerance.random(random, g.outChannels()) : null;
    float[] y = new float[n * g.outChannels() * g.outputHeight(h) * g.outputWidth(w)];
    GenericKernels.create(g, weight, bias, activation).forward(x, n, h, w, y);
    Tolerance.assertClose(g.describe(),
        ReferenceConv.conv2d(g, x, n, h, w, weight, bias, activation), y, 1e-5);
  }
}
