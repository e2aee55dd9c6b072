package dev.convgen.processor.validate;

import dev.convgen.processor.model.KernelSpec;
import dev.convgen.processor.read.AnnotatedSpec;
import java.util.HashMap;
import java.util.Map;

/**
 * Checks that no two specs of a compilation, on different holders or in different rounds,
 * generate the same class: {@code @ConvSpec(name = "B_x")} on {@code A} and
 * {@code @ConvSpec(name = "x")} on {@code A_B} both name {@code A_B_x}, as do a nested
 * {@code Outer.Inner} and a top-level {@code Outer_Inner}. Both specs get an error.
 */
public final class ClassNameValidator {

  private final ErrorReporter errors;
  /** Generated class name to the spec that claimed it, across rounds. */
  private final Map<String, Claim> claimed = new HashMap<>();

  private record Claim(AnnotatedSpec spec, KernelSpec kernel) {}

  /**
   * @param previous the validator of the previous round, whose names stay claimed; or null
   */
  public ClassNameValidator(ErrorReporter errors, ClassNameValidator previous) {
    this.errors = errors;
    if (previous != null) {
      claimed.putAll(previous.claimed);
    }
  }

  /** Whether {@code kernel}'s class is not generated for another spec; reports both otherwise. */
  public boolean check(AnnotatedSpec spec, KernelSpec kernel) {
    String name = kernel.className().canonicalName();
    Claim first = claimed.putIfAbsent(name, new Claim(spec, kernel));
    if (first == null) {
      return true;
    }
    errors.error(spec, "name", Message.CLASS_CLASH, name, describe(first.kernel()));
    errors.error(first.spec(), "name", Message.CLASS_CLASH, name, describe(kernel));
    return false;
  }

  private static String describe(KernelSpec kernel) {
    return "spec \"" + kernel.name() + "\" on " + kernel.holder().getQualifiedName();
  }
}
