package dev.convgen.processor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.testing.compile.Compilation;
import dev.convgen.annotations.Activation;
import dev.convgen.runtime.ConformanceCase;
import dev.convgen.runtime.ConvGeometry;
import dev.convgen.runtime.ConvKernel;
import dev.convgen.runtime.ConvLayer;
import dev.convgen.runtime.ReferenceConv;
import dev.convgen.runtime.Tolerance;
import dev.convgen.runtime.Vectorization;
import dev.convgen.runtime.kernels.GenericKernels;
import dev.convgen.runtime.network.ParallelLayer;
import dev.convgen.runtime.network.SeparableBlock;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Generates kernels for many shapes in one in-process compilation and checks each against the
 * generic kernel and the textbook reference loop (both independent of the generated code), and
 * that every generated method stays under HotSpot's JIT size limit.
 */
class GeneratedKernelsTest {

  /** One spec under test: its annotation, the geometry the test expects, and a test input size. */
  record Case(String name, String annotation, ConvGeometry geometry, boolean bias,
      Activation activation, int batch, int height, int width) {}

  private static final List<Case> CASES = new ArrayList<>();
  private static final ExecutorService POOL = Executors.newFixedThreadPool(2);
  private static Compilation compilation;
  private static ClassLoader loader;

  @AfterAll
  static void shutDown() {
    POOL.shutdownNow();
  }

