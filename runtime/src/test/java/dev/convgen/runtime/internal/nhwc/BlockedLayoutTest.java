package dev.convgen.runtime.internal.nhwc;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.convgen.annotations.Activation;
import dev.convgen.runtime.ConvGeometry;
import dev.convgen.runtime.ReferenceConv;
import dev.convgen.runtime.Tolerance;
import dev.convgen.runtime.Vectorization;
import dev.convgen.runtime.internal.UnitKernel;
import dev.convgen.runtime.kernels.GenericKernels;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The channel-blocked layout ({@code [batch][channels / lanes][height][width][lanes]}) that
 * networks pass from a pointwise stage to the depthwise stage after it: depthwise stages reading
 * it and pointwise stages writing it, against the textbook reference, with tensors converted by
 * this test's own index arithmetic; at 512 bits only (at 256 networks keep NHWC). Runs at the
 * JVM's width and again forced to 256 and 512 bits.
 */
class BlockedLayoutTest {

  /** Channels per block: one vector. */
  private static final int LANES = 16;

  static Stream<Arguments> depthwise() {
    return Stream.of(
        // stride 1 (rows in pairs, an odd row left), stride 2; PyTorch padding 1
        Arguments.of(ConvGeometry.depthwise(2 * LANES, 1, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1), 9, 14),
        Arguments.of(ConvGeometry.depthwise(3 * LANES, 1, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1), 15, 8),
        Arguments.of(ConvGeometry.depthwise(LANES, 1, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1), 1, 6),
        Arguments.of(ConvGeometry.depthwise(2 * LANES, 1, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1), 7, 7),
        // TensorFlow SAME at stride 2 on an even size (the padding at the bottom and right only)
        Arguments.of(ConvGeometry.depthwise(2 * LANES, 1, 3, 3, 2, 2, 0, 0, 1, 1, 1, 1), 8, 10),
        // no padding
        Arguments.of(ConvGeometry.depthwise(LANES, 1, 3, 3, 1, 1, 0, 0, 0, 0, 1, 1), 6, 9));
  }

  @ParameterizedTest
  @MethodSource("depthwise")
  void depthwiseStagesReadABlockedInput(ConvGeometry g, int h, int w) {
    assumeTrue(Vectorization.bits() == 512, "channel-blocked tensors at 512 bits");
    Random random = new Random(h * 31 + w);
    float[] x = Tolerance.random(random, 2 * g.inChannels() * h * w);
    float[] weight = Tolerance.random(random, (int) g.weightCount());
    float[] bias = Tolerance.random(random, g.outChannels());
    UnitKernel kernel = (UnitKernel) GenericKernels.tuned(g, weight, bias, Activation.RELU6);
    assertTrue(kernel.readsBlocked(h, w), g.describe());
    assertFalse(kernel.writesBlocked(h, w), "a depthwise stage writes NHWC");
    int oh = g.outputHeight(h);
    int ow = g.outputWidth(w);
    float[] y = new float[2 * g.outChannels() * oh * ow];
    kernel.forwardNhwcBlocked(blocked(x, 2, g.inChannels(), h, w), true, 2, h, w, y, false);
    Tolerance.assertClose(g.describe() + " " + h + "x" + w,
        ReferenceConv.conv2d(g, x, 2, h, w, weight, bias, Activation.RELU6),
        NhwcKernelsTest.nchw(y, 2, g.outChannels(), oh, ow), 1e-5);
  }

  static Stream<Arguments> pointwise() {
    return Stream.of( // whole 4-vector panels: output channels a multiple of 64
        Arguments.of(ConvGeometry.pointwise(32, 4 * LANES, 1, 1), 13, 11),
        Arguments.of(ConvGeometry.pointwise(24, 8 * LANES, 1, 1), 5, 7),
        Arguments.of(ConvGeometry.pointwise(16, 12 * LANES, 1, 1), 3, 5),
        Arguments.of(ConvGeometry.pointwise(40, 8 * LANES, 1, 1), 7, 7), // split by panels
        Arguments.of(ConvGeometry.pointwise(16, 4 * LANES, 1, 1), 1, 4), // fewer than a tile
        Arguments.of(ConvGeometry.pointwise(24, 4 * LANES, 1, 1), 2, 7), // 2 tiles + 2 pixels
        Arguments.of(ConvGeometry.pointwise(16, 4 * LANES, 1, 1), 2, 1)); // 2 pixels
  }

