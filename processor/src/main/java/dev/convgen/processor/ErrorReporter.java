package dev.convgen.processor;

import javax.annotation.processing.Messager;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.Element;
import javax.tools.Diagnostic;

/** Prints errors on the holder, the annotation and (when known) the offending value; counts them. */
final class ErrorReporter {

  private final Messager messager;
  private int errorCount;

  ErrorReporter(Messager messager) {
    this.messager = messager;
  }

  void error(Element element, AnnotationMirror annotation, AnnotationValue value,
      Message message, Object... arguments) {
    errorCount++;
    String text = message.format(arguments);
    if (annotation == null) {
      messager.printMessage(Diagnostic.Kind.ERROR, text, element);
    } else if (value == null) {
      messager.printMessage(Diagnostic.Kind.ERROR, text, element, annotation);
    } else {
      messager.printMessage(Diagnostic.Kind.ERROR, text, element, annotation, value);
    }
  }

  int errorCount() {
    return errorCount;
  }
}
