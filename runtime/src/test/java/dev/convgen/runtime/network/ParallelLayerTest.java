package dev.convgen.runtime.network;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.convgen.annotations.Activation;
import dev.convgen.runtime.ConvGeometry;
import dev.convgen.runtime.ConvKernel;
import dev.convgen.runtime.ConvLayer;
import dev.convgen.runtime.Tolerance;
import dev.convgen.runtime.kernels.GenericKernels;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** Splitting work units over threads gives exactly the serial result. */
class ParallelLayerTest {

  private static final ExecutorService POOL = Executors.newFixedThreadPool(3);

  @AfterAll
  static void shutDown() {
    POOL.shutdownNow();
  }

  @Test
  void parallelKernelsAndBlocksEqualSerialOnes() {
    Random random = new Random(3);
    ConvGeometry dw = ConvGeometry.depthwise(13, 2, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1);
    ConvGeometry pw = ConvGeometry.pointwise(26, 19, 1, 1);
    float[] dwWeight = Tolerance.random(random, (int) dw.weightCount());
    float[] pwWeight = Tolerance.random(random, (int) pw.weightCount());
    float[] bias = Tolerance.random(random, 19);
    for (boolean tuned : new boolean[] {true, false}) {
      ConvKernel depthwise = tuned ? GenericKernels.tuned(dw, dwWeight, null, Activation.RELU6)
          : GenericKernels.create(dw, dwWeight, null, Activation.RELU6);
      ConvKernel pointwise = tuned ? GenericKernels.tuned(pw, pwWeight, bias, Activation.NONE)
          : GenericKernels.create(pw, pwWeight, bias, Activation.NONE);
      SeparableBlock block = new SeparableBlock(depthwise, pointwise);
      float[] x = Tolerance.random(random, 2 * 13 * 17 * 19);
      for (ConvLayer layer : new ConvLayer[] {depthwise, block}) {
        float[] serial = new float[2 * layer.outChannels() * 17 * 19];
        float[] parallel = new float[serial.length];
        layer.forward(x, 2, 17, 19, serial);
        for (int parallelism : new int[] {2, 4, 64}) {
          ParallelLayer.of(layer, POOL, parallelism).forward(x, 2, 17, 19, parallel);
          assertArrayEquals(serial, parallel, layer + " x" + parallelism);
        }
      }
    }
  }

  @Test
  void badArgumentsFailOnTheCallingThreadBeforeAnyWork() {
    ConvKernel kernel = GenericKernels.tuned(ConvGeometry.pointwise(4, 8, 1, 1), new float[32],
        null, Activation.NONE);
    ParallelLayer layer = ParallelLayer.of(kernel, POOL, 4);
    assertEquals("input: expected [1, 4, 3, 3] = 36 floats, got 35", assertThrows(
        IllegalArgumentException.class, () -> layer.forward(new float[35], 1, 3, 3,
            new float[72])).getMessage());
    assertEquals("parallelism: expected a positive value, got 0", assertThrows(
        IllegalArgumentException.class, () -> ParallelLayer.of(kernel, POOL, 0)).getMessage());
  }
}
