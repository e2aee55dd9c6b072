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
    String text = message.format(arguments);
    SourcePosition position = spec.position();
    if (trees != null && position != null) {
      trees.printMessage(Diagnostic.Kind.ERROR, text,
          element == null ? position.annotation() : position.valueOr(element), position.unit());
    } else if (element != null && spec.sourceValue(element) != null) {
      messager.printMessage(Diagnostic.Kind.ERROR, text, spec.holder(), spec.mirror(),
          spec.sourceValue(element));
    } else {
      messager.printMessage(Diagnostic.Kind.ERROR, text, spec.holder(), spec.mirror());
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
