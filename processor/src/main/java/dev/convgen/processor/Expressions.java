package dev.convgen.processor;

import dev.convgen.annotations.Activation;

/**
 * Small helpers that write Java expressions, folding known sizes into literals so generated code
 * reads {@code x[p + 3136]} rather than {@code x[p + 1 * 56 * 56]}.
 */
final class Expressions {

  private Expressions() {}

  /** An int that is either a compile-time literal or the name of a run-time local. */
  record Size(int literal, String variable) {
    static Size of(int literal) {
      return new Size(literal, null);
    }

    static Size variable(String name) {
      return new Size(0, name);
    }

    boolean isLiteral() {
      return variable == null;
    }

    /** {@code factor * this}, folded when literal. */
    String times(int factor) {
      if (isLiteral()) {
        return Integer.toString(factor * literal);
      }
      return factor == 0 ? "0" : factor == 1 ? variable : factor + " * " + variable;
    }

    @Override
    public String toString() {
      return isLiteral() ? Integer.toString(literal) : variable;
    }
  }

  /** {@code variable * factor}, dropping a factor of 1. */
  static String times(String variable, int factor) {
    return factor == 1 ? variable : variable + " * " + factor;
  }

  /** {@code base + offset}, dropping a zero offset. */
  static String plus(String base, String offset) {
    return offset.equals("0") ? base : base + " + " + offset;
  }

  /** {@code base + offset} for an int offset. */
  static String plus(String base, int offset) {
    if (base.matches("-?\\d+")) {
      return Integer.toString(Integer.parseInt(base) + offset);
    }
    if (base.matches(".* [+-] \\d+")) { // fold into a trailing literal: "xp + 14" + 1
      int split = base.lastIndexOf(' ', base.lastIndexOf(' ') - 1);
      int trailing = Integer.parseInt(base.substring(split + 3));
      return plus(base.substring(0, split),
          (base.charAt(split + 1) == '+' ? trailing : -trailing) + offset);
    }
    return offset == 0 ? base : offset > 0 ? base + " + " + offset : base + " - " + (-offset);
  }

  /** The activation applied to a {@code FloatVector} expression. */
  static String activateVector(Activation activation, String vector) {
    switch (activation) {
      case RELU:
        return vector + ".max(0f)";
      case RELU6:
        return vector + ".max(0f).min(6f)";
      default:
        return vector;
    }
  }

  /** The activation applied to an expression, inline. */
  static String activate(Activation activation, String value) {
    switch (activation) {
      case RELU:
        return "Math.max(" + value + ", 0f)";
      case RELU6:
        return "Math.min(Math.max(" + value + ", 0f), 6f)";
      default:
        return value;
    }
  }
}
