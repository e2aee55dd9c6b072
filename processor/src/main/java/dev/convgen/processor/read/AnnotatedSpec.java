package dev.convgen.processor.read;

import java.util.HashMap;
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
public final class AnnotatedSpec {

  private final TypeElement holder;
  private final AnnotationMirror mirror;
  private final Map<String, AnnotationValue> explicit;
  private final Map<String, AnnotationValue> withDefaults;
  private final SourcePosition position;

  /**
   * @param holderDefaults the holder's {@code @ConvDefaults}, or null: the values it writes
   *     replace {@code @ConvSpec}'s defaults for the elements this spec does not write
   */
  AnnotatedSpec(TypeElement holder, AnnotationMirror mirror, SourcePosition position,
      AnnotationMirror holderDefaults, Elements elements) {
    this.holder = holder;
    this.mirror = mirror;
    this.position = position;
    this.explicit = byName(mirror.getElementValues());
    this.withDefaults = new HashMap<>(byName(elements.getElementValuesWithDefaults(mirror)));
    if (holderDefaults != null) {
      byName(holderDefaults.getElementValues()).forEach((name, value) -> {
        boolean padded = name.equals("autoPad") && explicit.containsKey("padding");
        if (!explicit.containsKey(name) && !padded) {
          withDefaults.put(name, value);
        }
      });
    }
  }

  public TypeElement holder() {
    return holder;
  }

  public AnnotationMirror mirror() {
    return mirror;
  }

  /** Where the annotation is in the source, when the compiler exposes its trees; else null. */
  public SourcePosition position() {
    return position;
  }

  /** Whether the user wrote this element. */
  public boolean isExplicit(String name) {
    return explicit.containsKey(name);
  }

  /** The value the user wrote, for pointing an error at it; null when defaulted. */
  public AnnotationValue sourceValue(String name) {
    return explicit.get(name);
  }

  public int intValue(String name) {
    return (Integer) withDefaults.get(name).getValue();
  }

  public boolean booleanValue(String name) {
    return (Boolean) withDefaults.get(name).getValue();
  }

  public String stringValue(String name) {
    return (String) withDefaults.get(name).getValue();
  }

  public int[] intArray(String name) {
    @SuppressWarnings("unchecked")
    List<? extends AnnotationValue> values =
        (List<? extends AnnotationValue>) withDefaults.get(name).getValue();
    return values.stream().mapToInt(value -> (Integer) value.getValue()).toArray();
  }

  public <E extends Enum<E>> E enumValue(String name, Class<E> type) {
    VariableElement constant = (VariableElement) withDefaults.get(name).getValue();
    return Enum.valueOf(type, constant.getSimpleName().toString());
  }

  private static Map<String, AnnotationValue> byName(
      Map<? extends ExecutableElement, ? extends AnnotationValue> values) {
    return values.entrySet().stream().collect(Collectors.toMap(
        entry -> entry.getKey().getSimpleName().toString(), Map.Entry::getValue));
  }
}
