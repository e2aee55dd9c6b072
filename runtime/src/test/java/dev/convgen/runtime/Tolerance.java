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
  public static float[] random(java.util.Random random, int length) {
    float[] values = new float[length];
    for (int i = 0; i < length; i++) {
      values[i] = random.nextFloat() * 2 - 1;
    }
    return values;
  }
}
