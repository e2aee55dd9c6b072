package dev.convgen.runtime.kernels;

import dev.convgen.annotations.Activation;
import dev.convgen.runtime.ConvGeometry;
import dev.convgen.runtime.Vectorization;
import dev.convgen.runtime.internal.ImageKernel;
import dev.convgen.runtime.internal.Schedule;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/** The SIMD body of {@link TunedPointwiseKernel}; loaded only when the Vector API is present. */
final class TunedPointwiseSimd implements ImageKernel {

  /**
   * The width {@link Vectorization#bits()} names when this class is first used: a static final
   * species, so C2 treats it (and {@link #L}) as a constant; a species read from a field would box
   * every vector.
   */
  private static final VectorSpecies<Float> F =
      Vectorization.bits() == 512 ? FloatVector.SPECIES_512 : FloatVector.SPECIES_256;
  /** Lanes per vector. */
  private static final int L = F.length();
  /** Pixels per register tile: 2 vectors. */
  private static final int PIXELS = 2 * L;

  private final int in;
  private final int out;
  private final float[] packed;
  /** Output channels per register tile: 4 or 6 ({@link Schedule#channelBlock}). */
  private final int block;
  private final float[] bias;
  private final Activation activation;
  /** Pixels per tile ({@link Schedule#pixelTile}). */
  private final int tile;

  TunedPointwiseSimd(ConvGeometry geometry, float[] packed, int block, float[] bias,
      Activation activation) {
    this.in = geometry.inChannels();
    this.out = geometry.outChannels();
    this.packed = packed;
    this.block = block;
    this.bias = bias;
    this.activation = activation;
    this.tile = Schedule.pixelTile(in, PIXELS);
  }

  /** Pixels per cache tile: a multiple of the register tile's. */
  int tile() {
    return tile;
  }

  @Override
  public String implementation() {
    return width();
  }

  /** E.g. {@code SIMD 512-bit}: the width every instance runs. */
  static String width() {
    return "SIMD " + F.vectorBitSize() + "-bit";
  }

  /** Work units are blocks of {@link #block} output channels. */
  @Override
  public void image(float[] input, int xo, float[] output, int yo, int height, int width,
      int firstUnit, int lastUnit) {
    int plane = height * width;
    int from = firstUnit * block;
    int to = Math.min(lastUnit * block, out);
    // Tiles of pixels, every channel block passing over one tile before the next (Schedule).
    for (int t = 0; t < plane; t += tile) {
      columns(input, xo, plane, output, yo, plane, from, to, t, Math.min(t + tile, plane),
          plane);
    }
  }

  /**
   * Output channels {@code [from, to)} of pixels {@code [begin, end)}: pixel {@code j} reads input
   * channel {@code c} at {@code x[xo + j + c * inPlane]} and writes channel {@code k} to
   * {@code y[yo + j + k * outPlane]}. Pixels {@code [0, valid)} exist; a last partial block
   * overlaps the previous one (same values rewritten), so no scalar tail runs unless fewer than
   * {@link #PIXELS} pixels exist. Also the GEMM step of {@link TunedDenseKernel}, whose input is
   * an im2col panel.
   */
  void columns(float[] x, int xo, int inPlane, float[] y, int yo, int outPlane, int from, int to,
      int begin, int end, int valid) {
    if (valid < PIXELS) {
      for (int j = begin; j < end; j++) {
        for (int k = from; k < to; k++) {
          single(x, xo + j, inPlane, y, yo + j + k * outPlane, k);
        }
      }
      return;
    }
    int fullBlocks = Math.min(to, out - out % block);
    for (int k = from; k < fullBlocks; k += block) {
      for (int p = begin; p < end; p += PIXELS) {
        int j = Math.min(p, valid - PIXELS);
        if (block == 4) {
          block4(x, xo + j, inPlane, y, yo + j + k * outPlane, outPlane, k);
        } else {
          block6(x, xo + j, inPlane, y, yo + j + k * outPlane, outPlane, k);
        }
      }
    }
    for (int k = Math.max(from, fullBlocks); k < to; k++) {
      for (int p = begin; p < end; p += PIXELS) {
        int j = Math.min(p, valid - PIXELS);
        for (int q = j; q < j + PIXELS; q++) {
          single(x, xo + q, inPlane, y, yo + q + k * outPlane, k);
        }
      }
    }
  }

