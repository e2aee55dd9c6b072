package dev.convgen.runtime.kernels;

import dev.convgen.annotations.Activation;
import dev.convgen.runtime.ConvGeometry;
import dev.convgen.runtime.internal.Arguments;
import dev.convgen.runtime.internal.UnitKernel;
import dev.convgen.runtime.internal.nhwc.NhwcKernel;
import dev.convgen.runtime.internal.nhwc.NhwcKernels;

/**
 * State shared by the generic kernels: geometry, checked copies of weights and bias, activation
 * (kept in fields of their own for the hot loops). Checks, unit loop and SIMD dispatch are
 * {@link UnitKernel}'s.
 */
abstract class GenericKernel extends UnitKernel {

  final ConvGeometry geometry;
  /** The checked copy of the weights, PyTorch layout; null where a subclass does not keep it. */
  final float[] weight;
  /** One value per output channel; zeros when there is no bias. */
  final float[] bias;
  final Activation activation;

  /** The NHWC body networks use (tuned kernels), or null. */
  private final NhwcKernel nhwc;

  /** A kernel without an NHWC body (the textbook kernels). */
  GenericKernel(ConvGeometry geometry, float[] weight, float[] bias, Activation activation,
      int unitsPerImage) {
    this(geometry, weight, bias, activation, unitsPerImage, false, true);
  }

  /**
   * @param withNhwc whether to build the runtime's NHWC body ({@code NhwcKernels}), if any
   * @param keepWeights whether to keep the checked copy in {@link #weight} also when the NHWC
   *     body holds the weights; a subclass that only packs them once reads {@link #weights()}
   */
  GenericKernel(ConvGeometry geometry, float[] weight, float[] bias, Activation activation,
      int unitsPerImage, boolean withNhwc, boolean keepWeights) {
    super(geometry, bias != null, activation, 0, 0, unitsPerImage);
    this.geometry = geometry;
    float[] checked = Arguments.checkWeights(geometry, weight).clone();
    this.bias = bias != null ? Arguments.checkBias(geometry, bias).clone()
        : new float[geometry.outChannels()];
    this.activation = activation;
    this.nhwc = withNhwc ? NhwcKernels.create(geometry, checked, this.bias, activation) : null;
    this.weight = nhwc == null || keepWeights ? checked : null;
  }

  /** The weights in PyTorch layout: the kept copy, or one rebuilt from the NHWC body's. */
  final float[] weights() {
    return weight != null ? weight : nhwc.weights();
  }

  @Override
  protected final NhwcKernel nhwc() {
    return nhwc;
  }

  /**
   * Where there is no NCHW SIMD code: the generic scalar code (run-time taps and strides) is
   * slower than the NHWC body with two transpositions. Measured on a Zen 5, 512-bit, tuned
   * kernels, us, scalar -> through NHWC: pointwise s2 8x32x56x56 -> 64 3,732 -> 1,179;
   * depthwise s2 1x64x112x112 2,069 -> 953, 1x512x14x14 307 -> 157, 1x1024x7x7 232 -> 70, 5x5 s2
   * 1x32x28x28 142 -> 45.
   */
  @Override
  protected boolean nchwThroughNhwc() {
    return simd() == null;
  }

  /**
   * The textbook window sum: filter {@code filter}'s taps applied around output pixel
   * {@code (i, j)} of the input plane at {@code plane}, every tap checked against the border (zero
   * padding). Shared by the depthwise and the grouped textbook kernels.
   */
  final float window(float[] input, int plane, int height, int width, int filter, int i, int j) {
    ConvGeometry g = geometry;
    int kh = g.kernelH();
    int kw = g.kernelW();
    int taps = filter * kh * kw;
    float sum = 0;
    for (int r = 0; r < kh; r++) {
      int ih = i * g.strideH() - g.padTop() + r * g.dilationH();
      if (ih < 0 || ih >= height) {
        continue;
      }
      for (int s = 0; s < kw; s++) {
        int iw = j * g.strideW() - g.padLeft() + s * g.dilationW();
        if (iw >= 0 && iw < width) {
          sum += weight[taps + r * kw + s] * input[plane + ih * width + iw];
        }
      }
    }
    return sum;
  }
}
