package dev.convgen.runtime.binding;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.convgen.annotations.Activation;
import dev.convgen.runtime.ConvGeometry;
import dev.convgen.runtime.ReferenceConv;
import dev.convgen.runtime.Tolerance;
import dev.convgen.runtime.weights.Tensor;
import dev.convgen.runtime.weights.Weights;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Binding tensors to stages by name, BatchNorm folding, and the errors a user sees. */
class WeightBinderTest {

  private static final ConvGeometry DEPTHWISE =
      ConvGeometry.depthwise(4, 1, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1);
  private static final ConvGeometry POINTWISE = ConvGeometry.pointwise(4, 6, 1, 1);

  private final Random random = new Random(5);

  /**
   * Folding checked against its definition: the folded convolution equals the convolution
   * followed by {@code gamma * (y - mean) / sqrt(var + eps) + beta}, computed separately.
   */
  @Test
  void foldedBatchNormEqualsConvolutionThenNormalization() {
    ConvGeometry g = new ConvGeometry(3, 4, 1, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1);
    float[] weight = Tolerance.random(random, (int) g.weightCount());
    float[] bias = Tolerance.random(random, 4);
    float[] gamma = Tolerance.random(random, 4);
    float[] beta = Tolerance.random(random, 4);
    float[] mean = Tolerance.random(random, 4);
    float[] variance = {0.5f, 1.5f, 0.01f, 2f};
    double eps = 1e-3;
    float[] x = Tolerance.random(random, 2 * 3 * 7 * 6);
    float[] plain = ReferenceConv.conv2d(g, x, 2, 7, 6, weight, bias, Activation.NONE);
    int plane = g.outputHeight(7) * g.outputWidth(6);
    float[] expected = new float[plain.length];
    for (int i = 0; i < plain.length; i++) {
      int k = i / plane % 4;
      expected[i] = (float) (gamma[k] * (plain[i] - mean[k]) / Math.sqrt(variance[k] + eps)
          + beta[k]);
    }
    StageWeights folded = new BatchNorm(gamma, beta, mean, variance, eps).fold(g, weight, bias);
    Tolerance.assertClose("folded", expected,
        ReferenceConv.conv2d(g, x, 2, 7, 6, folded.weight(), folded.bias(), Activation.NONE), 1e-5);
  }

  @Test
  void bindsWeightsBiasAndBatchNormByName() {
    List<Tensor> tensors = new ArrayList<>();
    Tensor dw = tensor(tensors, "b1.dw.weight", 4, 1, 3, 3);
    float[][] bn = new float[4][];
    for (int i = 0; i < 4; i++) {
      bn[i] = tensor(tensors, "b1.dw.bn." + List.of("weight", "bias", "running_mean",
          "running_var").get(i), 4).data();
    }
    bn[3] = bn[3].clone();
    for (int i = 0; i < 4; i++) {
      bn[3][i] = Math.abs(bn[3][i]);
      tensors.set(4, new Tensor("b1.dw.bn.running_var", new int[] {4}, bn[3]));
    }
    tensors.add(new Tensor("b1.dw.bn.num_batches_tracked", new int[] {}, new float[] {100}));
    Tensor pw = tensor(tensors, "b1.pw.weight", 6, 4); // Linear-style [out, in]
    Tensor pwBias = tensor(tensors, "b1.pw.bias", 6);
    WeightBinder binder = new WeightBinder(Weights.of(tensors));
    StageWeights depthwise = binder.stage("b1.dw", DEPTHWISE, true, "block 1 (depthwise)");
    StageWeights expected = new BatchNorm(bn[0], bn[1], bn[2], bn[3], 1e-5)
        .fold(DEPTHWISE, dw.data(), null);
    assertArrayEquals(expected.weight(), depthwise.weight());
    assertArrayEquals(expected.bias(), depthwise.bias());
    StageWeights pointwise = binder.stage("b1.pw", POINTWISE, true, "block 1 (pointwise)");
    assertArrayEquals(pw.data(), pointwise.weight());
    assertArrayEquals(pwBias.data(), pointwise.bias());
    assertEquals(Set.of(), binder.unused());
    binder.requireAllUsed();
  }

  @Test
  void noBiasStageTakesOnlyItsWeight() {
    List<Tensor> tensors = new ArrayList<>();
    tensor(tensors, "dw.weight", 4, 1, 3, 3);
    StageWeights stage = new WeightBinder(Weights.of(tensors))
        .stage("dw", DEPTHWISE, false, "dw");
    assertNull(stage.bias());
  }

