package dev.convgen.runtime.network;

/**
 * Per-thread intermediate tensors for a chain of layers, one array of exactly the right length per
 * intermediate (the kernels check lengths exactly), kept for the input size they were made for. A
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
   * Allocates arrays of exactly {@code lengths[i]} floats (null where the length is negative) and
   * keeps them for the input size.
   */
  float[][] allocate(int batch, int height, int width, long[] lengths) {
    float[][] arrays = new float[lengths.length][];
    for (int i = 0; i < lengths.length; i++) {
      if (lengths[i] < 0) {
        continue;
      }
      if (lengths[i] > Integer.MAX_VALUE - 8) {
        throw new IllegalArgumentException("batch, height, width: an intermediate tensor of "
            + lengths[i] + " floats does not fit a Java array");
      }
      arrays[i] = new float[(int) lengths[i]];
    }
    buffers.set(new Sized(batch, height, width, arrays));
    return arrays;
  }
}
