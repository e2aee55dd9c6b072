package dev.convgen.processor.read;

import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.Element;

/** Recognises convgen's own output by its {@code @Generated} annotation. */
public final class GeneratedOutput {

  /** The annotation every generated class carries. */
  public static final String GENERATED = "javax.annotation.processing.Generated";

  private GeneratedOutput() {}

  /** Whether {@code element} carries {@code @Generated} naming {@code generator}. */
  public static boolean isFrom(Element element, String generator) {
    for (AnnotationMirror annotation : element.getAnnotationMirrors()) {
      if (annotation.getAnnotationType().toString().equals(GENERATED)
          && annotation.getElementValues().values().toString().contains(generator)) {
        return true;
      }
    }
    return false;
  }
}
