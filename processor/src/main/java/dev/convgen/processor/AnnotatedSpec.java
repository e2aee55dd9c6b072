package dev.convgen.processor;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.util.Elements;

/**
 * One {@code @ConvSpec} as written on its holder: typed access to its values (defaults filled in)
 * and to the source position of each value the user wrote, for error messages.
 */
final class AnnotatedSpec {

  private final TypeElement holder;
  private final AnnotationMirror mirror;
  private final Map<String, AnnotationValue> explicit;
  private final Map<String, AnnotationValue> withDefaults;
  private final SourcePosition position;

  AnnotatedSpec(TypeElement holder, AnnotationMirror mirror, SourcePosition position,
      Elements elements) {
    this.holder = holder;
    this.mirror = mirror;
    this.position = position;
    this.explicit = byName(mirror.getElementValues());
    this.withDefaults = byName(elements.getElementValuesWithDefaults(mirror));
  }

  TypeElement holder() {
    return holder;
  }

  AnnotationMirror mirror() {
    return mirror;
  }

  /** Where the annotation is in the source, when the compiler exposes its trees; else null. */
  SourcePosition position() {
    return position;
  }

  /** Whether the user wrote this element. */
  boolean isExplicit(String name) {
    return explicit.containsKey(name);
  }

  /** The value the user wrote, for pointing an error at it; null when defaulted. */
  AnnotationValue sourceValue(String name) {
    return explicit.get(name);
  }

  int intValue(String name) {
    return (Integer) withDefaults.get(name).getValue();
  }

  boolean booleanValue(String name) {
    return (Boolean) withDefaults.get(name).getValue();
  }

  String stringValue(String name) {
    return (String) withDefaults.get(name).getValue();
  }

  int[] intArray(String name) {
    @SuppressWarnings("unchecked")
    List<? extends AnnotationValue> values =
        (List<? extends AnnotationValue>) withDefaults.get(name).getValue();
    return values.stream().mapToInt(value -> (Integer) value.getValue()).toArray();
  }

  <E extends Enum<E>> E enumValue(String name, Class<E> type) {
    VariableElement constant = (VariableElement) withDefaults.get(name).getValue();
    return Enum.valueOf(type, constant.getSimpleName().toString());
  }

  private static Map<String, AnnotationValue> byName(
      Map<? extends ExecutableElement, ? extends AnnotationValue> values) {
    return values.entrySet().stream().collect(Collectors.toMap(
        entry -> entry.getKey().getSimpleName().toString(), Map.Entry::getValue));
  }
}
