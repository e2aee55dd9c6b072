package dev.convgen.processor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.testing.compile.Compilation;
import dev.convgen.annotations.Activation;
import dev.convgen.runtime.ConvGeometry;
import dev.convgen.runtime.ConvKernel;
import dev.convgen.runtime.ReferenceConv;
import dev.convgen.runtime.Tolerance;
import dev.convgen.runtime.kernels.GenericKernels;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * Differential fuzzing: seeded random valid specs (pointwise, depthwise, dense and grouped: channels, kernel 1..7
 * incl. rectangular, stride 1..3, dilation 1..3, asymmetric pads, multiplier, bias, activation,
 * size fixed or not) are generated and compiled in-process, run on random data that includes
 * negative zeros, NaN and infinities, and compared with the generic kernel and the textbook loop.
 *
 * <p>{@code -Dconvgen.fuzz.specs=N} (default 120) and {@code -Dconvgen.fuzz.seed=S} replay or
 * extend a run; a failure names its seed and spec.
 */
class FuzzTest {

  private static final int SPECS = Integer.getInteger("convgen.fuzz.specs", 120);
  private static final long SEED = Long.getLong("convgen.fuzz.seed", 20261122L);
  private static final int PER_COMPILATION = 60;

  record Spec(String annotation, ConvGeometry geometry, boolean bias, Activation activation,
      int batch, int height, int width) {}

  @Test
  void randomSpecsAgreeWithGenericAndTextbookKernels() throws Exception {
    Random random = new Random(SEED);
    for (int first = 0; first < SPECS; first += PER_COMPILATION) {
      List<Spec> specs = new ArrayList<>();
      for (int i = first; i < Math.min(SPECS, first + PER_COMPILATION); i++) {
        int family = random.nextInt(4);
        specs.add(family == 0 ? pointwise(i, random) : spatial(i, random, family == 1));
      }
      Compilation compilation = SpecCompiler.compile(
          specs.stream().map(Spec::annotation).toList(), true);
      ClassLoader loader = SpecCompiler.load(compilation);
      for (int i = 0; i < specs.size(); i++) {
        Spec spec = specs.get(i);
        String what = "seed " + SEED + ", spec " + (first + i) + ": " + spec.annotation();
        check(loader.loadClass("test.Holder_F" + (first + i)), spec, random, what);
      }
    }
  }

  private static void check(Class<?> type, Spec spec, Random random, String what)
      throws Exception {
    ConvGeometry g = spec.geometry();
    float[] weight = Tolerance.random(random, (int) g.weightCount());
    float[] bias = spec.bias() ? Tolerance.random(random, g.outChannels()) : null;
    ConvKernel kernel = (ConvKernel) (spec.bias()
        ? type.getConstructor(float[].class, float[].class).newInstance(weight, bias)
        : type.getConstructor(float[].class).newInstance((Object) weight));
    assertEquals(g, kernel.geometry(), what);
    float[] x = hostileInput(random, spec.batch() * g.inChannels() * spec.height() * spec.width());
    int length = spec.batch() * g.outChannels() * g.outputHeight(spec.height())
        * g.outputWidth(spec.width());
    float[] specialized = new float[length];
    float[] generic = new float[length];
    kernel.forward(x, spec.batch(), spec.height(), spec.width(), specialized);
    GenericKernels.create(g, weight, bias, spec.activation())
        .forward(x, spec.batch(), spec.height(), spec.width(), generic);
    Tolerance.assertClose(what + " vs generic", generic, specialized, 1e-5);
    Tolerance.assertClose(what + " vs textbook", ReferenceConv.conv2d(g, x, spec.batch(),
        spec.height(), spec.width(), weight, bias, spec.activation()), specialized, 1e-5);
  }

