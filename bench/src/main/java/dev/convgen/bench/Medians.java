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
}
