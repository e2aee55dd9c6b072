package dev.convgen.runtime;

import static org.junit.jupiter.api.Assertions.fail;

/** Element-wise comparison: NaN where the reference has NaN, otherwise within a relative bound. */
public final class Tolerance {

  private Tolerance() {}

  /** Fails unless {@code |actual - expected| <= relative * max(1, |expected|)} everywhere. */
  public static void assertClose(String what, float[] expected, float[] actual, double relative) {
    if (expected.length != actual.length) {
      fail(what + ": length " + actual.length + ", expected " + expected.length);
    }
    for (int i = 0; i < expected.length; i++) {
      float e = expected[i];
      float a = actual[i];
      if (Float.isNaN(e) || Float.isNaN(a)) {
        if (Float.isNaN(e) != Float.isNaN(a)) {
          fail(what + ": at " + i + " expected " + e + ", got " + a);
        }
        continue;
      }
      if (Float.isInfinite(e) || Float.isInfinite(a)) {
        if (e != a) {
          fail(what + ": at " + i + " expected " + e + ", got " + a);
        }
        continue;
      }
      double bound = relative * Math.max(1.0, Math.abs(e));
      if (Math.abs(a - e) > bound) {
        fail(what + ": at " + i + " expected " + e + ", got " + a + " (|diff| "
            + Math.abs(a - e) + " > " + bound + ")");
      }
    }
  }

  /** Random values in [-1, 1). */
  /**
   * The relative tolerance for a convolution's outputs: 1e-5, more for reductions longer than a
   * 3x3 over 32 channels, in proportion. Float rounding grows with the terms summed, in two
   * orders (the kernel's and the reference's), and an output near zero carries the rounding of
   * partial sums of its terms' size (3x3 over 512 channels: 1.3e-5 seen on an output of 0.6,
   * 6e-5 on 1.5; over 64 channels 1.4e-5 on 1.4).
   */
  public static double forSums(dev.convgen.runtime.ConvGeometry g) {
    double terms = (double) g.inChannelsPerGroup() * g.kernelH() * g.kernelW();
    return 1e-5 * Math.max(1.0, terms / 288);
  }

  public static float[] random(java.util.Random random, int length) {
    float[] values = new float[length];
    for (int i = 0; i < length; i++) {
      values[i] = random.nextFloat() * 2 - 1;
    }
    return values;
  }
}