  @ParameterizedTest
  @MethodSource("pointwise")
  void pointwiseStagesWriteABlockedOutput(ConvGeometry g, int h, int w) {
    assumeTrue(Vectorization.bits() == 512, "channel-blocked tensors at 512 bits");
    Random random = new Random(h * 37 + w);
    float[] x = Tolerance.random(random, 2 * g.inChannels() * h * w);
    float[] weight = Tolerance.random(random, (int) g.weightCount());
    float[] bias = Tolerance.random(random, g.outChannels());
    UnitKernel kernel = (UnitKernel) GenericKernels.tuned(g, weight, bias, Activation.NONE);
    assertTrue(kernel.writesBlocked(h, w), g.describe());
    assertFalse(kernel.readsBlocked(h, w), "a pointwise stage reads NHWC");
    float[] y = new float[2 * g.outChannels() * h * w];
    kernel.forwardNhwcBlocked(NhwcKernelsTest.nhwc(x, 2, g.inChannels(), h, w), false, 2, h, w,
        y, true);
    Tolerance.assertClose(g.describe() + " " + h + "x" + w,
        ReferenceConv.conv2d(g, x, 2, h, w, weight, bias, Activation.NONE),
        nchwFromBlocked(y, 2, g.outChannels(), h, w), 1e-5);
  }

  /**
   * Where the layout does not fit, the kernels say so and refuse it, naming the arguments; at 256
   * bits no stage takes it.
   */
  @Test
  void stagesThatCannotTakeTheLayoutRefuseIt() {
    assumeTrue(Vectorization.enabled(), "no NHWC bodies without SIMD");
    Random random = new Random(5);
    ConvGeometry partial = ConvGeometry.depthwise(LANES + 4, 1, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1);
    ConvGeometry fiveByFive = ConvGeometry.depthwise(LANES, 1, 5, 5, 1, 1, 2, 2, 2, 2, 1, 1);
    ConvGeometry strided = ConvGeometry.pointwise(16, 2 * LANES, 2, 2);
    ConvGeometry partialOut = ConvGeometry.pointwise(16, 6 * LANES, 1, 1); // 4 + 2 vectors
    ConvGeometry[] refused = Vectorization.bits() == 512
        ? new ConvGeometry[] {partial, fiveByFive, strided, partialOut}
        : new ConvGeometry[] {partial, fiveByFive, strided, partialOut,
            ConvGeometry.depthwise(LANES, 1, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1),
            ConvGeometry.pointwise(16, LANES, 1, 1)};
    for (ConvGeometry g : refused) {
      UnitKernel kernel = (UnitKernel) GenericKernels.tuned(g,
          Tolerance.random(random, (int) g.weightCount()), null, Activation.NONE);
      assertFalse(kernel.readsBlocked(8, 8) || kernel.writesBlocked(8, 8), g.describe());
      float[] x = new float[g.inChannels() * 64];
      float[] y = new float[g.outChannels() * g.outputHeight(8) * g.outputWidth(8)];
      boolean depthwise = g.isDepthwise();
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> kernel.forwardNhwcBlocked(x, depthwise, 1, 8, 8, y, !depthwise));
      assertTrue(e.getMessage().startsWith("inputBlocked, outputBlocked: "), e.getMessage());
    }
  }

  /** NCHW into the blocked layout, by this test's own index arithmetic. */
  static float[] blocked(float[] x, int n, int c, int h, int w) {
    float[] y = new float[x.length];
    int plane = h * w;
    for (int b = 0; b < n; b++) {
      for (int ch = 0; ch < c; ch++) {
        for (int p = 0; p < plane; p++) {
          y[b * c * plane + (ch / LANES) * plane * LANES + p * LANES + ch % LANES] =
              x[(b * c + ch) * plane + p];
        }
      }
    }
    return y;
  }

  /** The blocked layout into NCHW. */
  static float[] nchwFromBlocked(float[] x, int n, int c, int h, int w) {
    float[] y = new float[x.length];
    int plane = h * w;
    for (int b = 0; b < n; b++) {
      for (int ch = 0; ch < c; ch++) {
        for (int p = 0; p < plane; p++) {
          y[(b * c + ch) * plane + p] =
              x[b * c * plane + (ch / LANES) * plane * LANES + p * LANES + ch % LANES];
        }
      }
    }
    return y;
  }
}
