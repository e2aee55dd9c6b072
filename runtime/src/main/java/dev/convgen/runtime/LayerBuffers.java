package dev.convgen.runtime;

/**
 * Per-thread intermediate tensors for a chain of layers, one array of exactly the right length per
 * intermediate (the kernels check lengths exactly). Reused while the input size stays the same,
 * so a shared model allocates nothing in steady state.
 */
final class LayerBuffers {

  private final ThreadLocal<float[][]> buffers = new ThreadLocal<>();

  /** Arrays of exactly {@code lengths[i]} floats, owned by the calling thread. */
  float[][] get(long[] lengths) {
    float[][] arrays = buffers.get();
    if (arrays == null || !fits(arrays, lengths)) {
      arrays = new float[lengths.length][];
      for (int i = 0; i < lengths.length; i++) {
        if (lengths[i] > Integer.MAX_VALUE - 8) {
          throw new IllegalArgumentException("batch, height, width: an intermediate tensor of "
              + lengths[i] + " floats does not fit a Java array");
        }
        arrays[i] = new float[(int) lengths[i]];
      }
      buffers.set(arrays);
    }
    return arrays;
  }

  private static boolean fits(float[][] arrays, long[] lengths) {
    if (arrays.length != lengths.length) {
      return false;
    }
    for (int i = 0; i < lengths.length; i++) {
      if (arrays[i].length != lengths[i]) {
        return false;
      }
    }
    return true;
  }
}