  /** Mostly values in [-1, 1), with some -0.0, NaN and infinities. */
  private static float[] hostileInput(Random random, int length) {
    float[] values = Tolerance.random(random, length);
    for (int i = 0; i < length; i++) {
      switch (random.nextInt(200)) {
        case 0 -> values[i] = -0.0f;
        case 1 -> values[i] = Float.NaN;
        case 2 -> values[i] = Float.POSITIVE_INFINITY;
        case 3 -> values[i] = Float.NEGATIVE_INFINITY;
        default -> { }
      }
    }
    return values;
  }

  private static Spec pointwise(int index, Random random) {
    int in = 1 + random.nextInt(random.nextBoolean() ? 12 : 300);
    int out = 1 + random.nextInt(random.nextBoolean() ? 12 : 300);
    int sh = 1 + random.nextInt(3);
    int sw = 1 + random.nextInt(3);
    boolean bias = random.nextBoolean();
    Activation activation = Activation.values()[random.nextInt(3)];
    int h = 1 + random.nextInt(12);
    int w = 1 + random.nextInt(12);
    boolean fixed = random.nextBoolean();
    return new Spec(String.format("@ConvSpec(name = \"F%d\", in = %d, out = %d, kind ="
            + " Kind.POINTWISE, stride = {%d, %d}, bias = %b, activation = Activation.%s%s)",
        index, in, out, sh, sw, bias, activation, fixed ? ", height = " + h + ", width = " + w : ""),
        ConvGeometry.pointwise(in, out, sh, sw), bias, activation, 1 + random.nextInt(2), h, w);
  }

  /** A depthwise spec, or a dense/grouped one (fewer channels: its cost grows with in x out). */
  private static Spec spatial(int index, Random random, boolean dense) {
    int kh = 1 + random.nextInt(7);
    int kw = 1 + random.nextInt(7);
    int dh = 1 + random.nextInt(3);
    int dw = 1 + random.nextInt(3);
    int extentH = dh * (kh - 1) + 1;
    int extentW = dw * (kw - 1) + 1;
    int[] pads = {random.nextInt(extentH), random.nextInt(extentW), random.nextInt(extentH),
        random.nextInt(extentW)};
    int sh = 1 + random.nextInt(3);
    int sw = 1 + random.nextInt(3);
    int groups = 1 + random.nextInt(4);
    int channels = dense ? groups * (1 + random.nextInt(random.nextBoolean() ? 4 : 24))
        : 1 + random.nextInt(random.nextBoolean() ? 8 : 300);
    int multiplier = 1 + random.nextInt(3);
    int out = dense ? groups * (1 + random.nextInt(16)) : channels * multiplier;
    int h = Math.max(1, extentH - pads[0] - pads[2]) + random.nextInt(14);
    int w = Math.max(1, extentW - pads[1] - pads[3]) + random.nextInt(14);
    boolean bias = random.nextBoolean();
    Activation activation = Activation.values()[random.nextInt(3)];
    boolean fixed = random.nextBoolean();
    return new Spec(String.format("@ConvSpec(name = \"F%d\", in = %d, out = %d, kind ="
            + " Kind.%s, kernel = {%d, %d}, stride = {%d, %d}, padding = {%d, %d, %d, %d},"
            + " dilation = {%d, %d}, bias = %b, activation = Activation.%s%s)", index, channels,
        out, dense ? "DENSE, groups = " + groups : "DEPTHWISE", kh, kw, sh, sw, pads[0], pads[1],
        pads[2], pads[3], dh, dw, bias, activation, fixed ? ", height = " + h + ", width = " + w : ""),
        new ConvGeometry(channels, out, dense ? groups : channels, kh, kw, sh, sw, pads[0],
            pads[1], pads[2], pads[3], dh, dw), bias, activation, 1 + random.nextInt(2), h, w);
  }

