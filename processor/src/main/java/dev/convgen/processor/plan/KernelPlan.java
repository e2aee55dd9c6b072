package dev.convgen.processor.plan;

import dev.convgen.processor.model.StageSpec;
import dev.convgen.runtime.ConvGeometry;
import java.util.List;

/**
 * How one stage will be computed: the complete input of the emitters, chosen by
 * {@link KernelPlanner}. The stage says what is computed; the plan says in which layout, with
 * which vectors, in which blocks and tiles, and how far loops are unrolled. Emitters translate a
 * plan into code and decide nothing themselves.
 */
public sealed interface KernelPlan permits PointwisePlan, SpatialPlan, SamePaddedPlan {

  /** What is computed. */
  StageSpec stage();

  /** The tensors' layout in the kernel's own {@code forward}. */
  Layout layout();

  /**
   * The layout networks run the stage in: {@link Layout#NHWC} when it has the runtime's NHWC
   * implementation ({@code NhwcKernels}, channels in vector lanes), else the kernel's own.
   */
  Layout networkLayout();

  /**
   * The vector widths a {@code jdk.incubator.vector} implementation is emitted for, beside the
   * scalar one; empty for scalar only.
   */
  List<VectorShape> vectorShapes();

  /** Whether any SIMD implementation is emitted. */
  default boolean simd() {
    return !vectorShapes().isEmpty();
  }

  /** Work units per image: what a caller may split between threads. */
  int unitsPerImage();

  /** The plan in one line, for the generated class's Javadoc. */
  String summary();

  /**
   * Whether the kernel's NCHW {@code forward} runs the runtime's NHWC kernel (where the JVM gives
   * it one) instead of its own code, band by band between transpositions: for stages without
   * SIMD code of their own (strided pointwise and depthwise) and for dense stages (their NCHW
   * SIMD code multiplies im2col panels with pixels in lanes). Measured on a Zen 5, 512-bit, us,
   * own code -> through NHWC: pointwise s2 8x32x56x56 -> 64 2,932 -> 1,373 (generated scalar,
   * whole transpositions); dense 3x3 8x32x56x56 -> 64 12,695-12,956 -> 6,075 (generated SIMD;
   * JMH, ONNX Runtime 5,466-5,572 in the same sitting), 1x32x32x32 -> 64 454-463 -> 247-248
   * (ONNX Runtime 256-262); MobileNet-v1's stride-2 depthwise stages, generated scalar against
   * the tuned kernel through NHWC in bands (same JVM, best of 200, five rounds): 1x64x112x112
   * 670-696 -> 447-597, 1x128x56x56 353-354 -> 220-293, 1x256x28x28 213-215 -> 124-150,
   * 1x512x14x14 122-124 -> 62-77 (with whole transpositions the scalar code had been faster:
   * 529 against 866 on the first).
   */
  default boolean nchwThroughNhwc() {
    ConvGeometry g = stage().geometry();
    boolean dense = !g.isPointwise() && !g.isDepthwise();
    return networkLayout() == Layout.NHWC && (!simd() || dense);
  }

  /**
   * Whether the NCHW code's weights are made from the NHWC body's on the first NCHW call rather
   * than at construction (at construction still when the JVM gives the kernel no NHWC body): for
   * pointwise and dense stages with an NHWC body, which hold nearly all of a network's weights
   * (MobileNet-v1: 3.2 of its 4.2 million in pointwise stages; a ResNet's 3x3 stages) and in
   * networks run NHWC only, so a network holds one copy of them instead of two (pointwise) or
   * three (dense: the weights for the scalar code, packed for the SIMD code, and the NHWC body's).
   * Not for depthwise stages, whose weights are a few floats per channel.
   */
  default boolean nchwWeightsOnDemand() {
    return networkLayout() == Layout.NHWC && !stage().geometry().isDepthwise();
  }

  /** The end of {@link #summary} for the layout in networks, empty when it is the kernel's own. */
  static String networkSummary(KernelPlan plan) {
    return plan.networkLayout() == plan.layout() ? ""
        : "; in networks " + plan.networkLayout().describe() + " (the runtime's SIMD kernel with"
            + " channels in lanes, from one vector of output channels"
            + (plan.nchwThroughNhwc() ? "; NCHW calls too, between transpositions" : "")
            + (plan.nchwWeightsOnDemand() && !plan.nchwThroughNhwc()
                ? "; NCHW weights packed on the first NCHW call" : "") + ")";
  }
}
