package dev.convgen.runtime.kernels;

import dev.convgen.annotations.Activation;
import dev.convgen.runtime.ConvGeometry;
import dev.convgen.runtime.internal.ImageKernel;
import dev.convgen.runtime.internal.Schedule;
import dev.convgen.runtime.internal.WeightPacking;
import java.util.Arrays;

/**
 * Dense and grouped KxK convolution with run-time shapes as a matrix product (SIMD only: built by
 * {@link GenericKernels#tuned} when the Vector API is enabled). Per tile of output pixels and per
 * group, the input windows are copied into a panel ({@code im2col}: row {@code (c, r, s)} holds
 * tap {@code (r, s)} of input channel {@code c} for every pixel of the tile, zero where the tap
 * falls into the padding), and the pointwise SIMD micro-kernel multiplies the group's weights
 * {@code [out / groups][in / groups x kh x kw]} with it. The panel is a per-thread buffer.
 */
final class TunedDenseKernel extends GenericKernel implements ImageKernel {

  private final int groups;
  private final int outPerGroup;
  /** Rows of a panel: one per tap of the group's input channels. */
  private final int taps;
  /** Output channels per work unit: the micro-kernel's register tile. */
  private final int block;
  private final int blocksPerGroup;
  /** Output pixels per panel (a multiple of the micro-kernel's pixels). */
  private final int tile;
  /** One pointwise micro-kernel per group, over {@link #taps} "input channels". */
  private final TunedPointwiseSimd[] gemm;
  private final ThreadLocal<float[]> panels;

  TunedDenseKernel(ConvGeometry geometry, float[] weight, float[] bias, Activation activation) {
    this(geometry, weight, bias, activation,
        Schedule.channelBlock(geometry.inChannelsPerGroup() * geometry.kernelH()
            * geometry.kernelW()));
  }

  private TunedDenseKernel(ConvGeometry geometry, float[] weight, float[] bias,
      Activation activation, int block) {
    super(geometry, weight, bias, activation, geometry.groups()
        * ((geometry.outChannels() / geometry.groups() + block - 1) / block));
    this.groups = geometry.groups();
    this.outPerGroup = geometry.outChannels() / groups;
    this.taps = geometry.inChannelsPerGroup() * geometry.kernelH() * geometry.kernelW();
    this.block = block;
    this.blocksPerGroup = (outPerGroup + block - 1) / block;
    this.gemm = new TunedPointwiseSimd[groups];
    ConvGeometry pointwise = ConvGeometry.pointwise(taps, outPerGroup, 1, 1);
    for (int g = 0; g < groups; g++) {
      // [out][in / groups][kh][kw] is, per group, the [out / groups][taps] of a pointwise kernel
      float[] groupWeight = Arrays.copyOfRange(this.weight, g * outPerGroup * taps,
          (g + 1) * outPerGroup * taps);
      float[] groupBias = Arrays.copyOfRange(this.bias, g * outPerGroup, (g + 1) * outPerGroup);
      gemm[g] = new TunedPointwiseSimd(pointwise,
          WeightPacking.packPointwise(groupWeight, outPerGroup, taps, block), block, groupBias,
          activation);
    }
    this.tile = gemm[0].tile();
    this.panels = ThreadLocal.withInitial(() -> new float[taps * tile]);
  }

  @Override
  protected ImageKernel simd() {
    return this;
  }

  @Override
  public String implementation() {
    return gemm[0].implementation() + ", im2col + GEMM";
  }

  /** Work units are blocks of output channels, group by group. */
  @Override
  public void image(float[] input, int inputOffset, float[] output, int outputOffset, int height,
      int width, int firstUnit, int lastUnit) {
    ConvGeometry g = geometry;
    int outH = g.outputHeight(height);
    int outW = g.outputWidth(width);
    int pixels = outH * outW;
    float[] panel = panels.get();
    for (int t = 0; t < pixels; t += tile) {
      int valid = Math.min(tile, pixels - t);
      for (int group = firstUnit / blocksPerGroup; group * blocksPerGroup < lastUnit; group++) {
        int first = Math.max(firstUnit - group * blocksPerGroup, 0);
        int last = Math.min(lastUnit - group * blocksPerGroup, blocksPerGroup);
        im2col(input, inputOffset + group * g.inChannelsPerGroup() * height * width, height,
            width, outW, t, valid, panel);
        gemm[group].columns(panel, 0, tile, output, outputOffset
                + group * outPerGroup * pixels + t, pixels, first * block,
            Math.min(last * block, outPerGroup), 0, valid, valid);
      }
    }
  }

  /**
   * Row {@code (c, r, s)} of the panel, column {@code q}: tap {@code (r, s)} of input channel
   * {@code c} under output pixel {@code t + q}, zero in the padding. The tile's pixels are walked
   * as runs along output rows; at stride 1 a run's taps are one contiguous stretch of an input
   * row, copied with {@code System.arraycopy}.
   */
  private void im2col(float[] input, int channelsOffset, int height, int width, int outW, int t,
      int valid, float[] panel) {
    ConvGeometry g = geometry;
    int row = 0;
    for (int c = 0; c < g.inChannelsPerGroup(); c++) {
      int plane = channelsOffset + c * height * width;
      for (int r = 0; r < g.kernelH(); r++) {
        for (int s = 0; s < g.kernelW(); s++, row++) {
          int at = row * tile;
          for (int q = 0; q < valid; ) {
            int oh = (t + q) / outW;
            int ow = (t + q) % outW;
            int run = Math.min(valid - q, outW - ow); // output pixels left in this output row
            int ih = oh * g.strideH() - g.padTop() + r * g.dilationH();
            if (ih < 0 || ih >= height) {
              Arrays.fill(panel, at + q, at + q + run, 0f);
            } else {
              copyRun(input, plane + ih * width, width, ow * g.strideW() - g.padLeft()
                  + s * g.dilationW(), g.strideW(), panel, at + q, run);
            }
            q += run;
          }
        }
      }
    }
  }

  /**
   * {@code run} values of one input row starting at column {@code iw}, {@code stride} apart,
   * into {@code panel[at ..]}; columns outside {@code [0, width)} read zero.
   */
  private static void copyRun(float[] input, int rowStart, int width, int iw, int stride,
      float[] panel, int at, int run) {
    if (stride == 1) {
      int from = Math.max(0, -iw); // leading pixels in the left padding
      int to = Math.max(from, Math.min(run, width - iw)); // and trailing ones in the right
      Arrays.fill(panel, at, at + from, 0f);
      if (to > from) { // (an empty run may start past the array's end)
        System.arraycopy(input, rowStart + iw + from, panel, at + from, to - from);
      }
      Arrays.fill(panel, at + to, at + run, 0f);
      return;
    }
    for (int k = 0; k < run; k++, iw += stride) {
      panel[at + k] = iw >= 0 && iw < width ? input[rowStart + iw] : 0f;
    }
  }
}
