package dev.convgen.runtime.kernels;

import dev.convgen.annotations.Activation;
import dev.convgen.runtime.ConvGeometry;
import dev.convgen.runtime.internal.Im2col;
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
final class TunedDenseKernel extends GenericKernel {

  private final int groups;
  private final int outPerGroup;
  /** Rows of a panel: one per tap of the group's input channels. */
  private final int taps;
  /** Output channels per work unit: the micro-kernel's register tile. */
  private final int block;
  private final int blocksPerGroup;
  /**
   * The NCHW code's matrix products, made from the weights on the first NCHW image where the
   * kernel has an NHWC body (whose calls run that body instead), so that the kernel holds one
   * copy of its weights; at construction otherwise. Two first calls at once may both make one.
   */
  private volatile NchwProduct nchw;

  /** One pointwise micro-kernel per group over {@link #taps} "input channels", and its panels. */
  private record NchwProduct(TunedPointwiseSimd[] gemm, int tile, ThreadLocal<float[]> panels) {}

  TunedDenseKernel(ConvGeometry geometry, float[] weight, float[] bias, Activation activation) {
    this(geometry, weight, bias, activation,
        Schedule.channelBlock(geometry.inChannelsPerGroup() * geometry.kernelH()
            * geometry.kernelW()));
  }

  private TunedDenseKernel(ConvGeometry geometry, float[] weight, float[] bias,
      Activation activation, int block) {
    super(geometry, weight, bias, activation, geometry.groups()
        * ((geometry.outChannels() / geometry.groups() + block - 1) / block), true, false);
    this.groups = geometry.groups();
    this.outPerGroup = geometry.outChannels() / groups;
    this.taps = geometry.inChannelsPerGroup() * geometry.kernelH() * geometry.kernelW();
    this.block = block;
    this.blocksPerGroup = (outPerGroup + block - 1) / block;
    if (nhwc() == null) {
      nchw = nchwProduct();
    }
  }

  /** The NCHW code's products, from the weights (the kept copy or the NHWC body's). */
  private NchwProduct nchwProduct() {
    TunedPointwiseSimd[] gemm = new TunedPointwiseSimd[groups];
    ConvGeometry pointwise = ConvGeometry.pointwise(taps, outPerGroup, 1, 1);
    float[] weights = weights(); // packed per group below, not kept besides
    for (int g = 0; g < groups; g++) {
      // [out][in / groups][kh][kw] is, per group, the [out / groups][taps] of a pointwise kernel
      float[] groupWeight = Arrays.copyOfRange(weights, g * outPerGroup * taps,
          (g + 1) * outPerGroup * taps);
      float[] groupBias = Arrays.copyOfRange(this.bias, g * outPerGroup, (g + 1) * outPerGroup);
      gemm[g] = new TunedPointwiseSimd(pointwise,
          WeightPacking.packPointwise(groupWeight, outPerGroup, taps, block), block, groupBias,
          activation);
    }
    int tile = gemm[0].tile();
    return new NchwProduct(gemm, tile, ThreadLocal.withInitial(() -> new float[taps * tile]));
  }

  /**
   * Yes: the NHWC body, reading its windows in place, beats this class's im2col panels with
   * pixels in lanes even with the transpositions. Measured on a Zen 5, 512-bit, us, 3x3
   * 8x32x56x56 -> 64: 13,819 -> 5,783-5,965 (NHWC alone 4,411-4,565); 1x32x32x32 -> 64 509 ->
   * 299. This class's own code runs where the JVM gives the kernel no NHWC body.
   */
  @Override
  protected boolean nchwThroughNhwc() {
    return true;
  }

  @Override
  protected ImageKernel simd() {
    return this;
  }

  @Override
  public String implementation() {
    return TunedPointwiseSimd.width() + ", im2col + GEMM"
        + (nhwc() != null ? ", in networks " + nhwc().implementation() : "");
  }

  /** Work units are blocks of output channels, group by group. */
  @Override
  public void image(float[] input, int inputOffset, float[] output, int outputOffset, int height,
      int width, int firstUnit, int lastUnit) {
    ConvGeometry g = geometry;
    int outH = g.outputHeight(height);
    int outW = g.outputWidth(width);
    int pixels = outH * outW;
    NchwProduct product = nchw;
    if (product == null) {
      product = nchwProduct();
      nchw = product;
    }
    TunedPointwiseSimd[] gemm = product.gemm();
    int tile = product.tile();
    float[] panel = product.panels().get();
    for (int t = 0; t < pixels; t += tile) {
      int valid = Math.min(tile, pixels - t);
      for (int group = firstUnit / blocksPerGroup; group * blocksPerGroup < lastUnit; group++) {
        int first = Math.max(firstUnit - group * blocksPerGroup, 0);
        int last = Math.min(lastUnit - group * blocksPerGroup, blocksPerGroup);
        Im2col.fill(g, input, inputOffset + group * g.inChannelsPerGroup() * height * width,
            g.inChannelsPerGroup(), height, width, outW, t, valid, panel, tile);
        gemm[group].columns(panel, 0, tile, output, outputOffset
                + group * outPerGroup * pixels + t, pixels, first * block,
            Math.min(last * block, outPerGroup), 0, valid, valid);
      }
    }
  }
}
