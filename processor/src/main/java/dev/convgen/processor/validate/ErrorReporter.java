package dev.convgen.processor.validate;

import com.sun.source.util.Trees;
import dev.convgen.processor.read.AnnotatedSpec;
import dev.convgen.processor.read.SourcePosition;
import javax.annotation.processing.Messager;
import javax.lang.model.element.Element;
import javax.tools.Diagnostic;

/**
 * Prints errors at the offending annotation value (through the compiler's trees when available,
 * otherwise on the element and annotation through {@link Messager}) and counts them.
 */
public final class ErrorReporter {

  private final Messager messager;
  private final Trees trees;
  private int errorCount;

  public ErrorReporter(Messager messager, Trees trees) {
    this.messager = messager;
    this.trees = trees;
  }

  /** An error about {@code element} of {@code spec}; {@code element} may be null for the whole spec. */
  public void error(AnnotatedSpec spec, String element, Message message, Object... arguments) {
    errorCount++;
    report(Diagnostic.Kind.ERROR, spec, element, message, arguments);
  }

  /** A warning about {@code element} of {@code spec}: something written that has no effect. */
  public void warning(AnnotatedSpec spec, String element, Message message, Object... arguments) {
    report(Diagnostic.Kind.WARNING, spec, element, message, arguments);
  }

  private void report(Diagnostic.Kind kind, AnnotatedSpec spec, String element, Message message,
      Object... arguments) {
    String text = message.format(arguments);
    SourcePosition position = spec.position();
    if (trees != null && position != null) {
      trees.printMessage(kind, text,
          element == null ? position.annotation() : position.valueOr(element), position.unit());
    } else if (element != null && spec.sourceValue(element) != null) {
      messager.printMessage(kind, text, spec.holder(), spec.mirror(),
          spec.sourceValue(element));
    } else {
      messager.printMessage(kind, text, spec.holder(), spec.mirror());
    }
  }

  /** An error about a whole holder (used when its specs could not be read). */
  public void error(Element holder, Message message, Object... arguments) {
    errorCount++;
    messager.printMessage(Diagnostic.Kind.ERROR, message.format(arguments), holder);
  }

  public int errorCount() {
    return errorCount;
  }
}
