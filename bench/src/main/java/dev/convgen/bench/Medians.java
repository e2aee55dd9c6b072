package dev.convgen.bench;

import java.util.Arrays;

/** The median the bench's tools report: of a copy, sorted, the middle value (the upper one). */
final class Medians {

  private Medians() {}

  /** The median of {@code values[from, to)}; the array is left as it is. */
  static long of(long[] values, int from, int to) {
    long[] sorted = Arrays.copyOfRange(values, from, to);
    Arrays.sort(sorted);
    return sorted[sorted.length / 2];
  }

  /** The median of {@code values}, which must not be empty; the array is left as it is. */
  static double of(double[] values) {
    if (values.length == 0) {
      throw new IllegalArgumentException("values: expected at least one, got none");
    }
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[sorted.length / 2];
  }
}
