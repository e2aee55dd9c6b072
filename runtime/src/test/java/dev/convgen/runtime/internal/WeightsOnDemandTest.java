package dev.convgen.runtime.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.convgen.runtime.internal.nhwc.NhwcKernel;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * {@link WeightsOnDemand} packs the constructor's weights at once when there is no NHWC body, and
 * otherwise packs the body's weights on the first {@code get()} only, keeping the result.
 */
class WeightsOnDemandTest {

  @Test
  void withoutAnNhwcBodyTheWeightsArePackedAtOnce() {
    AtomicInteger packs = new AtomicInteger();
    WeightsOnDemand weights = new WeightsOnDemand(new float[] {1, 2, 3}, null,
        w -> reversed(w, packs));
    assertEquals(1, packs.get());
    assertArrayEquals(new float[] {3, 2, 1}, weights.get());
    assertSame(weights.get(), weights.get());
    assertEquals(1, packs.get());
  }

  @Test
  void withAnNhwcBodyTheyArePackedOnTheFirstCallFromItsWeights() {
    AtomicInteger packs = new AtomicInteger();
    WeightsOnDemand weights = new WeightsOnDemand(null, body(new float[] {4, 5}),
        w -> reversed(w, packs));
    assertEquals(0, packs.get());
    float[] first = weights.get();
    assertArrayEquals(new float[] {5, 4}, first);
    assertSame(first, weights.get());
    assertEquals(1, packs.get());
  }

  private static float[] reversed(float[] w, AtomicInteger packs) {
    packs.incrementAndGet();
    float[] r = new float[w.length];
    for (int i = 0; i < w.length; i++) {
      r[i] = w[w.length - 1 - i];
    }
    return r;
  }

  /** An NHWC body that only holds weights. */
  private static NhwcKernel body(float[] weights) {
    return new NhwcKernel() {
      @Override
      public int unitsPerImage(int height, int width) {
        return height;
      }

      @Override
      public void compute(float[] input, int inputOffset, float[] output, int outputOffset,
          int height, int width, int firstUnit, int lastUnit) {
        throw new UnsupportedOperationException("not computed in this test");
      }

      @Override
      public float[] weights() {
        return weights.clone();
      }

      @Override
      public void warmUpKeys(int height, int width, Set<String> keys) {}
    };
  }
}
