package dev.convgen.processor;

import com.google.auto.service.AutoService;
import com.palantir.javapoet.JavaFile;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import com.sun.source.util.Trees;
import javax.annotation.processing.AbstractProcessor;
import javax.annotation.processing.ProcessingEnvironment;
import javax.annotation.processing.Processor;
import javax.annotation.processing.RoundEnvironment;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.Element;
import javax.lang.model.element.TypeElement;

/**
 * Generates a specialized convolution kernel class for every {@code @ConvSpec}.
 *
 * <p>Pipeline per round: read the specs of every holder ({@link AnnotatedSpec}), validate them all
 * and report every problem ({@link SpecValidator}), and only when the whole round is valid, plan
 * ({@link KernelPlanner}) and emit ({@link SpecEmitter}) one source file per spec. A round with
 * any error writes nothing.
 */
@AutoService(Processor.class)
public final class ConvSpecProcessor extends AbstractProcessor {

  static final String CONV_SPEC = "dev.convgen.annotations.ConvSpec";
  static final String CONV_SPECS = "dev.convgen.annotations.ConvSpecs";
  static final String SIMD_OPTION = "convgen.simd";

  private Trees trees;

  @Override
  public synchronized void init(ProcessingEnvironment environment) {
    super.init(environment);
    try {
      trees = Trees.instance(environment);
    } catch (IllegalArgumentException | LinkageError notJavac) {
      trees = null; // errors then go through the Messager, on the element and annotation
    }
  }

  @Override
  public Set<String> getSupportedAnnotationTypes() {
    return Set.of(CONV_SPEC, CONV_SPECS);
  }

  @Override
  public Set<String> getSupportedOptions() {
    return Set.of(SIMD_OPTION);
  }

  @Override
  public SourceVersion getSupportedSourceVersion() {
    return SourceVersion.latestSupported();
  }

  @Override
  public boolean process(Set<? extends TypeElement> annotations, RoundEnvironment round) {
    if (annotations.isEmpty()) {
      return false;
    }
    ErrorReporter errors = new ErrorReporter(processingEnv.getMessager(), trees);
    SpecValidator validator = new SpecValidator(processingEnv.getElementUtils(), errors);
    List<KernelSpec> kernels = new ArrayList<>();
    for (Map.Entry<TypeElement, List<AnnotatedSpec>> holder : readSpecs(annotations, round).entrySet()) {
      try {
        kernels.addAll(validator.validateHolder(holder.getKey(), holder.getValue()));
      } catch (RuntimeException e) {
        errors.error(holder.getKey(), Message.INTERNAL_ERROR,
            holder.getKey().getQualifiedName(), e);
      }
    }
    if (errors.errorCount() > 0) {
      return true;
    }
    List<JavaFile> files = new ArrayList<>();
    SpecEmitter emitter = new SpecEmitter(new KernelPlanner(simdAvailable()));
    for (KernelSpec kernel : kernels) {
      try {
        files.add(emitter.emit(kernel));
      } catch (RuntimeException e) {
        errors.error(kernel.holder(), Message.INTERNAL_ERROR, kernel.className(), e);
      }
    }
    if (errors.errorCount() > 0) {
      return true;
    }
    for (int i = 0; i < files.size(); i++) {
      try {
        files.get(i).writeTo(processingEnv.getFiler());
      } catch (IOException e) {
        errors.error(kernels.get(i).holder(), Message.INTERNAL_ERROR,
            kernels.get(i).className(), e);
      }
    }
    return true;
  }

  /**
   * SIMD kernels are emitted when this compilation can see {@code jdk.incubator.vector} (javac
   * run with {@code --add-modules jdk.incubator.vector}) unless {@code -Aconvgen.simd=false}.
   */
  private boolean simdAvailable() {
    if ("false".equalsIgnoreCase(processingEnv.getOptions().get(SIMD_OPTION))) {
      return false;
    }
    return processingEnv.getElementUtils().getTypeElement("jdk.incubator.vector.FloatVector")
        != null;
  }

  /** Every holder with its specs in source order, whether written once or repeated. */
  private Map<TypeElement, List<AnnotatedSpec>> readSpecs(
      Set<? extends TypeElement> annotations, RoundEnvironment round) {
    Map<TypeElement, List<AnnotatedSpec>> specs = new LinkedHashMap<>();
    for (Element element : round.getElementsAnnotatedWithAny(annotations.toArray(new TypeElement[0]))) {
      TypeElement holder = (TypeElement) element;
      List<AnnotationMirror> mirrors = new ArrayList<>();
      for (AnnotationMirror mirror : holder.getAnnotationMirrors()) {
        String type = mirror.getAnnotationType().toString();
        if (type.equals(CONV_SPEC)) {
          mirrors.add(mirror);
        } else if (type.equals(CONV_SPECS)) {
          for (AnnotationValue value : mirror.getElementValues().values()) {
            @SuppressWarnings("unchecked")
            List<? extends AnnotationValue> repeated = (List<? extends AnnotationValue>) value.getValue();
            for (AnnotationValue each : repeated) {
              mirrors.add((AnnotationMirror) each.getValue());
            }
          }
        }
      }
      List<SourcePosition> positions = SourcePosition.of(trees, holder);
      List<AnnotatedSpec> onHolder = new ArrayList<>();
      for (int i = 0; i < mirrors.size(); i++) {
        onHolder.add(new AnnotatedSpec(holder, mirrors.get(i),
            positions.size() == mirrors.size() ? positions.get(i) : null,
            processingEnv.getElementUtils()));
      }
      specs.put(holder, onHolder);
    }
    return specs;
  }
}