  @BeforeAll
  static void generateAll() {
    Random random = new Random(20261122);
    // Hand-picked: the seeds' shapes, odd sizes, tails in every blocked dimension.
    addPointwise("P0", 32, 64, 1, 1, true, Activation.NONE, 2, 7, 9, false);
    addPointwise("P1", 32, 64, 2, 2, true, Activation.RELU, 1, 9, 8, false);
    addPointwise("P2", 3, 5, 1, 1, false, Activation.RELU6, 2, 5, 5, true);
    addPointwise("P3", 17, 7, 2, 3, true, Activation.NONE, 1, 11, 10, true);
    addPointwise("P4", 1, 1, 1, 1, true, Activation.NONE, 3, 1, 1, true);
    addDepthwise("D0", 8, 1, new int[] {3, 3, 1, 1, 1, 1, 1, 1, 1, 1}, true, Activation.RELU6,
        2, 9, 11, false);
    addDepthwise("D1", 8, 1, new int[] {3, 3, 1, 1, 1, 1, 1, 1, 1, 1}, true, Activation.RELU6,
        2, 9, 11, true);
    addDepthwise("D2", 4, 2, new int[] {3, 3, 2, 2, 0, 0, 0, 0, 1, 1}, false, Activation.NONE,
        1, 8, 8, true);
    addDepthwise("D3", 3, 1, new int[] {5, 3, 2, 1, 2, 1, 1, 0, 2, 1}, true, Activation.RELU,
        1, 13, 6, false);
    addDepthwise("D4", 2, 3, new int[] {9, 9, 1, 1, 4, 4, 4, 4, 1, 1}, true, Activation.NONE,
        1, 12, 10, true); // 81 taps: row-looped interior
    // Padding derived by the processor: the test states the pads it expects.
    addCase("Same", "in = 2, kind = Kind.DEPTHWISE, kernel = 3, stride = 2,"
            + " autoPad = AutoPad.SAME_UPPER, height = 8, width = 7",
        ConvGeometry.depthwise(2, 1, 3, 3, 2, 2, 0, 1, 1, 1, 1, 1), true, 1, 8, 7);
    addCase("SameLower", "in = 2, kind = Kind.DEPTHWISE, kernel = 4, autoPad = AutoPad.SAME_LOWER",
        ConvGeometry.depthwise(2, 1, 4, 4, 1, 1, 2, 2, 1, 1, 1, 1), true, 1, 6, 5);
    addCase("Valid", "in = 3, out = 6, kind = Kind.DEPTHWISE, kernel = 3, autoPad = AutoPad.VALID",
        ConvGeometry.depthwise(3, 2, 3, 3, 1, 1, 0, 0, 0, 0, 1, 1), true, 2, 5, 6);
    addCase("DefaultPad", "in = 3, kind = Kind.DEPTHWISE, kernel = {5, 3}, dilation = 2",
        ConvGeometry.depthwise(3, 1, 5, 3, 1, 1, 4, 2, 4, 2, 2, 2), true, 1, 9, 9);
    addCase("PerAxisPad", "in = 3, kind = Kind.DEPTHWISE, kernel = 3, padding = {2, 0},"
            + " dilation = {3, 1}, bias = false",
        ConvGeometry.depthwise(3, 1, 3, 3, 1, 1, 2, 0, 2, 0, 3, 1), false, 1, 9, 9);
    // Unroll.FULL: straight-line SIMD reduction, split into methods of 32 input channels.
    addCase("Full1", "in = 70, out = 10, unroll = Unroll.FULL",
        ConvGeometry.pointwise(70, 10, 1, 1), true, 2, 9, 5);
    addCase("Full2", "in = 33, out = 8, bias = false, unroll = Unroll.FULL, height = 9, width = 7",
        ConvGeometry.pointwise(33, 8, 1, 1), false, 1, 9, 7);
    addCase("Full3", "in = 16, out = 5, unroll = Unroll.FULL, height = 4, width = 4",
        ConvGeometry.pointwise(16, 5, 1, 1), true, 1, 4, 4);
    for (int i = 0; i < 40; i++) {
      randomDepthwise("RD" + i, random);
    }
    // Dense and grouped: accumulated plane by plane, SIMD at stride 1.
    addDense("G0", 3, 5, 1, new int[] {3, 3, 1, 1, 1, 1, 1, 1, 1, 1}, true, Activation.RELU,
        2, 9, 11, false);
    addDense("G1", 4, 6, 2, new int[] {3, 3, 2, 2, 0, 1, 1, 0, 1, 1}, false, Activation.NONE,
        1, 8, 9, true);
    addDense("G2", 6, 9, 3, new int[] {5, 3, 1, 1, 2, 1, 2, 1, 2, 1}, true, Activation.RELU6,
        1, 17, 12, true);
    addDense("G3", 8, 4, 4, new int[] {1, 1, 1, 1, 0, 0, 0, 0, 1, 1}, true, Activation.NONE,
        2, 5, 19, false); // grouped 1x1
    addDense("G4", 3, 8, 1, new int[] {3, 3, 2, 2, 1, 1, 1, 1, 1, 1}, true, Activation.RELU6,
        1, 21, 20, false); // a network stem
    for (int i = 0; i < 15; i++) {
      randomDense("RG" + i, random);
    }
    // Wide enough for the NHWC bodies networks use (one vector of channels at either width):
    // a stem, stride-2 and 5x5 depthwise, a narrower last panel, fixed sizes.
    addDense("N0", 3, 32, 1, new int[] {3, 3, 2, 2, 1, 1, 1, 1, 1, 1}, true, Activation.RELU6,
        1, 19, 22, false);
    addDepthwise("N1", 24, 1, new int[] {3, 3, 2, 2, 1, 1, 1, 1, 1, 1}, true, Activation.RELU6,
        2, 13, 10, false);
    addDepthwise("N2", 32, 1, new int[] {5, 5, 2, 2, 2, 2, 2, 2, 1, 1}, false, Activation.NONE,
        1, 9, 14, true);
    addPointwise("N3", 48, 40, 1, 1, true, Activation.RELU, 1, 7, 7, true);
    addPointwise("N4", 16, 16, 1, 1, false, Activation.NONE, 2, 2, 3, false);
    for (int i = 0; i < 25; i++) {
      addPointwise("RP" + i, 1 + random.nextInt(40), 1 + random.nextInt(40),
          1 + random.nextInt(3), 1 + random.nextInt(3), random.nextBoolean(),
          Activation.values()[random.nextInt(3)], 1 + random.nextInt(2), 1 + random.nextInt(12),
          1 + random.nextInt(12), random.nextBoolean());
    }
    List<String> annotations = new ArrayList<>();
    CASES.forEach(c -> annotations.add(c.annotation()));
    annotations.add("@ConvSpec(name = \"S0\", in = 6, out = 10, kernel = 3, stride = 2,"
        + " depthwiseBias = true, depthwiseActivation = Activation.RELU6,"
        + " activation = Activation.RELU)");
    annotations.add("@ConvSpec(name = \"S1\", in = 5, out = 3, kernel = 3, multiplier = 2,"
        + " bias = false, height = 7, width = 6)");
    compilation = SpecCompiler.compile(annotations, true);
    loader = SpecCompiler.load(compilation);
  }

