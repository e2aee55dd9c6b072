package dev.convgen.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class MediansTest {

  @Test
  void oneDisturbedRoundOutOfThreeDoesNotMoveTheMedian() {
    double[] roundMeans = {524.0, 812.0, 541.0};
    assertEquals(541.0, Medians.of(roundMeans));
    assertArrayEquals(new double[] {524.0, 812.0, 541.0}, roundMeans, "left as it was");
  }

  @Test
  void evenCountsTakeTheUpperOfTheMiddleTwo() {
    assertEquals(7.0, Medians.of(new double[] {9.0, 5.0, 7.0, 3.0}));
    assertEquals(30L, Medians.of(new long[] {40, 10, 30, 20}, 0, 4));
  }

  @Test
  void noValuesIsAnError() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Medians.of(new double[0]));
    assertEquals("values: expected at least one, got none", e.getMessage());
  }
}