  @Test
  void errorsNameTheTensorTheLayerAndBothShapes() {
    List<Tensor> tensors = new ArrayList<>();
    tensor(tensors, "b1.dw.weight", 4, 3, 3);
    tensor(tensors, "b1.pw.weight", 6, 4, 1, 1);
    tensor(tensors, "b1.pw.bias", 6);
    tensor(tensors, "b2.dw.weight", 4, 1, 3, 3);
    tensor(tensors, "b2.dw.bn.weight", 4);
    tensor(tensors, "b3.dw.weight", 4, 1, 3, 3);
    tensor(tensors, "b3.dw.bias", 5);
    tensor(tensors, "stray", 1);
    WeightBinder binder = new WeightBinder(Weights.of(tensors));
    assertError(() -> binder.stage("b1.dw", DEPTHWISE, true, "Net_b1 (depthwise stage)"),
        "b1.dw.weight for Net_b1 (depthwise stage): expected shape [4, 1, 3, 3], got [4, 3, 3]");
    assertError(() -> binder.stage("b1.pw", POINTWISE, false, "Net_b1 (pointwise stage)"),
        "b1.pw.bias for Net_b1 (pointwise stage), which is declared without a bias");
    assertError(() -> binder.stage("b0.dw", DEPTHWISE, true, "Net_b0"),
        "b0.dw.weight: missing for Net_b0, expected shape [4, 1, 3, 3]; no tensor in the file"
            + " starts with that name");
    assertError(() -> binder.stage("b1.xx", DEPTHWISE, true, "Net_b1"),
        "b1.xx.weight: missing for Net_b1, expected shape [4, 1, 3, 3]; tensors with that prefix:"
            + " [b1.dw.weight, b1.pw.weight, b1.pw.bias]");
    assertError(() -> binder.stage("b2.dw", DEPTHWISE, true, "Net_b2"),
        "b2.dw.bn.bias: missing for Net_b2, expected shape [4] (a BatchNorm needs weight, bias,"
            + " running_mean and running_var; found [b2.dw.bn.weight])");
    assertError(() -> binder.stage("b3.dw", DEPTHWISE, true, "Net_b3"),
        "b3.dw.bias for Net_b3: expected shape [4], got [5]");
    assertError(() -> binder.tensor("fc.weight", "classifier", 10, 4),
        "fc.weight: missing for classifier, expected shape [10, 4]");
    assertError(binder::requireAllUsed, "8 tensor(s) not used by any layer: [b1.dw.weight,");
  }

  @Test
  void biasDeclaredButAbsentIsAnError() {
    List<Tensor> tensors = new ArrayList<>();
    tensor(tensors, "pw.weight", 6, 4, 1, 1);
    assertError(() -> new WeightBinder(Weights.of(tensors)).stage("pw", POINTWISE, true, "Net_pw"),
        "pw.bias: missing for Net_pw, expected shape [6] (or a BatchNorm pw.bn.*)");
  }

  /** A negative variance would fold into NaN weights (-1) or scale them by ~2e6 (-1e-5). */
  @Test
  void impossibleBatchNormStatisticsAreRefusedNamingTheTensor() {
    float[][] cases = {{1, 1, -1, 1}, {1, 1, 1, -1e-5f}, {1, 1, 1, Float.NaN}};
    String[] parameters = {"weight", "bias", "running_mean", "running_var"};
    for (float[] variance : cases) {
      List<Tensor> tensors = new ArrayList<>();
      tensor(tensors, "dw.weight", 4, 1, 3, 3);
      for (int i = 0; i < 3; i++) {
        tensor(tensors, "dw.bn." + parameters[i], 4);
      }
      tensors.add(new Tensor("dw.bn.running_var", new int[] {4}, variance));
      int bad = variance[2] < 0 ? 2 : 3;
      assertError(() -> new WeightBinder(Weights.of(tensors)).stage("dw", DEPTHWISE, true, "Net_dw"),
          "dw.bn.running_var for Net_dw: channel " + bad + " is " + variance[bad]
              + "; expected a finite value >= 0");
    }
    List<Tensor> tensors = new ArrayList<>();
    tensor(tensors, "dw.weight", 4, 1, 3, 3);
    for (int i = 0; i < 3; i++) {
      tensor(tensors, "dw.bn." + parameters[i], 4);
    }
    tensors.add(new Tensor("dw.bn.running_var", new int[] {4}, new float[] {1, 1, 1, 1}));
    tensors.get(2).data()[1] = Float.POSITIVE_INFINITY; // dw.bn.bias
    assertError(() -> new WeightBinder(Weights.of(tensors)).stage("dw", DEPTHWISE, true, "Net_dw"),
        "dw.bn.bias for Net_dw: channel 1 is Infinity; expected a finite value");
  }

  private Tensor tensor(List<Tensor> tensors, String name, int... shape) {
    int count = 1;
    for (int d : shape) {
      count *= d;
    }
    Tensor tensor = new Tensor(name, shape, Tolerance.random(random, count));
    tensors.add(tensor);
    return tensor;
  }

  private static void assertError(Runnable action, String message) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, action::run);
    assertTrue(e.getMessage().contains(message), e.getMessage());
  }
}