  private static void addPointwise(String name, int in, int out, int sh, int sw, boolean bias,
      Activation activation, int batch, int h, int w, boolean fixed) {
    String annotation = String.format("@ConvSpec(name = \"%s\", in = %d, out = %d, kind = Kind.POINTWISE,"
        + " stride = {%d, %d}, bias = %b, activation = Activation.%s%s)", name, in, out, sh, sw,
        bias, activation, fixed ? ", height = " + h + ", width = " + w : "");
    CASES.add(new Case(name, annotation, ConvGeometry.pointwise(in, out, sh, sw), bias,
        activation, batch, h, w));
  }

  private static void addCase(String name, String body, ConvGeometry expected, boolean bias,
      int batch, int h, int w) {
    CASES.add(new Case(name, "@ConvSpec(name = \"" + name + "\", " + body + ")", expected, bias,
        Activation.NONE, batch, h, w));
  }

  /** {@code s = {kh, kw, sh, sw, top, left, bottom, right, dh, dw}}. */
  private static void addDepthwise(String name, int in, int multiplier, int[] s, boolean bias,
      Activation activation, int batch, int h, int w, boolean fixed) {
    String annotation = String.format("@ConvSpec(name = \"%s\", in = %d, multiplier = %d,"
        + " kind = Kind.DEPTHWISE, kernel = {%d, %d}, stride = {%d, %d},"
        + " padding = {%d, %d, %d, %d}, dilation = {%d, %d}, bias = %b,"
        + " activation = Activation.%s%s)", name, in, multiplier, s[0], s[1], s[2], s[3], s[4],
        s[5], s[6], s[7], s[8], s[9], bias, activation,
        fixed ? ", height = " + h + ", width = " + w : "");
    CASES.add(new Case(name, annotation, ConvGeometry.depthwise(in, multiplier, s[0], s[1], s[2],
        s[3], s[4], s[5], s[6], s[7], s[8], s[9]), bias, activation, batch, h, w));
  }

  /** {@code s} as for {@link #addDepthwise}. */
  private static void addDense(String name, int in, int out, int groups, int[] s, boolean bias,
      Activation activation, int batch, int h, int w, boolean fixed) {
    String annotation = String.format("@ConvSpec(name = \"%s\", in = %d, out = %d, groups = %d,"
        + " kind = Kind.DENSE, kernel = {%d, %d}, stride = {%d, %d},"
        + " padding = {%d, %d, %d, %d}, dilation = {%d, %d}, bias = %b,"
        + " activation = Activation.%s%s)", name, in, out, groups, s[0], s[1], s[2], s[3], s[4],
        s[5], s[6], s[7], s[8], s[9], bias, activation,
        fixed ? ", height = " + h + ", width = " + w : "");
    CASES.add(new Case(name, annotation, new ConvGeometry(in, out, groups, s[0], s[1], s[2],
        s[3], s[4], s[5], s[6], s[7], s[8], s[9]), bias, activation, batch, h, w));
  }

  private static void randomDense(String name, Random random) {
    int groups = 1 + random.nextInt(3);
    int[] s = randomWindow(random);
    addDense(name, groups * (1 + random.nextInt(4)), groups * (1 + random.nextInt(4)), groups,
        Arrays.copyOf(s, 10), random.nextBoolean(),
        Activation.values()[random.nextInt(3)], 1 + random.nextInt(2), s[10], s[11],
        random.nextBoolean());
  }

  /** Kernel, stride, pads and dilation as for {@link #addDepthwise}, then a valid input h, w. */
  private static int[] randomWindow(Random random) {
    int kh = 1 + random.nextInt(7);
    int kw = 1 + random.nextInt(7);
    int dh = 1 + random.nextInt(3);
    int dw = 1 + random.nextInt(3);
    int extentH = dh * (kh - 1) + 1;
    int extentW = dw * (kw - 1) + 1;
    int top = random.nextInt(extentH);
    int bottom = random.nextInt(extentH);
    int left = random.nextInt(extentW);
    int right = random.nextInt(extentW);
    int h = Math.max(1, extentH - top - bottom) + random.nextInt(12);
    int w = Math.max(1, extentW - left - right) + random.nextInt(12);
    return new int[] {kh, kw, 1 + random.nextInt(3), 1 + random.nextInt(3), top, left, bottom,
        right, dh, dw, h, w};
  }

