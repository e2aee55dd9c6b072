package dev.convgen.processor.emit;

import com.palantir.javapoet.CodeBlock;
import dev.convgen.annotations.Activation;

/** An activation written inline around a scalar or a {@code FloatVector} expression. */
final class ActivationCode {

  private ActivationCode() {}

  /** The activation applied to a float expression. */
  static CodeBlock scalar(Activation activation, String value) {
    switch (activation) {
      case RELU:
        return CodeBlock.of("$T.max($L, 0f)", RuntimeTypes.MATH, value);
      case RELU6:
        return CodeBlock.of("$T.min($T.max($L, 0f), 6f)", RuntimeTypes.MATH, RuntimeTypes.MATH,
            value);
      default:
        return CodeBlock.of("$L", value);
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
