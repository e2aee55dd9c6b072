package dev.convgen.runtime.internal;

import dev.convgen.runtime.internal.nhwc.NhwcKernel;
import java.util.function.UnaryOperator;

/**
 * A kernel's weights in the form its NCHW code reads them, made when first asked for from its
 * NHWC body's, which networks run: so a network holds one copy of each stage's weights, not one
 * per layout. Made at once when the kernel has no NHWC body. Safe to share between threads: two
 * first calls at once may both pack, and either of the equal arrays is kept.
 *
 * <p>Internal: what generated kernels call.
 */
public final class WeightsOnDemand {

  private final NhwcKernel source;
  private final UnaryOperator<float[]> pack;
  private volatile float[] packed;

  /**
   * @param weight PyTorch-layout weights, packed now when {@code source} is null, else not read;
   *     not retained either way
   * @param source the NHWC body that holds the weights, or null
   * @param pack PyTorch-layout weights to the NCHW code's form (into a new array)
   */
  public WeightsOnDemand(float[] weight, NhwcKernel source, UnaryOperator<float[]> pack) {
    this.source = source;
    this.pack = pack;
    this.packed = source == null ? pack.apply(weight) : null;
  }

  /** The weights in the NCHW code's form, packed on the first call if need be. */
  public float[] get() {
    float[] weights = packed;
    if (weights == null) {
      weights = pack.apply(source.weights());
      packed = weights;
    }
    return weights;
  }
}
