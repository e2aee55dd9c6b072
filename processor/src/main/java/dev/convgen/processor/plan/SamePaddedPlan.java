package dev.convgen.processor.plan;

import dev.convgen.processor.model.StageSpec;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A stage with SAME padding at a stride above 1 and a run-time input size: one specialized
 * kernel per padding the sizes can need, chosen per call by the size modulo the stride.
 *
 * @param variants the plan of each padding variant, in the order of
 *     {@code stage.runtimePadding().variants()}
 */
public record SamePaddedPlan(StageSpec stage, List<KernelPlan> variants) implements KernelPlan {

  @Override
  public Layout layout() {
    return variants.get(0).layout();
  }

  /** The padding variants run in NCHW only. */
  @Override
  public Layout networkLayout() {
    return Layout.NCHW;
  }

  @Override
  public List<VectorShape> vectorShapes() {
    return variants.get(0).vectorShapes();
  }

  @Override
  public int unitsPerImage() {
    return variants.get(0).unitsPerImage();
  }

  @Override
  public String summary() {
    return "SAME padding chosen per call from the input size modulo the stride, "
        + variants.size() + " variants (padding top, left, bottom, right: "
        + variants.stream().map(v -> { var g = v.stage().geometry();
          return g.padTop() + "," + g.padLeft() + "," + g.padBottom() + "," + g.padRight(); })
            .collect(Collectors.joining("; ")) + "); each: " + variants.get(0).summary();
  }
}