  private void block4(float[] x, int xc, int inPlane, float[] y, int yk, int outPlane,
      int k) {
    float[] w = packed;
    int wp = k * in;
    FloatVector a00 = FloatVector.broadcast(F, bias[k]);
    FloatVector a01 = a00;
    FloatVector a10 = FloatVector.broadcast(F, bias[k + 1]);
    FloatVector a11 = a10;
    FloatVector a20 = FloatVector.broadcast(F, bias[k + 2]);
    FloatVector a21 = a20;
    FloatVector a30 = FloatVector.broadcast(F, bias[k + 3]);
    FloatVector a31 = a30;
    for (int c = 0; c < in; c++) {
      FloatVector x0 = FloatVector.fromArray(F, x, xc);
      FloatVector x1 = FloatVector.fromArray(F, x, xc + L);
      FloatVector w0 = FloatVector.broadcast(F, w[wp]);
      a00 = x0.fma(w0, a00);
      a01 = x1.fma(w0, a01);
      w0 = FloatVector.broadcast(F, w[wp + 1]);
      a10 = x0.fma(w0, a10);
      a11 = x1.fma(w0, a11);
      w0 = FloatVector.broadcast(F, w[wp + 2]);
      a20 = x0.fma(w0, a20);
      a21 = x1.fma(w0, a21);
      w0 = FloatVector.broadcast(F, w[wp + 3]);
      a30 = x0.fma(w0, a30);
      a31 = x1.fma(w0, a31);
      xc += inPlane;
      wp += 4;
    }
    store(a00, y, yk);
    store(a01, y, yk + L);
    store(a10, y, yk + outPlane);
    store(a11, y, yk + outPlane + L);
    store(a20, y, yk + 2 * outPlane);
    store(a21, y, yk + 2 * outPlane + L);
    store(a30, y, yk + 3 * outPlane);
    store(a31, y, yk + 3 * outPlane + L);
  }

  private void block6(float[] x, int xc, int inPlane, float[] y, int yk, int outPlane,
      int k) {
    float[] w = packed;
    int wp = k * in;
    FloatVector a00 = FloatVector.broadcast(F, bias[k]);
    FloatVector a01 = a00;
    FloatVector a10 = FloatVector.broadcast(F, bias[k + 1]);
    FloatVector a11 = a10;
    FloatVector a20 = FloatVector.broadcast(F, bias[k + 2]);
    FloatVector a21 = a20;
    FloatVector a30 = FloatVector.broadcast(F, bias[k + 3]);
    FloatVector a31 = a30;
    FloatVector a40 = FloatVector.broadcast(F, bias[k + 4]);
    FloatVector a41 = a40;
    FloatVector a50 = FloatVector.broadcast(F, bias[k + 5]);
    FloatVector a51 = a50;
    for (int c = 0; c < in; c++) {
      FloatVector x0 = FloatVector.fromArray(F, x, xc);
      FloatVector x1 = FloatVector.fromArray(F, x, xc + L);
      FloatVector w0 = FloatVector.broadcast(F, w[wp]);
      a00 = x0.fma(w0, a00);
      a01 = x1.fma(w0, a01);
      w0 = FloatVector.broadcast(F, w[wp + 1]);
      a10 = x0.fma(w0, a10);
      a11 = x1.fma(w0, a11);
      w0 = FloatVector.broadcast(F, w[wp + 2]);
      a20 = x0.fma(w0, a20);
      a21 = x1.fma(w0, a21);
      w0 = FloatVector.broadcast(F, w[wp + 3]);
      a30 = x0.fma(w0, a30);
      a31 = x1.fma(w0, a31);
      w0 = FloatVector.broadcast(F, w[wp + 4]);
      a40 = x0.fma(w0, a40);
      a41 = x1.fma(w0, a41);
      w0 = FloatVector.broadcast(F, w[wp + 5]);
      a50 = x0.fma(w0, a50);
      a51 = x1.fma(w0, a51);
      xc += inPlane;
      wp += 6;
    }
    store(a00, y, yk);
    store(a01, y, yk + L);
    store(a10, y, yk + outPlane);
    store(a11, y, yk + outPlane + L);
    store(a20, y, yk + 2 * outPlane);
    store(a21, y, yk + 2 * outPlane + L);
    store(a30, y, yk + 3 * outPlane);
    store(a31, y, yk + 3 * outPlane + L);
    store(a40, y, yk + 4 * outPlane);
    store(a41, y, yk + 4 * outPlane + L);
    store(a50, y, yk + 5 * outPlane);
    store(a51, y, yk + 5 * outPlane + L);
  }

  private void store(FloatVector v, float[] y, int offset) {
    switch (activation) {
      case RELU -> v.max(0f).intoArray(y, offset);
      case RELU6 -> v.max(0f).min(6f).intoArray(y, offset);
      default -> v.intoArray(y, offset);
    }
  }

  private void single(float[] x, int xp, int inPlane, float[] y, int yi, int k) {
    int first = k - k % block;
    int width = Math.min(block, out - first);
    int wp = first * in + (k - first);
    float acc = bias[k];
    for (int c = 0; c < in; c++) {
      acc += packed[wp] * x[xp];
      xp += inPlane;
      wp += width;
    }
    y[yi] = activation.apply(acc);
  }
}
