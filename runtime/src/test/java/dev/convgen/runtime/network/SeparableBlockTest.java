package dev.convgen.runtime.network;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.convgen.annotations.Activation;
import dev.convgen.runtime.ConvGeometry;
import dev.convgen.runtime.ConvKernel;
import dev.convgen.runtime.ReferenceConv;
import dev.convgen.runtime.Tolerance;
import dev.convgen.runtime.kernels.GenericKernels;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The block equals its two stages run by the textbook reference, and counts like PyTorch. */
class SeparableBlockTest {

  @Test
  void composesDepthwiseThenPointwise() {
    Random random = new Random(7);
    ConvGeometry dw = ConvGeometry.depthwise(3, 2, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1);
    ConvGeometry pw = ConvGeometry.pointwise(6, 4, 1, 1);
    float[] dwWeight = Tolerance.random(random, 54);
    float[] pwWeight = Tolerance.random(random, 24);
    float[] pwBias = Tolerance.random(random, 4);
    SeparableBlock block = new SeparableBlock(
        GenericKernels.create(dw, dwWeight, null, Activation.RELU6),
        GenericKernels.create(pw, pwWeight, pwBias, Activation.RELU));
    int n = 2;
    int h = 9;
    int w = 8;
    float[] x = Tolerance.random(random, n * 3 * h * w);
    float[] y = new float[n * 4 * block.outputHeight(h) * block.outputWidth(w)];
    block.forward(x, n, h, w, y);
    float[] mid = ReferenceConv.conv2d(dw, x, n, h, w, dwWeight, null, Activation.RELU6);
    float[] expected = ReferenceConv.conv2d(pw, mid, n, dw.outputHeight(h), dw.outputWidth(w),
        pwWeight, pwBias, Activation.RELU);
    Tolerance.assertClose("block", expected, y, 1e-5);
    assertEquals(n * 6 * 5 * 4, block.intermediateLength(n, h, w));
  }

  @Test
  void countsParametersAndMacsPerStage() {
    // The seeds' comparison: 32 -> 64, 3x3, no biases: standard 18432, separable 2336.
    ConvGeometry standard = new ConvGeometry(32, 64, 1, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1);
    SeparableBlock block = new SeparableBlock(
        GenericKernels.create(ConvGeometry.depthwise(32, 1, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1),
            new float[288], null, Activation.NONE),
        GenericKernels.create(ConvGeometry.pointwise(32, 64, 1, 1), new float[2048], null,
            Activation.NONE));
    assertEquals(18432, standard.parameterCount(false));
    assertEquals(2336, block.parameterCount());
    assertEquals(32L * 32 * 32 * 9 + 32L * 32 * 32 * 64, block.macs(1, 32, 32));
  }

  @Test
  void refusesStagesThatDoNotChain() {
    ConvKernel dw = GenericKernels.create(ConvGeometry.depthwise(4, 1, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1),
        new float[36], null, Activation.NONE);
    ConvKernel pw = GenericKernels.create(ConvGeometry.pointwise(5, 2, 1, 1), new float[10], null,
        Activation.NONE);
    assertEquals("pointwise: expected 4 input channels (the depthwise stage's output), got 5",
        assertThrows(IllegalArgumentException.class, () -> new SeparableBlock(dw, pw))
            .getMessage());
  }
}
