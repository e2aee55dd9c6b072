package dev.convgen.processor.plan;

import dev.convgen.processor.model.StageSpec;
import java.util.List;

/**
 * A register-blocked pointwise (1x1) kernel, a matrix product over the plane's pixels.
 *
 * @param networkLayout the layout networks run the stage in ({@link KernelPlan#networkLayout})
 * @param channelBlock output channels per register tile, and per work unit (shared by the scalar
 *     and the SIMD implementation, so both split work the same way); weights are packed in blocks
 *     of this many channels
 * @param scalar the scalar implementation's schedule
 * @param vectors the SIMD implementations' schedules, one per vector width (the kernel picks one
 *     at construction); empty when none is emitted
 */
public record PointwisePlan(StageSpec stage, Layout layout, Layout networkLayout,
    int channelBlock, ScalarTile scalar, List<VectorTile> vectors) implements KernelPlan {

  /**
   * The scalar micro-kernel: {@code channelBlock x pixels} accumulators.
   *
   * @param pixels output pixels per register tile
   * @param reductionUnroll input channels per step of the unrolled reduction loop (divides
   *     {@code in}, so offsets are literals and no remainder loop exists)
   * @param flatPlane whether the plane is walked as one row of pixels (stride 1) instead of row by
   *     row
   */
  public record ScalarTile(int pixels, int reductionUnroll, boolean flatPlane) {}

  /**
   * The SIMD micro-kernel: {@code channelBlock x (vectors x lanes)} accumulators, every output
   * channel block passing over one pixel tile before the next.
   *
   * @param shape vector width and register file
   * @param vectors vectors of pixels per register tile
   * @param pixelTile pixels per cache tile (a multiple of the tile's pixels)
   * @param straightLineChunk under {@code Unroll.FULL}, input channels per straight-line method;
   *     0 for the rolled reduction loop
   */
  public record VectorTile(VectorShape shape, int vectors, int pixelTile, int straightLineChunk) {

    /** Pixels per register tile. */
    public int pixels() {
      return vectors * shape.lanes();
    }
  }

  @Override
  public List<VectorShape> vectorShapes() {
    return vectors.stream().map(VectorTile::shape).toList();
  }

  @Override
  public int unitsPerImage() {
    return (stage.geometry().outChannels() + channelBlock - 1) / channelBlock;
  }

  /** Output channels of the last, narrower block; 0 when the blocks divide {@code out}. */
  public int lastBlockChannels() {
    return stage.geometry().outChannels() % channelBlock;
  }

  @Override
  public String summary() {
    StringBuilder text = new StringBuilder(layout.describe())
        .append(", work unit ").append(channelBlock).append(" output channels; scalar: ")
        .append(channelBlock).append(" channels x ").append(scalar.pixels())
        .append(" pixels, reduction unrolled x").append(scalar.reductionUnroll());
    for (VectorTile vector : vectors) {
      text.append("; SIMD ").append(vector.shape().describe()).append(": ")
          .append(channelBlock).append(" channels x ").append(vector.pixels())
          .append(" pixels, pixel tiles of ").append(vector.pixelTile())
          .append(vector.straightLineChunk() > 0
              ? ", reduction straight-line in chunks of " + vector.straightLineChunk()
              : ", rolled reduction");
    }
    return text.append(KernelPlan.networkSummary(this)).toString();
  }
}
