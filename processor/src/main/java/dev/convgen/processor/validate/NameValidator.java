package dev.convgen.processor.validate;

import com.palantir.javapoet.ClassName;
import dev.convgen.processor.model.KernelSpec;
import dev.convgen.processor.read.AnnotatedSpec;
import dev.convgen.processor.read.GeneratedOutput;
import java.util.HashSet;
import java.util.Set;
import javax.lang.model.element.TypeElement;
import javax.lang.model.util.Elements;

/**
 * Checks the names of one holder's specs: distinct on the holder, and no generated class that
 * would clash with an existing type.
 */
public final class NameValidator {

  private final Elements elements;
  private final ErrorReporter errors;
  private final String processorName;
  private final Set<String> namesOnHolder = new HashSet<>();

  /**
   * One validator per holder.
   *
   * @param processorName what our own {@code @Generated} says, to recognise a stale copy of our
   *     output
   */
  public NameValidator(Elements elements, ErrorReporter errors, String processorName) {
    this.elements = elements;
    this.errors = errors;
    this.processorName = processorName;
  }

  /** Whether {@code kernel}'s name is free; reports the clash otherwise. */
  public boolean check(AnnotatedSpec spec, KernelSpec kernel) {
    if (!namesOnHolder.add(kernel.name())) {
      errors.error(spec, "name", Message.DUPLICATE_NAME, kernel.holder().getSimpleName(),
          kernel.name());
      return false;
    }
    if (clashesWithExistingType(kernel.className())) {
      errors.error(spec, "name", Message.CLASS_EXISTS, kernel.className().canonicalName());
      return false;
    }
    return true;
  }

  private boolean clashesWithExistingType(ClassName className) {
    TypeElement existing = elements.getTypeElement(className.canonicalName());
    if (existing == null) {
      return false;
    }
    // A stale copy of our own output (e.g. from an earlier incremental build) is not a clash.
    return !GeneratedOutput.isFrom(existing, processorName);
  }
}
