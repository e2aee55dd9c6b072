package dev.convgen.processor.plan;

import dev.convgen.processor.model.StageSpec;
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

  /** The tensors' layout. */
  Layout layout();

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
}
