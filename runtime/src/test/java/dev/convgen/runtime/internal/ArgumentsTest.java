package dev.convgen.runtime.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.convgen.annotations.Activation;
import dev.convgen.runtime.ConvGeometry;
import dev.convgen.runtime.ConvKernel;
import dev.convgen.runtime.kernels.GenericKernels;
import org.junit.jupiter.api.Test;

/** Bad arguments are refused with the argument's name and the expected and actual sizes. */
class ArgumentsTest {

  private final ConvGeometry depthwise = ConvGeometry.depthwise(2, 1, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1);
  private final ConvKernel kernel =
      GenericKernels.create(depthwise, new float[18], null, Activation.NONE);

  @Test
  void wrongInputLengthNamesInputAndShapes() {
    float[] output = new float[2 * 2 * 4 * 4];
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> kernel.forward(new float[31], 1, 4, 4, output));
    assertEquals("input: expected [1, 2, 4, 4] = 32 floats, got 31", e.getMessage());
  }

  @Test
  void wrongOutputLengthNamesOutputAndLeavesItUntouched() {
    float[] output = new float[33];
    java.util.Arrays.fill(output, 7f);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> kernel.forward(new float[32], 1, 4, 4, output));
    assertEquals("output: expected [1, 2, 4, 4] = 32 floats, got 33", e.getMessage());
    for (float value : output) {
      assertEquals(7f, value);
    }
  }

  @Test
  void nonPositiveBatchAndTinyInputAreRefused() {
    assertEquals("batch: expected a positive value, got 0", assertThrows(
        IllegalArgumentException.class,
        () -> kernel.forward(new float[0], 0, 4, 4, new float[0])).getMessage());
    ConvKernel valid = GenericKernels.create(
        ConvGeometry.depthwise(1, 1, 3, 3, 1, 1, 0, 0, 0, 0, 1, 1), new float[9], null,
        Activation.NONE);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> valid.forward(new float[2], 1, 2, 1, new float[1]));
    assertEquals("height: input height 2 gives output height 0 (kernel extent 3, padding 0+0,"
        + " stride 1); expected at least 3", e.getMessage());
  }

  @Test
  void aliasedOutputAndNullArraysAreRefused() {
    float[] same = new float[32];
    assertThrows(IllegalArgumentException.class, () -> kernel.forward(same, 1, 4, 4, same));
    assertEquals("input", assertThrows(NullPointerException.class,
        () -> kernel.forward(null, 1, 4, 4, same)).getMessage());
  }

  /**
   * An extent past int was accepted and the textbook kernel returned a meaningless value; output
   * sizes near the int range wrapped around.
   */
  @Test
  void kernelExtentMustFitAnIntAndOutputSizesDoNotWrap() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ConvGeometry.depthwise(1, 1, 5, 5, 1, 1, 0, 0, 0, 0, 1073741825, 1073741825));
    assertTrue(e.getMessage().contains("must fit an int, got 4294967301"), e.getMessage());
    ConvGeometry wide = ConvGeometry.depthwise(1, 1, 3, 3, 1, 1, 1000, 1000, 1000, 1000, 1000,
        1000);
    assertEquals(Integer.MAX_VALUE - 1, wide.outputHeight(Integer.MAX_VALUE - 1));
    assertTrue(wide.outputWidth(1) > 0);
  }

  @Test
  void weightAndBiasShapesAreChecked() {
    assertEquals("weight: expected [2, 1, 3, 3] = 18 floats, got 17", assertThrows(
        IllegalArgumentException.class,
        () -> GenericKernels.create(depthwise, new float[17], null, Activation.NONE))
        .getMessage());
    assertEquals("bias: expected [2] = 2 floats, got 3", assertThrows(
        IllegalArgumentException.class,
        () -> GenericKernels.create(depthwise, new float[18], new float[3], Activation.NONE))
        .getMessage());
  }

  @Test
  void geometryRejectsImpossibleShapes() {
    assertEquals("kernelH: expected a positive value, got 0", assertThrows(
        IllegalArgumentException.class,
        () -> new ConvGeometry(1, 1, 1, 0, 1, 1, 1, 0, 0, 0, 0, 1, 1)).getMessage());
    assertEquals("groups: expected a divisor of inChannels 4 and outChannels 6, got 4",
        assertThrows(IllegalArgumentException.class,
            () -> new ConvGeometry(4, 6, 4, 3, 3, 1, 1, 0, 0, 0, 0, 1, 1)).getMessage());
  }

  @Test
  void pointwisePackingGroupsOutputChannels() {
    // out 5, in 2: blocks of 2 -> [k0c0 k1c0 k0c1 k1c1] [k2c0 k3c0 k2c1 k3c1] [k4c0 k4c1]
    float[] weight = {0, 1, 10, 11, 20, 21, 30, 31, 40, 41};
    assertArrayEquals(new float[] {0, 10, 1, 11, 20, 30, 21, 31, 40, 41},
        WeightPacking.packPointwise(weight, 5, 2, 2));
  }
}
