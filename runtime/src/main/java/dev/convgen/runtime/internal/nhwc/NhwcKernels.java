package dev.convgen.runtime.internal.nhwc;

import dev.convgen.annotations.Activation;
import dev.convgen.runtime.ConvGeometry;
import dev.convgen.runtime.Vectorization;
import java.util.Set;

/**
 * The NHWC implementation of a stage, for the kernels that offer one (generated and tuned alike):
 * SIMD only, since with scalar code the layout gains nothing. Which stages have one: pointwise,
 * depthwise with multiplier 1, dense (groups 1) KxK, each with at least one vector of
 * output channels (8 at 256 bits, 16 at 512). Others return null and are run in NCHW.
 */
public final class NhwcKernels {

  private NhwcKernels() {}

  /**
   * The NHWC body for the stage, or null when it has none (or SIMD is off).
   *
   * @param weight PyTorch layout {@code [out, in / groups, kh, kw]}, already checked
   * @param bias {@code [out]}, or null
   */
  public static NhwcKernel create(ConvGeometry g, float[] weight, float[] bias,
      Activation activation) {
    return Vectorization.bits() == 0 ? null : Simd.create(g, weight, bias, activation);
  }

  /**
   * Runs every NHWC body on tiny inputs until C2 has compiled it, or for at most
   * {@code limitNanos}; what {@code network.WarmUp} calls.
   *
   * @return whether every body was compiled in time (true when SIMD is off: nothing to compile)
   */
  public static boolean warmUp(long limitNanos) {
    return warmUp(limitNanos, null);
  }

  /**
   * As {@link #warmUp(long)}, only the bodies {@code keys} names ({@code
   * UnitKernel.warmUpKeys}); null for all.
   */
  public static boolean warmUp(long limitNanos, Set<String> keys) {
    return Vectorization.bits() == 0 || Simd.warmUp(limitNanos, keys);
  }

  /**
   * Whether a pointwise body and the depthwise body after it run together band by band on an
   * input of this size ({@link PointwiseDepthwiseBands}): the intermediate rows stay in cache.
   * Both bodies exist only with SIMD, so the classes behind them are loaded.
   */
  public static boolean fusesPointwiseDepthwise(NhwcKernel pointwise, NhwcKernel depthwise,
      int height, int width) {
    return pointwise != null && depthwise != null
        && PointwiseDepthwiseBands.fuses(pointwise, depthwise, height, width);
  }

  /**
   * Allocates the calling thread's buffer for {@link #pointwiseDepthwiseRows} on an input of this
   * size, as its first call would; needs {@link #fusesPointwiseDepthwise}.
   */
  public static void preparePointwiseDepthwise(NhwcKernel depthwise, int height, int width) {
    PointwiseDepthwiseBands.prepare(depthwise, height, width);
  }

  /**
   * Depthwise output rows {@code [firstRow, lastRow)} of one image of a pointwise stage and the
   * depthwise stage after it, run together ({@link #fusesPointwiseDepthwise}); NHWC, each tensor
   * a whole image at its offset.
   */
  public static void pointwiseDepthwiseRows(NhwcKernel pointwise, NhwcKernel depthwise,
      float[] input, int inputOffset, float[] output, int outputOffset, int height, int width,
      int firstRow, int lastRow) {
    PointwiseDepthwiseBands.rows(pointwise, depthwise, input, inputOffset, output, outputOffset,
        height, width, firstRow, lastRow);
  }

  /** Loaded only when the Vector API is present. */
  private static final class Simd {
    static boolean warmUp(long limitNanos, Set<String> keys) {
      return NhwcWarmUp.run(limitNanos, keys);
    }

    static NhwcKernel create(ConvGeometry g, float[] weight, float[] bias,
        Activation activation) {
      // the width the NHWC classes fixed when first used (once per JVM, as the tuned kernels)
      if (g.outChannels() < NhwcGemm.L) {
        return null;
      }
      if (g.isPointwise()) {
        return new NhwcPointwise(g, weight, bias, activation);
      }
      if (g.isDepthwise()) {
        return g.multiplier() == 1 ? new NhwcDepthwise(g, weight, bias, activation) : null;
      }
      return g.groups() == 1 ? new NhwcDense(g, weight, bias, activation) : null;
    }
  }
}
