package dev.convgen.processor.emit;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An int expression of generated code: a sum of terms {@code coefficient * atom} and a constant,
 * where an atom is a local variable or a product. Known sizes fold into literals as the
 * expression is built, so generated code reads {@code x[p + 3136]} rather than
 * {@code x[p + 1 * 56 * 56]}, and the emitters ask {@link #isConstant()} instead of parsing text.
 */
public final class Expr {

  private static final Expr ZERO = new Expr(new LinkedHashMap<>(), 0);

  /** Atom (variable name or product) to coefficient, in first-use order; no zero entries. */
  private final Map<String, Integer> terms;
  private final int constant;

  private Expr(Map<String, Integer> terms, int constant) {
    this.terms = terms;
    this.constant = constant;
  }

  /** A literal. */
  public static Expr of(int value) {
    return value == 0 ? ZERO : new Expr(new LinkedHashMap<>(), value);
  }

  /** A local variable of the generated code. */
  public static Expr var(String name) {
    Map<String, Integer> terms = new LinkedHashMap<>();
    terms.put(name, 1);
    return new Expr(terms, 0);
  }

  /** Whether this is a literal. */
  public boolean isConstant() {
    return terms.isEmpty();
  }

  /** The literal value; only for {@link #isConstant()} expressions. */
  public int constant() {
    if (!isConstant()) {
      throw new IllegalStateException(this + " is not a constant");
    }
    return constant;
  }

  /** {@code this + other}, folded. */
  public Expr plus(Expr other) {
    Map<String, Integer> sum = new LinkedHashMap<>(terms);
    other.terms.forEach((atom, coefficient) -> sum.merge(atom, coefficient, Integer::sum));
    sum.values().removeIf(c -> c == 0);
    return new Expr(sum, constant + other.constant);
  }

  /** {@code this + value}, folded. */
  public Expr plus(int value) {
    return plus(of(value));
  }

  /** {@code this * factor}, folded. */
  public Expr times(int factor) {
    if (factor == 0) {
      return ZERO;
    }
    Map<String, Integer> scaled = new LinkedHashMap<>();
    terms.forEach((atom, coefficient) -> scaled.put(atom, coefficient * factor));
    return new Expr(scaled, constant * factor);
  }

  /**
   * {@code this * other}: folded when either side is a literal; otherwise one new atom, the
   * product of both as written (sums parenthesized).
   */
  public Expr times(Expr other) {
    if (other.isConstant()) {
      return times(other.constant);
    }
    if (isConstant()) {
      return other.times(constant);
    }
    return var(factor(this) + " * " + factor(other));
  }

  private static String factor(Expr e) {
    return e.terms.size() == 1 && e.constant == 0 ? e.toString() : "(" + e + ")";
  }

  /** Java source of this expression. */
  @Override
  public String toString() {
    List<String> parts = new ArrayList<>();
    StringBuilder text = new StringBuilder();
    terms.forEach((atom, coefficient) -> {
      int magnitude = Math.abs(coefficient);
      parts.add((coefficient < 0 ? "-" : "") + (magnitude == 1 ? atom : atom + " * " + magnitude));
    });
    for (String part : parts) {
      if (text.length() == 0) {
        text.append(part);
      } else if (part.startsWith("-")) {
        text.append(" - ").append(part.substring(1));
      } else {
        text.append(" + ").append(part);
      }
    }
    if (text.length() == 0) {
      return Integer.toString(constant);
    }
    if (constant > 0) {
      text.append(" + ").append(constant);
    } else if (constant < 0) {
      text.append(" - ").append(-constant);
    }
    return text.toString();
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof Expr e && e.constant == constant && e.terms.equals(terms);
  }

  @Override
  public int hashCode() {
    return 31 * terms.hashCode() + constant;
  }
}