  /** Extremes: 1 channel, a 1x1 input, a kernel as large as the padded input, stride larger than
   * the kernel, 4096 channels. */
  @Test
  void extremeSpecsCompileStayUnderTheJitLimitAndAreCorrect() throws Exception {
    List<Spec> specs = List.of(
        new Spec("@ConvSpec(name = \"F0\", in = 1, out = 1, height = 1, width = 1)",
            ConvGeometry.pointwise(1, 1, 1, 1), true, Activation.NONE, 1, 1, 1),
        new Spec("@ConvSpec(name = \"F1\", in = 1, kind = Kind.DEPTHWISE, kernel = 5,"
            + " padding = 2, height = 1, width = 1)",
            ConvGeometry.depthwise(1, 1, 5, 5, 1, 1, 2, 2, 2, 2, 1, 1), true, Activation.NONE,
            2, 1, 1),
        new Spec("@ConvSpec(name = \"F2\", in = 3, kind = Kind.DEPTHWISE, kernel = 2, stride = 3,"
            + " padding = 0)",
            ConvGeometry.depthwise(3, 1, 2, 2, 3, 3, 0, 0, 0, 0, 1, 1), true, Activation.NONE,
            1, 10, 11),
        new Spec("@ConvSpec(name = \"F3\", in = 4096, out = 24, height = 3, width = 6,"
            + " activation = Activation.RELU6)",
            ConvGeometry.pointwise(4096, 24, 1, 1), true, Activation.RELU6, 1, 3, 6),
        new Spec("@ConvSpec(name = \"F4\", in = 4096, kind = Kind.DEPTHWISE, kernel = 3,"
            + " bias = false)",
            ConvGeometry.depthwise(4096, 1, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1), false, Activation.NONE,
            1, 4, 3),
        // found by the fuzzer (seed 7): one channel, 1x1, with a declared dilation
        new Spec("@ConvSpec(name = \"F5\", in = 1, kind = Kind.DEPTHWISE, kernel = 1,"
            + " stride = {1, 3}, dilation = {2, 3}, bias = false)",
            ConvGeometry.depthwise(1, 1, 1, 1, 1, 3, 0, 0, 0, 0, 2, 3), false, Activation.NONE,
            1, 5, 7));
    Compilation compilation = SpecCompiler.compile(specs.stream().map(Spec::annotation).toList(),
        true);
    SpecCompiler.classFiles(compilation).forEach((name, bytes) ->
        ClassFileMethods.codeLengths(bytes).forEach((method, size) ->
            org.junit.jupiter.api.Assertions.assertTrue(size < 8000, name + "." + method)));
    ClassLoader loader = SpecCompiler.load(compilation);
    Random random = new Random(SEED);
    for (int i = 0; i < specs.size(); i++) {
      check(loader.loadClass("test.Holder_F" + i), specs.get(i), random, specs.get(i).annotation());
    }
  }

  /** One instance shared by 8 threads on different inputs gives exactly the serial results. */
  @Test
  void oneKernelSharedByEightThreadsMatchesSerialRuns() throws Exception {
    Compilation compilation = SpecCompiler.compile(List.of(
        "@ConvSpec(name = \"Block\", in = 16, out = 24, kernel = 3, height = 20, width = 20)"),
        true);
    Class<?> type = SpecCompiler.load(compilation).loadClass("test.Holder_Block");
    Random random = new Random(SEED);
    var block = (dev.convgen.runtime.network.SeparableBlock) type.getConstructors()[0].newInstance(
        Tolerance.random(random, 16 * 9), Tolerance.random(random, 24 * 16),
        Tolerance.random(random, 24));
    int n = 2;
    float[][] inputs = new float[8][];
    float[][] serial = new float[8][];
    for (int t = 0; t < 8; t++) {
      inputs[t] = Tolerance.random(random, n * 16 * 20 * 20);
      serial[t] = new float[n * 24 * 20 * 20];
      block.forward(inputs[t], n, 20, 20, serial[t]);
    }
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<float[]>> results = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        float[] input = inputs[t];
        results.add(pool.submit(() -> {
          float[] output = new float[n * 24 * 20 * 20];
          for (int repeat = 0; repeat < 50; repeat++) {
            block.forward(input, n, 20, 20, output);
          }
          return output;
        }));
      }
      for (int t = 0; t < 8; t++) {
        assertArrayEquals(serial[t], results.get(t).get(), "thread " + t);
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
