package dev.convgen.runtime.internal;

/**
 * A float array per thread, reallocated only when a thread needs a different size: the scratch
 * and intermediate tensors of shareable kernels and blocks, so that repeated sizes allocate
 * nothing.
 */
public final class ThreadBuffer {

  private final ThreadLocal<float[]> arrays = new ThreadLocal<>();

  /** This thread's array of exactly {@code length} floats (for callers that check lengths). */
  public float[] exactly(int length) {
    float[] array = arrays.get();
    if (array == null || array.length != length) {
      array = new float[length];
      arrays.set(array);
    }
    return array;
  }

  /** This thread's array of at least {@code length} floats. */
  public float[] atLeast(int length) {
    float[] array = arrays.get();
    if (array == null || array.length < length) {
      array = new float[length];
      arrays.set(array);
    }
    return array;
  }
}
