package dev.convgen.runtime.kernels;

import dev.convgen.annotations.Activation;
import dev.convgen.runtime.ConvGeometry;
import dev.convgen.runtime.Vectorization;
import dev.convgen.runtime.internal.ImageKernel;
import dev.convgen.runtime.internal.Schedule;
import dev.convgen.runtime.internal.WeightPacking;

/**
 * Pointwise convolution with run-time shapes, written with the techniques of the generated
 * kernels: weights packed in blocks of output channels, a 4- or 6-channel x 16-pixel SIMD
 * micro-kernel walking the plane in pixel tiles (stride 1, when {@link Vectorization#enabled()};
 * block and tile chosen at run time by {@link Schedule}), a 6 x 2 register-blocked scalar kernel
 * otherwise, and tails handled by run-time loops. The baseline that answers "does compile-time
 * specialization pay?".
 */
public final class TunedPointwiseKernel extends GenericKernel {

  /** Output channels per block of the scalar kernel. */
  static final int BLOCK = 6;

  private final float[] packed;
  private final ImageKernel simd;

  public TunedPointwiseKernel(
      ConvGeometry geometry, float[] weight, float[] bias, Activation activation) {
    this(geometry, weight, bias, activation, vectorized(geometry)
        ? Schedule.channelBlock(geometry.inChannels()) : BLOCK);
  }

  /** @param unitChannels output channels per work unit: the register tile's */
  private TunedPointwiseKernel(ConvGeometry geometry, float[] weight, float[] bias,
      Activation activation, int unitChannels) {
    super(GenericPointwiseKernel.requirePointwise(geometry), weight, bias, activation,
        (geometry.outChannels() + unitChannels - 1) / unitChannels, true, false);
    // packed once: with an NHWC body the weights are then held twice (NCHW and NHWC), not three
    // times (a 1024 -> 1000 classifier: 8 MB instead of 12)
    this.packed = WeightPacking.packPointwise(weights(), geometry.outChannels(),
        geometry.inChannels(), unitChannels);
    this.simd = vectorized(geometry)
        ? new TunedPointwiseSimd(geometry, packed, unitChannels, this.bias, activation) : null;
  }

  /** The SIMD kernel reads contiguous pixels: stride 1 only. */
  private static boolean vectorized(ConvGeometry geometry) {
    return Vectorization.enabled() && geometry.strideH() == 1 && geometry.strideW() == 1;
  }

  @Override
  protected ImageKernel simd() {
    return simd;
  }

  /** Work units are blocks of {@link #BLOCK} output channels (SIMD: 4 or 6). */
  @Override
  public void image(float[] input, int inputOffset, float[] output, int outputOffset, int height,
      int width, int firstUnit, int lastUnit) {
    int out = geometry.outChannels();
    int outH = geometry.outputHeight(height);
    int outW = geometry.outputWidth(width);
    int inPlane = height * width;
    int outPlane = outH * outW;
    int sw = geometry.strideW();
    int fromChannel = firstUnit * BLOCK;
    int toChannel = Math.min(lastUnit * BLOCK, out);
    for (int i = 0; i < outH; i++) {
      int inRow = inputOffset + i * geometry.strideH() * width;
      int outRow = outputOffset + i * outW;
      int j = 0;
      for (; j + 1 < outW; j += 2) {
        for (int k = fromChannel; k < toChannel; k += BLOCK) {
          int channels = Math.min(BLOCK, out - k);
          if (channels == BLOCK) {
            block6x2(input, inRow + j * sw, sw, inPlane, output, outRow + j + k * outPlane,
                outPlane, k);
          } else {
            for (int r = 0; r < channels; r++) {
              single(input, inRow + j * sw, inPlane, output, outRow + j + (k + r) * outPlane, k, r,
                  channels);
              single(input, inRow + (j + 1) * sw, inPlane, output,
                  outRow + j + 1 + (k + r) * outPlane, k, r, channels);
            }
          }
        }
      }
      for (; j < outW; j++) {
        for (int k = fromChannel; k < toChannel; k++) {
          int blockStart = k - k % BLOCK;
          single(input, inRow + j * sw, inPlane, output, outRow + j + k * outPlane, blockStart,
              k - blockStart, Math.min(BLOCK, out - blockStart));
        }
      }
    }
  }

  private void block6x2(float[] x, int xp, int sw, int inPlane, float[] y, int yk, int outPlane,
      int k) {
    int in = geometry.inChannels();
    float[] w = packed;
    int wp = k * in;
    float a00 = bias[k];
    float a01 = a00;
    float a10 = bias[k + 1];
    float a11 = a10;
    float a20 = bias[k + 2];
    float a21 = a20;
    float a30 = bias[k + 3];
    float a31 = a30;
    float a40 = bias[k + 4];
    float a41 = a40;
    float a50 = bias[k + 5];
    float a51 = a50;
    for (int c = 0; c < in; c++) {
      float x0 = x[xp];
      float x1 = x[xp + sw];
      float w0 = w[wp];
      a00 += w0 * x0;
      a01 += w0 * x1;
      w0 = w[wp + 1];
      a10 += w0 * x0;
      a11 += w0 * x1;
      w0 = w[wp + 2];
      a20 += w0 * x0;
      a21 += w0 * x1;
      w0 = w[wp + 3];
      a30 += w0 * x0;
      a31 += w0 * x1;
      w0 = w[wp + 4];
      a40 += w0 * x0;
      a41 += w0 * x1;
      w0 = w[wp + 5];
      a50 += w0 * x0;
      a51 += w0 * x1;
      xp += inPlane;
      wp += BLOCK;
    }
    y[yk] = activation.apply(a00);
    y[yk + 1] = activation.apply(a01);
    y[yk + outPlane] = activation.apply(a10);
    y[yk + outPlane + 1] = activation.apply(a11);
    y[yk + 2 * outPlane] = activation.apply(a20);
    y[yk + 2 * outPlane + 1] = activation.apply(a21);
    y[yk + 3 * outPlane] = activation.apply(a30);
    y[yk + 3 * outPlane + 1] = activation.apply(a31);
    y[yk + 4 * outPlane] = activation.apply(a40);
    y[yk + 4 * outPlane + 1] = activation.apply(a41);
    y[yk + 5 * outPlane] = activation.apply(a50);
    y[yk + 5 * outPlane + 1] = activation.apply(a51);
  }

  /** Output channel {@code first + r} of one pixel, from the block packed at {@code first}. */
  private void single(float[] x, int xp, int inPlane, float[] y, int yi, int first, int r,
      int width) {
    int in = geometry.inChannels();
    float acc = bias[first + r];
    int wp = first * in + r;
    for (int c = 0; c < in; c++) {
      acc += packed[wp] * x[xp];
      xp += inPlane;
      wp += width;
    }
    y[yi] = activation.apply(acc);
  }
}
