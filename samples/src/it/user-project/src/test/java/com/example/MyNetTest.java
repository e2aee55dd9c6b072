package com.example;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.convgen.annotations.Activation;
import dev.convgen.runtime.ConvGeometry;
import dev.convgen.runtime.kernels.GenericKernels;
import dev.convgen.runtime.network.SeparableBlock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;

class MyNetTest {

  @Test
  void generatedBlockMatchesTheGenericOne() throws Exception {
    assertTrue(Files.readString(Path.of(
        "target/generated-sources/annotations/com/example/MyNet_Separable32to64k3s1.java"))
        .contains("@Generated(\"dev.convgen.processor.ConvSpecProcessor\")"));
    Random random = new Random(1);
    float[] dw = new float[32 * 9];
    float[] pw = new float[64 * 32];
    float[] bias = new float[64];
    for (float[] a : new float[][] {dw, pw, bias}) {
      for (int i = 0; i < a.length; i++) {
        a[i] = random.nextFloat() - 0.5f;
      }
    }
    SeparableBlock block = new MyNet_Separable32to64k3s1(dw, pw, bias);
    SeparableBlock generic = new SeparableBlock(
        GenericKernels.create(ConvGeometry.depthwise(32, 1, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1), dw,
            null, Activation.NONE),
        GenericKernels.create(ConvGeometry.pointwise(32, 64, 1, 1), pw, bias, Activation.NONE));
    float[] x = new float[2 * 32 * 14 * 14];
    for (int i = 0; i < x.length; i++) {
      x[i] = random.nextFloat() - 0.5f;
    }
    float[] y = new float[2 * 64 * 14 * 14];
    float[] expected = new float[y.length];
    block.forward(x, 2, 14, 14, y);
    generic.forward(x, 2, 14, 14, expected);
    for (int i = 0; i < y.length; i++) {
      assertEquals(expected[i], y[i], 1e-4f * Math.max(1f, Math.abs(expected[i])));
    }
    assertEquals(32 * 9 + 32 * 64 + 64, block.parameterCount());
  }
}
