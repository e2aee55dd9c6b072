package dev.convgen.runtime.network;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.convgen.annotations.Activation;
import dev.convgen.runtime.ConvGeometry;
import dev.convgen.runtime.ConvKernel;
import dev.convgen.runtime.ReferenceConv;
import dev.convgen.runtime.Tolerance;
import dev.convgen.runtime.binding.WeightBinder;
import dev.convgen.runtime.kernels.GenericKernels;
import dev.convgen.runtime.weights.Tensor;
import dev.convgen.runtime.weights.Weights;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The layers a ported classifier needs (linear, softmax, average pool), the per-layer outputs of
 * a {@link Sequential}, and binding an MBConv block by name; each against loops written here.
 */
class HeadLayersTest {

  private final Random random = new Random(21);

  @Test
  void linearIsAMatrixProductPerImage() {
    float[] weight = Tolerance.random(random, 5 * 7);
    float[] bias = Tolerance.random(random, 5);
    float[] x = Tolerance.random(random, 3 * 7);
    float[] y = new float[3 * 5];
    new Linear(7, 5, weight, bias).forward(x, 3, 1, 1, y);
    float[] expected = new float[3 * 5];
    for (int n = 0; n < 3; n++) {
      for (int o = 0; o < 5; o++) {
        double sum = bias[o];
        for (int i = 0; i < 7; i++) {
          sum += (double) weight[o * 7 + i] * x[n * 7 + i];
        }
        expected[n * 5 + o] = (float) sum;
      }
    }
    Tolerance.assertClose("linear", expected, y, 1e-6);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new Linear(7, 5, weight, bias).forward(new float[7 * 4], 1, 2, 2, new float[5]));
    assertTrue(e.getMessage().contains("a Linear layer takes [N, in, 1, 1]; got 2x2"));
  }

  @Test
  void softmaxGivesProbabilitiesPerPixelEvenForLargeLogits() {
    float[] x = Tolerance.random(random, 2 * 4 * 3);
    x[0] = 1000f; // would overflow exp without subtracting the maximum
    float[] y = new float[x.length];
    new Softmax(4).forward(x, 2, 1, 3, y);
    for (int n = 0; n < 2; n++) {
      for (int p = 0; p < 3; p++) {
        double max = Double.NEGATIVE_INFINITY;
        for (int c = 0; c < 4; c++) {
          max = Math.max(max, x[(n * 4 + c) * 3 + p]);
        }
        double sum = 0;
        for (int c = 0; c < 4; c++) {
          sum += Math.exp(x[(n * 4 + c) * 3 + p] - max);
        }
        for (int c = 0; c < 4; c++) {
          int i = (n * 4 + c) * 3 + p;
          assertEquals(Math.exp(x[i] - max) / sum, y[i], 1e-6, "index " + i);
        }
      }
    }
    assertEquals(1f, y[0], 1e-6f);
  }

  @Test
  void averagePoolAveragesEachWindow() {
    float[] x = Tolerance.random(random, 2 * 3 * 9 * 8);
    AveragePool pool = new AveragePool(3, 3, 2, 2, 3);
    int outH = pool.outputHeight(9);
    int outW = pool.outputWidth(8);
    assertEquals(4, outH);
    assertEquals(3, outW);
    float[] y = new float[2 * 3 * outH * outW];
    pool.forward(x, 2, 9, 8, y);
    for (int plane = 0; plane < 6; plane++) {
      for (int i = 0; i < outH; i++) {
        for (int j = 0; j < outW; j++) {
          double sum = 0;
          for (int r = 0; r < 3; r++) {
            for (int c = 0; c < 2; c++) {
              sum += x[plane * 72 + (i * 2 + r) * 8 + j * 3 + c];
            }
          }
          assertEquals(sum / 6, y[(plane * outH + i) * outW + j], 1e-6);
        }
      }
    }
    assertEquals("3x2 s2x3", pool.window());
    assertThrows(IllegalArgumentException.class,
        () -> AveragePool.of(3, 7).forward(new float[3 * 36], 1, 6, 6, new float[3]));
  }

  @Test
  void globalAveragePoolRefusesEmptyAndNegativeSizes() {
    GlobalAveragePool pool = new GlobalAveragePool(2);
    for (int[] size : new int[][] {{0, 0}, {-1, -2}, {3, 0}}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> pool.forward(new float[0], 1, size[0], size[1], new float[2]));
      assertTrue(e.getMessage().contains("expected a positive value"), e.getMessage());
    }
  }

  @Test
  void sequentialHandsEveryLayersOutputToTheObserver() {
    ConvGeometry pw = ConvGeometry.pointwise(3, 4, 1, 1);
    float[] w = Tolerance.random(random, 12);
    Sequential model = Sequential.builder()
        .add("conv", GenericKernels.create(pw, w, null, Activation.RELU))
        .add("pool", new GlobalAveragePool(4))
        .add("fc", new Linear(4, 2, Tolerance.random(random, 8), null))
        .add("softmax", new Softmax(2))
        .build();
    float[] x = Tolerance.random(random, 3 * 5 * 5);
    float[] y = new float[2];
    List<String> seen = new ArrayList<>();
    float[][] conv = new float[1][];
    model.forward(x, 1, 5, 5, y, (name, output, batch, channels, height, width) -> {
      seen.add(name + " " + batch + "x" + channels + "x" + height + "x" + width);
      if (name.equals("conv")) {
        conv[0] = java.util.Arrays.copyOf(output, batch * channels * height * width);
      }
    });
    assertEquals(List.of("conv 1x4x5x5", "pool 1x4x1x1", "fc 1x2x1x1", "softmax 1x2x1x1"), seen);
    Tolerance.assertClose("conv", ReferenceConv.conv2d(pw, x, 1, 5, 5, w, null, Activation.RELU),
        conv[0], 1e-6);
    String table = LayerTable.format(model, 1, 5, 5);
    assertTrue(table.contains("linear") && table.contains("softmax"), table);
  }

  @Test
  void invertedResidualBlockBindsItsStagesByName() {
    ConvGeometry expand = ConvGeometry.pointwise(4, 8, 1, 1);
    ConvGeometry dw = ConvGeometry.depthwise(8, 1, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1);
    ConvGeometry project = ConvGeometry.pointwise(8, 4, 1, 1);
    List<Tensor> tensors = new ArrayList<>();
    for (String stage : List.of("expand", "dw", "project")) {
      ConvGeometry g = stage.equals("expand") ? expand : stage.equals("dw") ? dw : project;
      tensors.add(new Tensor("b3." + stage + ".weight", new int[] {g.outChannels(),
          g.inChannelsPerGroup(), g.kernelH(), g.kernelW()},
          Tolerance.random(random, (int) g.weightCount())));
      tensors.add(new Tensor("b3." + stage + ".bias", new int[] {g.outChannels()},
          Tolerance.random(random, g.outChannels())));
    }
    WeightBinder binder = new WeightBinder(Weights.of(tensors));
    InvertedResidualBlock block = InvertedResidualBlock.load(binder, "b3",
        (weights, prefix) -> tuned(weights, prefix, expand, Activation.RELU6),
        (weights, prefix) -> tuned(weights, prefix, dw, Activation.RELU6),
        (weights, prefix) -> tuned(weights, prefix, project, Activation.NONE));
    binder.requireAllUsed();
    assertTrue(block.hasResidual());
    float[] x = Tolerance.random(random, 4 * 6 * 6);
    float[] y = new float[x.length];
    block.forward(x, 1, 6, 6, y);
    float[] t = ReferenceConv.conv2d(expand, x, 1, 6, 6, tensors.get(0).data(),
        tensors.get(1).data(), Activation.RELU6);
    t = ReferenceConv.conv2d(dw, t, 1, 6, 6, tensors.get(2).data(), tensors.get(3).data(),
        Activation.RELU6);
    t = ReferenceConv.conv2d(project, t, 1, 6, 6, tensors.get(4).data(), tensors.get(5).data(),
        Activation.NONE);
    for (int i = 0; i < t.length; i++) {
      t[i] += x[i];
    }
    Tolerance.assertClose("MBConv", t, y, 1e-5);
    NullPointerException e = assertThrows(NullPointerException.class,
        () -> binder.stage(null, dw, true, "Net_dw"));
    assertEquals("prefix", e.getMessage());
  }

  /** Each layer says what it runs; a network summarizes its parts. */
  @Test
  void layersSayWhichImplementationTheyRun() {
    // 4 output channels: less than a vector at either width, so no NHWC body at either
    ConvGeometry pw = ConvGeometry.pointwise(4, 4, 1, 1);
    ConvKernel simd = GenericKernels.tuned(pw, new float[16], null, Activation.NONE);
    ConvKernel textbook = GenericKernels.create(pw, new float[16], null, Activation.NONE);
    int bits = dev.convgen.runtime.Vectorization.bits();
    String expected = bits > 0 ? "SIMD" : "scalar";
    assertEquals(bits > 0 ? "SIMD " + bits + "-bit" : "scalar", simd.implementation());
    assertEquals("scalar", textbook.implementation());
    Sequential model = Sequential.builder().add("a", simd).add("b", textbook)
        .add("pool", new GlobalAveragePool(4)).build();
    assertEquals(expected.equals("SIMD") ? "SIMD, except scalar: b, pool" : "scalar",
        model.implementation());
  }

  private static ConvKernel tuned(WeightBinder weights, String prefix, ConvGeometry g,
      Activation activation) {
    var stage = weights.stage(prefix, g, true, prefix);
    return GenericKernels.tuned(g, stage.weight(), stage.bias(), activation);
  }
}
