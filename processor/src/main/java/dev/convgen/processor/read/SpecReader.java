package dev.convgen.processor.read;

import com.sun.source.util.Trees;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.annotation.processing.RoundEnvironment;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.Element;
import javax.lang.model.element.TypeElement;
import javax.lang.model.util.Elements;

/**
 * The first stage: finds every {@code @ConvSpec} of a round, written once or repeated (inside the
 * {@code @ConvSpecs} container javac synthesizes), with the source position of each for error
 * messages.
 */
public final class SpecReader {

  /** The annotation's qualified name. */
  public static final String CONV_SPEC = "dev.convgen.annotations.ConvSpec";
  /** Its repeatable container. */
  public static final String CONV_SPECS = "dev.convgen.annotations.ConvSpecs";
  /** Defaults for the specs of one holder. */
  public static final String CONV_DEFAULTS = "dev.convgen.annotations.ConvDefaults";

  private final Elements elements;
  private final Trees trees;

  /** @param trees javac's trees, or null on another compiler (errors then point at the holder) */
  public SpecReader(Elements elements, Trees trees) {
    this.elements = elements;
    this.trees = trees;
  }

  /** Every holder with its specs in source order. */
  public Map<TypeElement, List<AnnotatedSpec>> read(
      Set<? extends TypeElement> annotations, RoundEnvironment round) {
    Map<TypeElement, List<AnnotatedSpec>> specs = new LinkedHashMap<>();
    for (Element element
        : round.getElementsAnnotatedWithAny(annotations.toArray(new TypeElement[0]))) {
      TypeElement holder = (TypeElement) element;
      List<AnnotationMirror> mirrors = mirrors(holder);
      AnnotationMirror defaults = holder.getAnnotationMirrors().stream()
          .filter(m -> m.getAnnotationType().toString().equals(CONV_DEFAULTS))
          .findFirst().orElse(null);
      List<SourcePosition> positions = SourcePosition.of(trees, holder);
      List<AnnotatedSpec> onHolder = new ArrayList<>();
      for (int i = 0; i < mirrors.size(); i++) {
        onHolder.add(new AnnotatedSpec(holder, mirrors.get(i),
            positions.size() == mirrors.size() ? positions.get(i) : null, defaults, elements));
      }
      specs.put(holder, onHolder);
    }
    return specs;
  }

  /** The {@code @ConvSpec} mirrors on {@code holder}, unpacking a {@code @ConvSpecs} container. */
  private static List<AnnotationMirror> mirrors(TypeElement holder) {
    List<AnnotationMirror> mirrors = new ArrayList<>();
    for (AnnotationMirror mirror : holder.getAnnotationMirrors()) {
      String type = mirror.getAnnotationType().toString();
      if (type.equals(CONV_SPEC)) {
        mirrors.add(mirror);
      } else if (type.equals(CONV_SPECS)) {
        for (AnnotationValue value : mirror.getElementValues().values()) {
          @SuppressWarnings("unchecked")
          List<? extends AnnotationValue> repeated =
              (List<? extends AnnotationValue>) value.getValue();
          for (AnnotationValue each : repeated) {
            mirrors.add((AnnotationMirror) each.getValue());
          }
        }
      }
    }
    return mirrors;
  }
}
