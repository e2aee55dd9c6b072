package dev.convgen.processor.validate;

import dev.convgen.processor.model.KernelSpec;
import dev.convgen.processor.model.StageSpec;
import dev.convgen.processor.read.AnnotatedSpec;
import dev.convgen.runtime.ConvGeometry;

/**
 * Checks what only the lowered stages show: that the weights and, for a fixed input size, the
 * input and output images fit int indexing, and that no output is empty. Sizes are multiplied in
 * {@code long}.
 */
public final class ShapeValidator {

  private final ErrorReporter errors;

  public ShapeValidator(ErrorReporter errors) {
    this.errors = errors;
  }

  /** Whether every stage of {@code kernel} has valid sizes; reports the first stage's problems. */
  public boolean check(AnnotatedSpec spec, KernelSpec kernel) {
    for (StageSpec stage : kernel.stages()) {
      if (!check(spec, stage)) {
        return false; // later stages repeat the same problem
      }
    }
    return true;
  }

  private boolean check(AnnotatedSpec spec, StageSpec stage) {
    int errorsBefore = errors.errorCount();
    ConvGeometry g = stage.geometry();
    long weights = g.weightCount();
    if (weights > Integer.MAX_VALUE) {
      errors.error(spec, "out", Message.TOO_LARGE, "weights", g.outChannels(),
          g.inChannelsPerGroup(), g.kernelH() * g.kernelW(), weights, Integer.MAX_VALUE,
          "channel count");
    }
    if (!stage.fixedSize()) {
      return errors.errorCount() == errorsBefore;
    }
    int outH = stage.outputHeight();
    int outW = stage.outputWidth();
    if (outH <= 0) {
      errors.error(spec, "height", Message.OUTPUT_EMPTY, "height", outH, "height", stage.height(),
          g.extentH(), g.padTop(), g.padBottom(), g.strideH());
    }
    if (outW <= 0) {
      errors.error(spec, "width", Message.OUTPUT_EMPTY, "width", outW, "width", stage.width(),
          g.extentW(), g.padLeft(), g.padRight(), g.strideW());
    }
    long input = (long) g.inChannels() * stage.height() * stage.width();
    long output = (long) g.outChannels() * outH * outW;
    if (input > Integer.MAX_VALUE) {
      errors.error(spec, "height", Message.TOO_LARGE, "one input image", g.inChannels(),
          stage.height(), stage.width(), input, Integer.MAX_VALUE,
          "height, width or channel count");
    } else if (outH > 0 && outW > 0 && output > Integer.MAX_VALUE) {
      errors.error(spec, "height", Message.TOO_LARGE, "one output image", g.outChannels(), outH,
          outW, output, Integer.MAX_VALUE, "height, width or channel count");
    }
    return errors.errorCount() == errorsBefore;
  }
}
