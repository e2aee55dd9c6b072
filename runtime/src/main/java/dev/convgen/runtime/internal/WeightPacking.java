package dev.convgen.runtime.internal;

/**
 * Reorders weights from PyTorch layout into the order the kernels read them, once, at
 * construction time.
 */
public final class WeightPacking {

  private WeightPacking() {}

  /**
   * Packs pointwise weights {@code [out, in]} into output-channel blocks {@code [out / block][in][block]}
   * so a kernel computing {@code block} output channels at once reads its weights contiguously. A
   * last, narrower block holds the {@code out % block} remaining channels as {@code [in][out % block]}.
   * Block {@code b} starts at {@code b * block * in}.
   */
  public static float[] packPointwise(float[] weight, int out, int in, int block) {
    float[] packed = new float[out * in];
    int position = 0;
    for (int first = 0; first < out; first += block) {
      int width = Math.min(block, out - first);
      for (int c = 0; c < in; c++) {
        for (int j = 0; j < width; j++) {
          packed[position++] = weight[(first + j) * in + c];
        }
      }
    }
    return packed;
  }

  /** A bias copy, or {@code out} zeros when there is none. */
  public static float[] biasOrZeros(float[] bias, int out) {
    return bias == null ? new float[out] : bias.clone();
  }
}
