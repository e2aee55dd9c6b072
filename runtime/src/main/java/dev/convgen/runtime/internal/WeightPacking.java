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
    for (int first = 0; first < out; first += block) {
      int width = Math.min(block, out - first);
      // rows read front to back (read down the columns, a 1024 x 1024 layer took a cache miss a
      // weight), written into the block, which stays in cache
      for (int j = 0; j < width; j++) {
        int row = (first + j) * in;
        for (int c = 0; c < in; c++) {
          packed[first * in + c * width + j] = weight[row + c];
        }
      }
    }
    return packed;
  }

  /**
   * Packs dense or grouped weights {@code [out, in / groups, kh, kw]} for a matrix product over
   * im2col panels: per group, the {@code [out / groups][in / groups x kh x kw]} matrix packed as
   * {@link #packPointwise} does, the groups one after another, so output channel block {@code k}
   * (counted over all groups, never straddling two) starts at {@code k x taps}.
   */
  public static float[] packGrouped(float[] weight, int groups, int outPerGroup, int taps,
      int block) {
    float[] packed = new float[weight.length];
    for (int g = 0; g < groups; g++) {
      float[] group = packPointwise(java.util.Arrays.copyOfRange(weight, g * outPerGroup * taps,
          (g + 1) * outPerGroup * taps), outPerGroup, taps, block);
      System.arraycopy(group, 0, packed, g * outPerGroup * taps, group.length);
    }
    return packed;
  }

  /** A bias copy, or {@code out} zeros when there is none. */
  public static float[] biasOrZeros(float[] bias, int out) {
    return bias == null ? new float[out] : bias.clone();
  }
}
