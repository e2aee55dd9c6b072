package dev.convgen.processor.emit;

import dev.convgen.annotations.Activation;

/** An activation written inline around a scalar or a {@code FloatVector} expression. */
final class ActivationCode {

  private ActivationCode() {}

  /** The activation applied to a float expression. */
  static String scalar(Activation activation, String value) {
    switch (activation) {
      case RELU:
        return "Math.max(" + value + ", 0f)";
      case RELU6:
        return "Math.min(Math.max(" + value + ", 0f), 6f)";
      default:
        return value;
    }
  }

  /** The activation applied to a {@code FloatVector} expression. */
  static String vector(Activation activation, String vector) {
    switch (activation) {
      case RELU:
        return vector + ".max(0f)";
      case RELU6:
        return vector + ".max(0f).min(6f)";
      default:
        return vector;
    }
  }
}