  private static void randomDepthwise(String name, Random random) {
    int[] s = randomWindow(random);
    addDepthwise(name, 1 + random.nextInt(10), 1 + random.nextInt(3),
        Arrays.copyOf(s, 10), random.nextBoolean(),
        Activation.values()[random.nextInt(3)], 1 + random.nextInt(2), s[10], s[11],
        random.nextBoolean());
  }

  /** Every width the kernels were planned for, forced whatever this machine prefers. */
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"SIMD 256-bit", "SIMD 512-bit", "scalar"})
  void everySingleStageKernelMatchesGenericAndReference(String mode) throws Exception {
    boolean simd = !mode.equals("scalar");
    String bits = simd ? mode.substring(5, 8) : null;
    assertTrue(CASES.size() >= 90);
    assertTrue(Vectorization.available(), "the tests run with --add-modules jdk.incubator.vector");
    int vectorized = 0;
    int nhwcChecked = 0;
    for (Case c : CASES) {
      Random random = new Random(c.name().hashCode());
      ConvGeometry g = c.geometry();
      float[] weight = Tolerance.random(random, (int) g.weightCount());
      float[] bias = c.bias() ? Tolerance.random(random, g.outChannels()) : null;
      ConvKernel kernel = withSimd(simd, bits,
          () -> instantiate("test.Holder_" + c.name(), c.bias(), weight, bias));
      assertEquals(g, kernel.geometry(), c.annotation());
      if (usesSimd(kernel)) {
        vectorized++;
        // first, or after the NHWC body that NCHW calls run (dense kernels)
        String described = kernel.implementation();
        String own = "own NCHW code, ";
        assertTrue(described.substring(described.indexOf(own) < 0 ? 0
            : described.indexOf(own) + own.length()).startsWith(mode), described);
      }
      float[] x = Tolerance.random(random, c.batch() * g.inChannels() * c.height() * c.width());
      int outLength = c.batch() * g.outChannels() * g.outputHeight(c.height())
          * g.outputWidth(c.width());
      float[] specialized = new float[outLength];
      float[] generic = new float[outLength];
      kernel.forward(x, c.batch(), c.height(), c.width(), specialized);
      float[] parallel = new float[outLength];
      ParallelLayer.of(kernel, POOL, 3).forward(x, c.batch(), c.height(), c.width(), parallel);
      assertArrayEquals(specialized, parallel, c.annotation() + " in parallel");
      if (kernel.nhwcNative()) { // the NHWC body networks use, on the same input
        nhwcChecked++;
        int outH = g.outputHeight(c.height());
        int outW = g.outputWidth(c.width());
        float[] nhwc = new float[outLength];
        kernel.forwardNhwc(transpose(x, c.batch(), g.inChannels(), c.height() * c.width()),
            c.batch(), c.height(), c.width(), nhwc);
        Tolerance.assertClose(c.annotation() + " in NHWC", specialized,
            transpose(nhwc, c.batch(), outH * outW, g.outChannels()), 1e-5);
      }
      // the kernel's own NCHW code (SIMD at this width, or scalar), also where forward runs
      // the NHWC body between transpositions
      float[] own = new float[outLength];
      kernel.forwardUnits(x, c.batch(), c.height(), c.width(), own, 0,
          kernel.workUnits(c.batch()));
      Tolerance.assertClose(c.annotation() + " own NCHW code", specialized, own, 1e-5);
      GenericKernels.create(g, weight, bias, c.activation())
          .forward(x, c.batch(), c.height(), c.width(), generic);
      Tolerance.assertClose(c.annotation() + " vs generic", generic, specialized, 1e-5);
      Tolerance.assertClose(c.annotation() + " vs reference", ReferenceConv.conv2d(
          g, x, c.batch(), c.height(), c.width(), weight, bias, c.activation()), specialized, 1e-5);
    }
    if (simd) {
      assertTrue(vectorized >= 15, "stride-1 kernels run SIMD code: " + vectorized);
      assertTrue(nhwcChecked >= 5, "kernels with an NHWC body: " + nhwcChecked);
    } else {
      assertEquals(0, vectorized);
    }
  }

  /** Per image, a {@code [rows][columns]} matrix transposed: NCHW to NHWC and back. */
  private static float[] transpose(float[] x, int batch, int rows, int columns) {
    float[] y = new float[x.length];
    for (int n = 0; n < batch; n++) {
      int image = n * rows * columns;
      for (int r = 0; r < rows; r++) {
        for (int col = 0; col < columns; col++) {
          y[image + col * rows + r] = x[image + r * columns + col];
        }
      }
    }
    return y;
  }

  /**
   * SAME padding at stride > 1 with the size known only at run time (TensorFlow/Keras ports): the
   * padding of every call follows TensorFlow's rule, computed here on its own for each size.
   */
  @Test
  void samePaddingAtRunTimeSizesFollowsTensorFlow() throws Exception {
    Compilation same = SpecCompiler.compile(List.of(
        "@ConvSpec(name = \"Dw\", in = 3, kind = Kind.DEPTHWISE, kernel = 3, stride = 2,"
            + " autoPad = AutoPad.SAME_UPPER, activation = Activation.RELU6)",
        "@ConvSpec(name = \"DwLower\", in = 2, kind = Kind.DEPTHWISE, kernel = {4, 3},"
            + " stride = {3, 2}, autoPad = AutoPad.SAME_LOWER)",
        "@ConvSpec(name = \"Dense\", in = 3, out = 4, kind = Kind.DENSE, kernel = 3, stride = 2,"
            + " autoPad = AutoPad.SAME_UPPER)",
        "@ConvSpec(name = \"Sep\", in = 4, out = 6, kernel = 3, stride = 2,"
            + " autoPad = AutoPad.SAME_UPPER)"), true);
    ClassLoader classes = SpecCompiler.load(same);
    Random random = new Random(8);
    int[][] specs = {{3, 3, 3, 3, 2, 2, 1}, {2, 2, 4, 3, 3, 2, 0}, {3, 4, 3, 3, 2, 2, 1}};
    String[] names = {"Dw", "DwLower", "Dense"};
    for (int s = 0; s < specs.length; s++) {
      int[] p = specs[s]; // in, out, kh, kw, sh, sw, upper
      Class<?> type = classes.loadClass("test.Holder_" + names[s]);
      int groups = names[s].equals("Dense") ? 1 : p[0];
      float[] weight = Tolerance.random(random, p[1] * (p[0] / groups) * p[2] * p[3]);
      float[] bias = Tolerance.random(random, p[1]);
      for (boolean simd : new boolean[] {true, false}) {
        ConvKernel kernel = withSimd(simd,
            () -> (ConvKernel) type.getConstructors()[0].newInstance(weight, bias));
        for (int h = 4; h <= 9; h++) {
          for (int w = 5; w <= 8; w++) {
            int[] vertical = tensorFlowSame(h, p[4], p[2], p[6] == 1);
            int[] horizontal = tensorFlowSame(w, p[5], p[3], p[6] == 1);
            ConvGeometry g = new ConvGeometry(p[0], p[1], groups, p[2], p[3], p[4], p[5],
                vertical[0], horizontal[0], vertical[1], horizontal[1], 1, 1);
            Activation activation = names[s].equals("Dw") ? Activation.RELU6 : Activation.NONE;
            assertEquals((h + p[4] - 1) / p[4], kernel.outputHeight(h));
            assertEquals((w + p[5] - 1) / p[5], kernel.outputWidth(w));
            float[] x = Tolerance.random(random, 2 * p[0] * h * w);
            float[] y = new float[2 * p[1] * g.outputHeight(h) * g.outputWidth(w)];
            kernel.forward(x, 2, h, w, y);
            Tolerance.assertClose(names[s] + " " + h + "x" + w, ReferenceConv.conv2d(g, x, 2, h, w,
                weight, bias, activation), y, 1e-5);
          }
        }
      }
    }
    Class<?> block = classes.loadClass("test.Holder_Sep");
    SeparableBlock sep = (SeparableBlock) block.getConstructors()[0].newInstance(
        new float[36], new float[24], new float[6]);
    assertEquals(4, sep.outputHeight(8));
    assertEquals(5, sep.outputHeight(9));
  }

  /** TensorFlow's SAME: {@code {before, after}} for one axis. */
  private static int[] tensorFlowSame(int in, int stride, int kernel, boolean upper) {
    int out = (in + stride - 1) / stride;
    int total = Math.max((out - 1) * stride + kernel - in, 0);
    return upper ? new int[] {total / 2, total - total / 2}
        : new int[] {total - total / 2, total / 2};
  }

  /** A user's build without {@code --add-modules jdk.incubator.vector} gets scalar kernels. */
  @Test
  void withoutTheVectorModuleOnlyScalarCodeIsGenerated() throws Exception {
    Compilation scalarOnly = SpecCompiler.compile(List.of(
        "@ConvSpec(name = \"Block\", in = 8, out = 16, kernel = 3)"), false);
    assertTrue(SpecCompiler.classFiles(scalarOnly).keySet().stream()
        .noneMatch(name -> name.contains("Simd")), SpecCompiler.classFiles(scalarOnly).keySet()::toString);
    assertTrue(SpecCompiler.classFiles(compilation).keySet().stream()
        .anyMatch(name -> name.endsWith("$Simd256")) && SpecCompiler.classFiles(compilation)
        .keySet().stream().anyMatch(name -> name.endsWith("$Simd512")));
    Class<?> type = SpecCompiler.load(scalarOnly).loadClass("test.Holder_Block");
    SeparableBlock block = (SeparableBlock) type.getConstructors()[0].newInstance(
        new float[72], new float[128], new float[16]);
    assertTrue(!usesSimd(block.depthwise()) && !usesSimd(block.pointwise()));
  }

  /** Constructs with the SIMD implementation switched on or off ({@code convgen.simd}). */
  private static <T> T withSimd(boolean simd, Callable<T> construct) throws Exception {
    return withSimd(simd, null, construct);
  }

  /** As {@link #withSimd(boolean, Callable)}, with the vector width forced ({@code null}: none). */
  private static <T> T withSimd(boolean simd, String bits, Callable<T> construct)
      throws Exception {
    String previous = System.setProperty("convgen.simd", Boolean.toString(simd));
    String previousBits = bits == null ? System.clearProperty(Vectorization.BITS_PROPERTY)
        : System.setProperty(Vectorization.BITS_PROPERTY, bits);
    try {
      return construct.call();
    } finally {
      restore("convgen.simd", previous);
      restore(Vectorization.BITS_PROPERTY, previousBits);
    }
  }

  private static void restore(String property, String value) {
    if (value == null) {
      System.clearProperty(property);
    } else {
      System.setProperty(property, value);
    }
  }

  private static boolean usesSimd(ConvKernel kernel) throws Exception {
    try {
      Field field = kernel.getClass().getDeclaredField("simd");
      field.setAccessible(true);
      return field.get(kernel) != null;
    } catch (NoSuchFieldException scalarOnly) {
      return false;
    }
  }

  /** The generated kernels against ONNX's own expected outputs, for every conformance case. */
  @Test
  void generatedKernelsMatchOnnxConformance() throws Exception {
    List<String> names = ConformanceCase.NAMES;
    List<String> annotations = new ArrayList<>();
    for (int i = 0; i < names.size(); i++) {
      ConvGeometry g = ConformanceCase.load(names.get(i)).geometry();
      annotations.add(String.format("@ConvSpec(name = \"C%d\", in = %d, out = %d,"
              + " kind = Kind.%s, kernel = {%d, %d}, stride = {%d, %d},"
              + " padding = {%d, %d, %d, %d}, dilation = {%d, %d}, bias = %b)",
          i, g.inChannels(), g.outChannels(),
          g.isDepthwise() ? "DEPTHWISE" : "DENSE, groups = " + g.groups(),
          g.kernelH(), g.kernelW(), g.strideH(), g.strideW(),
          g.padTop(), g.padLeft(), g.padBottom(), g.padRight(), g.dilationH(), g.dilationW(),
          ConformanceCase.load(names.get(i)).bias() != null));
    }
    ClassLoader conformance = SpecCompiler.load(SpecCompiler.compile(annotations));
    for (int i = 0; i < names.size(); i++) {
      ConformanceCase c = ConformanceCase.load(names.get(i));
      Class<?> type = conformance.loadClass("test.Holder_C" + i);
      ConvKernel kernel = (ConvKernel) (c.bias() != null
          ? type.getConstructor(float[].class, float[].class).newInstance(c.weight(), c.bias())
          : type.getConstructor(float[].class).newInstance((Object) c.weight()));
      assertEquals(c.geometry(), kernel.geometry());
      int[] x = c.inputShape();
      float[] y = new float[c.expected().length];
      kernel.forward(c.input(), x[0], x[2], x[3], y);
      Tolerance.assertClose(c.name(), c.expected(), y, 1e-5);
    }
  }

  @ParameterizedTest(name = "simd = {0}")
  @ValueSource(booleans = {true, false})
  void separableBlocksMatchTheReferenceChain(boolean simd) throws Exception {
    withSimd(simd, () -> {
      separableCases();
      return null;
    });
  }

  private void separableCases() throws Exception {
    checkSeparable("S0", ConvGeometry.depthwise(6, 1, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1), true,
        Activation.RELU6, ConvGeometry.pointwise(6, 10, 1, 1), true, Activation.RELU, 2, 11, 9);
    checkSeparable("S1", ConvGeometry.depthwise(5, 2, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1), false,
        Activation.NONE, ConvGeometry.pointwise(10, 3, 1, 1), false, Activation.NONE, 1, 7, 6);
  }

  private void checkSeparable(String name, ConvGeometry dw, boolean dwBias, Activation dwAct,
      ConvGeometry pw, boolean pwBias, Activation pwAct, int n, int h, int w) throws Exception {
    Random random = new Random(name.hashCode());
    float[] dwWeight = Tolerance.random(random, (int) dw.weightCount());
    float[] dwB = dwBias ? Tolerance.random(random, dw.outChannels()) : null;
    float[] pwWeight = Tolerance.random(random, (int) pw.weightCount());
    float[] pwB = pwBias ? Tolerance.random(random, pw.outChannels()) : null;
    List<Object> arguments = new ArrayList<>();
    arguments.add(dwWeight);
    if (dwBias) {
      arguments.add(dwB);
    }
    arguments.add(pwWeight);
    if (pwBias) {
      arguments.add(pwB);
    }
    Class<?> type = loader.loadClass("test.Holder_" + name);
    Constructor<?> constructor = type.getConstructors()[0];
    SeparableBlock block = (SeparableBlock) constructor.newInstance(arguments.toArray());
    assertEquals(dw, block.depthwise().geometry());
    assertEquals(pw, block.pointwise().geometry());
    float[] x = Tolerance.random(random, n * dw.inChannels() * h * w);
    float[] y = new float[n * pw.outChannels() * block.outputHeight(h) * block.outputWidth(w)];
    block.forward(x, n, h, w, y);
    float[] mid = ReferenceConv.conv2d(dw, x, n, h, w, dwWeight, dwB, dwAct);
    Tolerance.assertClose(name, ReferenceConv.conv2d(pw, mid, n, dw.outputHeight(h),
        dw.outputWidth(w), pwWeight, pwB, pwAct), y, 1e-5);
  }

  @Test
  void fixedSizeKernelsRefuseOtherSizes() throws Exception {
    ConvLayer kernel = instantiate("test.Holder_D1", true, new float[72], new float[8]);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> kernel.forward(new float[8 * 10 * 11], 1, 10, 11, new float[8 * 10 * 11]));
    assertEquals("height: this kernel was generated for height 9 (@ConvSpec height = 9), got 10",
        e.getMessage());
  }

  @Test
  void everyGeneratedMethodIsUnderTheJitLimit() {
    Map<String, byte[]> classes = SpecCompiler.classFiles(compilation);
    int largest = 0;
    for (Map.Entry<String, byte[]> type : classes.entrySet()) {
      for (Map.Entry<String, Integer> method :
          ClassFileMethods.codeLengths(type.getValue()).entrySet()) {
        assertTrue(method.getValue() < 8000,
            type.getKey() + "." + method.getKey() + " has " + method.getValue() + " bytes");
        largest = Math.max(largest, method.getValue());
      }
    }
    assertTrue(largest > 500, "the check read real methods (largest " + largest + " bytes)");
  }

  private static ConvKernel instantiate(String className, boolean bias, float[] weight,
      float[] biasValues) throws Exception {
    Class<?> type = loader.loadClass(className);
    Object kernel = bias
        ? type.getConstructor(float[].class, float[].class).newInstance(weight, biasValues)
        : type.getConstructor(float[].class).newInstance((Object) weight);
    return (ConvKernel) kernel;
  }
}
