package dev.convgen.processor.plan;

import dev.convgen.processor.model.StageSpec;
import java.util.List;

/**
 * A KxK kernel computed plane by plane (depthwise, grouped or dense): each output plane split into
 * an interior, whose taps all fall inside the input (no checks), and a checked border.
 *
 * @param networkLayout the layout networks run the stage in ({@link KernelPlan#networkLayout})
 * @param accumulates whether an output plane sums several input planes (dense and grouped): it is
 *     filled with the bias, each input plane's filter is added to it, and the activation runs as a
 *     last pass; otherwise (depthwise) bias and activation are fused into the single store
 * @param unrollAllTaps whether all taps of a filter are straight-line code; otherwise a loop over
 *     kernel rows with one row's taps unrolled
 * @param interior the interior's bounds when the input size is fixed; null when computed at run
 *     time (both by {@code PlaneInterior})
 * @param vectors the SIMD schedules of the direct (plane by plane) code, one per vector width
 *     (the kernel picks one at construction); empty when none is emitted
 * @param gemm the SIMD path of a dense or grouped kernel as a matrix product, or null; then
 *     {@code vectors} is empty, and the work units are its channel blocks for both paths
 */
public record SpatialPlan(StageSpec stage, Layout layout, Layout networkLayout, boolean accumulates,
    boolean unrollAllTaps, Interior interior, List<VectorSpan> vectors, Gemm gemm)
    implements KernelPlan {

  /**
   * Im2col + GEMM: per tile of output pixels and per group, the input windows copied into a panel
   * of {@code taps} rows, times the group's weights with the pointwise micro-kernel.
   *
   * @param channelBlock output channels per register tile and per work unit (never straddling
   *     two groups)
   * @param taps the reduction: input channels per group x kh x kw
   * @param tiles one per vector width: the register tile, and as pixel tile the panel's width
   */
  public record Gemm(int channelBlock, int taps, List<PointwisePlan.VectorTile> tiles) {}

  /** Channel blocks (work units) per group of a GEMM plan. */
  public int blocksPerGroup() {
    int perGroup = stage.geometry().outChannels() / stage.geometry().groups();
    return (perGroup + gemm.channelBlock() - 1) / gemm.channelBlock();
  }

  /** Output rows {@code [rowLo, rowHi)} and columns {@code [colLo, colHi)} of the interior. */
  public record Interior(int rowLo, int rowHi, int colLo, int colHi) {

    /** Whether no output pixel is interior. */
    public boolean isEmpty() {
      return rowHi <= rowLo || colHi <= colLo;
    }
  }

  /**
   * The SIMD interior: a leaf method computing up to {@code spanVectors} vectors of consecutive
   * pixels, called from scalar control flow.
   *
   * @param hoistTaps whether the taps are broadcast into vectors once per call (few taps) or per
   *     use
   * @param flatInterior whether the interior rows run as one flat run of pixels across rows (the
   *     wrapped edge columns then rewritten by the border code) instead of row by row
   */
  public record VectorSpan(VectorShape shape, int spanVectors, boolean hoistTaps,
      boolean flatInterior) {}

  @Override
  public List<VectorShape> vectorShapes() {
    return gemm != null ? gemm.tiles().stream().map(PointwisePlan.VectorTile::shape).toList()
        : vectors.stream().map(VectorSpan::shape).toList();
  }

  @Override
  public int unitsPerImage() {
    if (gemm != null) {
      return stage.geometry().groups() * blocksPerGroup();
    }
    return accumulates ? stage.geometry().outChannels() : stage.geometry().inChannels();
  }

  @Override
  public String summary() {
    int taps = stage.geometry().kernelH() * stage.geometry().kernelW();
    StringBuilder text = new StringBuilder(layout.describe())
        .append(", work unit ").append(gemm != null ? gemm.channelBlock() + " output channels"
            : accumulates ? "1 output channel" : "1 input channel")
        .append("; interior/border split ")
        .append(interior == null ? "at run time" : "at compile time")
        .append(unrollAllTaps ? ", all " + taps + " taps unrolled"
            : ", kernel rows looped (" + stage.geometry().kernelW() + " taps unrolled)")
        .append(accumulates ? ", bias fill then one pass per input channel, activation pass"
            : ", bias and activation fused into the store");
    if (gemm != null) {
      for (PointwisePlan.VectorTile tile : gemm.tiles()) {
        text.append("; SIMD ").append(tile.shape().describe()).append(": im2col panels of ")
            .append(gemm.taps()).append(" rows x ").append(tile.pixelTile())
            .append(" pixels times the weights, register tile ").append(gemm.channelBlock())
            .append(" channels x ").append(tile.pixels()).append(" pixels");
      }
    }
    for (VectorSpan vector : vectors) {
      text.append("; SIMD ").append(vector.shape().describe()).append(": spans of up to ")
          .append(vector.spanVectors()).append(" vectors")
          .append(vector.hoistTaps() ? ", taps in registers" : ", taps broadcast per use")
          .append(vector.flatInterior() ? ", interior as one flat run" : ", interior row by row");
    }
    return text.append(KernelPlan.networkSummary(this)).toString();
  }
}
