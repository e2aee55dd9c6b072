package dev.convgen.runtime.internal.nhwc;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.convgen.annotations.Activation;
import dev.convgen.runtime.ConvGeometry;
import dev.convgen.runtime.Tolerance;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The band a pointwise stage and the depthwise stage after it share: what a model's warm-up
 * allocates for it is what a pass uses (the values themselves: {@code NetworkTest}).
 */
class PointwiseDepthwiseBandsTest {

  /** In a fresh thread, {@code prepare} allocates the band that the rows then use as it is. */
  @ParameterizedTest
  @ValueSource(ints = {1, 2})
  void preparedBandIsTheOneThePassUses(int stride) {
    Random random = new Random(5 + stride);
    ConvGeometry p = ConvGeometry.pointwise(16, 64, 1, 1);
    ConvGeometry d = ConvGeometry.depthwise(64, 1, 3, 3, stride, stride, 1, 1, 1, 1, 1, 1);
    NhwcKernel pointwise = NhwcKernels.create(p,
        Tolerance.random(random, (int) p.weightCount()), null, Activation.RELU6);
    NhwcKernel depthwise = NhwcKernels.create(d,
        Tolerance.random(random, (int) d.weightCount()), null, Activation.RELU6);
    assertNotNull(pointwise, "no NHWC pointwise body (SIMD off?)");
    assertNotNull(depthwise, "no NHWC depthwise body");
    int size = 72; // 72 x 72 x 64: above MIN_INTERMEDIATE_FLOATS, several bands
    assertTrue(PointwiseDepthwiseBands.fuses(pointwise, depthwise, size, size));
    float[] input = Tolerance.random(random, 16 * size * size);
    int rows = d.outputHeight(size);
    float[] output = new float[64 * rows * d.outputWidth(size)];
    CompletableFuture.runAsync(() -> {
      PointwiseDepthwiseBands.prepare(depthwise, size, size);
      float[] prepared = PointwiseDepthwiseBands.BAND.atLeast(1);
      PointwiseDepthwiseBands.rows(pointwise, depthwise, input, 0, output, 0, size, size, 0,
          rows);
      float[] used = PointwiseDepthwiseBands.BAND.atLeast(1);
      assertTrue(prepared == used, "prepared a band of " + prepared.length
          + " floats, the pass allocated one of " + used.length);
    }, command -> new Thread(command).start()).join();
  }
}
