package dev.convgen.runtime.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ArrayPoolTest {

  @Test
  void lentArraysAreNeverLentTwiceAndHaveTheLengthAskedFor() {
    ArrayPool pool = new ArrayPool();
    float[] a = pool.borrow(10);
    float[] b = pool.borrow(10);
    float[] c = pool.borrow(7);
    assertNotSame(a, b);
    assertEquals(10, a.length);
    assertEquals(10, b.length);
    assertEquals(7, c.length);
    pool.giveBack(b);
    assertSame(b, pool.borrow(10), "a given-back array is lent again");
    assertEquals(3, pool.size());
  }

  @Test
  void theArrayOfALengthGivenBackLongestAgoComesFirst() {
    ArrayPool pool = new ArrayPool();
    float[] a = pool.borrow(16);
    float[] b = pool.borrow(16);
    pool.giveBack(b);
    pool.giveBack(a);
    assertSame(b, pool.borrow(16));
    pool.giveBack(b); // now a was given back longer ago
    assertSame(a, pool.borrow(16));
    assertSame(b, pool.borrow(16));
  }

  @Test
  void anArrayNotLentCannotBeGivenBack() {
    ArrayPool pool = new ArrayPool();
    float[] a = pool.borrow(4);
    pool.giveBack(a);
    IllegalStateException twice = assertThrows(IllegalStateException.class,
        () -> pool.giveBack(a));
    assertTrue(twice.getMessage().contains("not lent"), twice.getMessage());
    assertThrows(IllegalStateException.class, () -> pool.giveBack(new float[4]));
  }

  /** Beyond KEPT free arrays, the least recently used free one goes; lent ones always stay. */
  @Test
  void thePoolKeepsABoundedNumberOfFreeArrays() {
    ArrayPool pool = new ArrayPool();
    float[] held = pool.borrow(1);
    List<float[]> free = new ArrayList<>();
    for (int i = 0; i < ArrayPool.KEPT; i++) {
      free.add(pool.borrow(2 + i));
    }
    free.forEach(pool::giveBack);
    assertEquals(ArrayPool.KEPT + 1, pool.size());
    pool.borrow(1000); // replaces the array of 2 floats, the first given back
    assertEquals(ArrayPool.KEPT + 1, pool.size());
    assertNotSame(free.get(0), pool.borrow(2));
    assertSame(free.get(1), pool.borrow(3));
    pool.giveBack(held); // still lent from the pool: it was never dropped
  }
}
