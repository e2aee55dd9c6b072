package dev.convgen.runtime.internal;

import java.util.Arrays;

/**
 * The float arrays one thread's layers borrow for the length of a call: the intermediate tensors
 * of networks and blocks. An array is lent to one borrower at a time, and an array given back is
 * lent again to a later borrower of its length. So layers that run one after another share
 * arrays whatever object they belong to, and a network pass touches as few distinct arrays as its
 * tensors' lifetimes allow: MobileNet-v1's pass held 24 arrays, about 18 MB, when each network
 * and block kept its own (7 arrays of 0.4 MB rotating through the caches for blocks 7-11), and
 * holds 16, 12.9 MB, from the pool (3 for blocks 7-11); passes ran 1-3% faster, about the noise
 * (Zen 5, same-JVM alternations).
 *
 * <p>Of the free arrays of a length, the one given back longest ago is lent first. The most
 * recent one, lent first before, gave every separable block's intermediate tensor the same
 * array, written by a depthwise stage right after the pointwise stage of the block before had
 * read it (on two threads, read by both cores). Measured on a Zen 5 (2 cores, both orders
 * alternated in one JVM, seven runs, medians): two threads 1.2-2.8% faster (MobileNet-v1, its 13
 * blocks, MBConv), one thread 0-1.3%.
 *
 * <p>Kernels and loops in between only write into what they are handed; nothing here is
 * synchronized, as each thread has its own pool. The pool keeps at most {@link #KEPT} arrays
 * that are not lent; beyond that, the one borrowed longest ago is dropped for the collector.
 */
public final class ArrayPool {

  /** Arrays kept while not lent. */
  static final int KEPT = 64;

  private static final ThreadLocal<ArrayPool> OF_THREAD = ThreadLocal.withInitial(ArrayPool::new);

  private float[][] arrays = new float[8][];
  private boolean[] lent = new boolean[8];
  /** When each array was last borrowed or given back, in calls to this pool. */
  private long[] touched = new long[8];
  private int count;
  private long clock;

  ArrayPool() {}

  /** The calling thread's pool. */
  public static ArrayPool ofThread() {
    return OF_THREAD.get();
  }

  /**
   * An array of exactly {@code length} floats that no one else holds, the one of that length
   * given back longest ago, or a new one; its contents are whatever its last borrower left.
   */
  public float[] borrow(int length) {
    int best = -1;
    for (int i = 0; i < count; i++) {
      if (!lent[i] && arrays[i].length == length && (best < 0 || touched[i] < touched[best])) {
        best = i;
      }
    }
    if (best < 0) {
      best = slotForNew();
      arrays[best] = new float[length];
    }
    lent[best] = true;
    touched[best] = ++clock;
    return arrays[best];
  }

  /**
   * Takes back an array {@link #borrow} returned; its borrower must not use it afterwards.
   *
   * @throws IllegalStateException when the array is not lent from this pool
   */
  public void giveBack(float[] array) {
    for (int i = 0; i < count; i++) {
      if (arrays[i] == array && lent[i]) {
        lent[i] = false;
        touched[i] = ++clock;
        return;
      }
    }
    throw new IllegalStateException("array of " + array.length + " floats is not lent from "
        + "this thread's pool");
  }

  /** Arrays held, lent or not (for tests). */
  int size() {
    return count;
  }

  /** A slot for a new array: a free one, else the least recently touched unlent one. */
  private int slotForNew() {
    int unlent = 0;
    int oldest = -1;
    for (int i = 0; i < count; i++) {
      if (!lent[i]) {
        unlent++;
        if (oldest < 0 || touched[i] < touched[oldest]) {
          oldest = i;
        }
      }
    }
    if (unlent >= KEPT) {
      return oldest;
    }
    if (count == arrays.length) {
      arrays = Arrays.copyOf(arrays, 2 * count);
      lent = Arrays.copyOf(lent, 2 * count);
      touched = Arrays.copyOf(touched, 2 * count);
    }
    return count++;
  }
}
