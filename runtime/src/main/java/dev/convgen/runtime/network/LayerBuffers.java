package dev.convgen.runtime.network;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Per-thread intermediate tensors for a chain of layers, arrays of exactly the right length (the
 * kernels check lengths exactly), kept for the input size they were made for. A
 * repeated size finds them without any work or allocation, so a shared model allocates nothing in
 * steady state.
 */
final class LayerBuffers {

  /** The arrays made for one input size. */
  private record Sized(int batch, int height, int width, float[][] arrays) {}

  private final ThreadLocal<Sized> buffers = new ThreadLocal<>();

  /** This thread's arrays for the input size, or null when it has none for that size yet. */
  float[][] find(int batch, int height, int width) {
    Sized sized = buffers.get();
    return sized != null && sized.batch() == batch && sized.height() == height
        && sized.width() == width ? sized.arrays() : null;
  }

  /**
   * Arrays of exactly {@code lengths[i]} floats (null where the length is negative), kept for
   * the input size: for {@code count = lengths.length / 2} layers, {@code [i]} is layer
   * {@code i}'s output, {@code [count + i]} its input transposed. Arrays of equal length are
   * shared between layers where no pass can need both at once: layer {@code i}'s input
   * transposition and output avoid layer {@code i - 1}'s output and each other, so a chain of
   * equal-sized layers alternates between two or three arrays instead of one each
   * (MobileNet-v1: 11 arrays of 9.8 MB instead of 30 of 25.5 MB, a smaller footprint for the
   * caches and TLB to hold).
   */
  float[][] allocate(int batch, int height, int width, long[] lengths) {
    int count = lengths.length / 2;
    float[][] arrays = new float[lengths.length][];
    Map<Long, List<float[]>> byLength = new HashMap<>();
    float[] previous = null;
    for (int i = 0; i < count; i++) {
      float[] transposed = lengths[count + i] < 0 ? null
          : pick(byLength, lengths[count + i], previous, null);
      arrays[count + i] = transposed;
      float[] out = lengths[i] < 0 ? null : pick(byLength, lengths[i], previous, transposed);
      arrays[i] = out;
      previous = out;
    }
    buffers.set(new Sized(batch, height, width, arrays));
    return arrays;
  }

  /** An array of the length that is neither {@code avoid} nor {@code alsoAvoid}. */
  private static float[] pick(Map<Long, List<float[]>> byLength, long length,
      float[] avoid, float[] alsoAvoid) {
    if (length > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException("batch, height, width: an intermediate tensor of "
          + length + " floats does not fit a Java array");
    }
    List<float[]> arrays = byLength.computeIfAbsent(length, l -> new ArrayList<>());
    for (float[] array : arrays) {
      if (array != avoid && array != alsoAvoid) {
        return array;
      }
    }
    float[] array = new float[(int) length];
    arrays.add(array);
    return array;
  }
}
