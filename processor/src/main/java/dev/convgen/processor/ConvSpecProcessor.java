package dev.convgen.processor;

import com.google.auto.service.AutoService;
import com.palantir.javapoet.JavaFile;
import com.sun.source.util.TreePath;
import com.sun.source.util.Trees;
import dev.convgen.processor.emit.SpecEmitter;
import dev.convgen.processor.model.KernelSpec;
import dev.convgen.processor.model.SpecLowering;
import dev.convgen.processor.plan.KernelPlanner;
import dev.convgen.processor.read.AnnotatedSpec;
import dev.convgen.processor.read.GeneratedOutput;
import dev.convgen.processor.read.LocalSpecFinder;
import dev.convgen.processor.read.SpecReader;
import dev.convgen.processor.validate.ClassNameValidator;
import dev.convgen.processor.validate.ErrorReporter;
import dev.convgen.processor.validate.Message;
import dev.convgen.processor.validate.NameValidator;
import dev.convgen.processor.validate.ShapeValidator;
import dev.convgen.processor.validate.SpecValidator;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.annotation.processing.AbstractProcessor;
import javax.annotation.processing.ProcessingEnvironment;
import javax.annotation.processing.Processor;
import javax.annotation.processing.RoundEnvironment;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.TypeElement;
import javax.lang.model.util.Elements;
import javax.tools.Diagnostic;

/**
 * Generates a specialized convolution kernel class for every {@code @ConvSpec}. It only
 * orchestrates the stages, each in a package of its own:
 * <ol>
 *   <li>{@code read}: every spec of the round with the source position of its values;
 *   <li>{@code validate}: the values as written, then the lowered shapes and the names; every
 *       problem of every spec is reported at the offending value;
 *   <li>{@code model}: the lowered spec (kind, padding, stages, names);
 *   <li>{@code plan}: every schedule decision, per stage;
 *   <li>{@code emit}: one source file per spec, translated from its plan.
 * </ol>
 * A round with any error writes nothing.
 */
@AutoService(Processor.class)
public final class ConvSpecProcessor extends AbstractProcessor {

  /** {@code -Aconvgen.simd=false} leaves the SIMD implementations out. */
  static final String SIMD_OPTION = "convgen.simd";

  private Trees trees;
  /** Generated class names of this compilation, across rounds. */
  private ClassNameValidator classNames;
  /** Option values already warned about, so each is said once per compilation. */
  private final Set<String> warnedOption = new HashSet<>();

  @Override
  public synchronized void init(ProcessingEnvironment environment) {
    super.init(environment);
    try {
      trees = Trees.instance(environment);
    } catch (IllegalArgumentException | LinkageError notJavac) {
      trees = null; // errors then go through the Messager, on the element and annotation
    }
  }

  /**
   * The annotation on our own output. Without a processor claiming it, javac's
   * {@code -Xlint:processing} (part of {@code -Xlint:all}) warns "No processor claimed any of
   * these annotations" in the round that compiles the generated files, and {@code -Werror} fails
   * the user's build.
   */
  private static final String GENERATED = GeneratedOutput.GENERATED;

  @Override
  public Set<String> getSupportedAnnotationTypes() {
    return Set.of(SpecReader.CONV_SPEC, SpecReader.CONV_SPECS, SpecReader.CONV_DEFAULTS,
        GENERATED);
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
    for (TreePath local : LocalSpecFinder.find(trees, round.getRootElements())) {
      trees.printMessage(Diagnostic.Kind.WARNING, "@ConvSpec on a local or anonymous class is"
          + " not processed (annotation processors do not see such classes): move it to a"
          + " top-level or member class", local.getLeaf(), local.getCompilationUnit());
    }
    if (annotations.isEmpty()) {
      return false;
    }
    boolean onlyGenerated = annotations.stream()
        .allMatch(a -> a.getQualifiedName().contentEquals(GENERATED));
    if (onlyGenerated) {
      // Claim @Generated only when every class carrying it is ours: another processor's output
      // stays visible to processors after this one.
      return round.getElementsAnnotatedWith(annotations.iterator().next()).stream()
          .allMatch(e -> GeneratedOutput.isFrom(e, ConvSpecProcessor.class.getName()));
    }
    Elements elements = processingEnv.getElementUtils();
    ErrorReporter errors = new ErrorReporter(processingEnv.getMessager(), trees);
    // One validator for the whole compilation, reporting through this round's reporter.
    classNames = new ClassNameValidator(errors, classNames);
    List<KernelSpec> kernels = new ArrayList<>();
    for (Map.Entry<TypeElement, List<AnnotatedSpec>> holder
        : new SpecReader(elements, trees).read(annotations, round).entrySet()) {
      try {
        kernels.addAll(validateAndLower(holder.getValue(), elements, errors));
      } catch (RuntimeException e) {
        errors.error(holder.getKey(), Message.INTERNAL_ERROR,
            holder.getKey().getQualifiedName(), e);
      }
    }
    if (errors.errorCount() > 0) {
      return true;
    }
    boolean simd = simdAvailable();
    if (!simd && !kernels.isEmpty() && !"false".equalsIgnoreCase(simdOption())) {
      processingEnv.getMessager().printMessage(Diagnostic.Kind.NOTE, "convgen: javac does not see"
          + " jdk.incubator.vector, so the generated kernels are scalar only; for SIMD kernels"
          + " compile with --add-modules jdk.incubator.vector (and run with it), or pass"
          + " -Aconvgen.simd=false to say scalar is intended");
    }
    KernelPlanner planner = new KernelPlanner(simd);
    SpecEmitter emitter = new SpecEmitter(ConvSpecProcessor.class.getName());
    List<JavaFile> files = new ArrayList<>();
    for (KernelSpec kernel : kernels) {
      try {
        files.add(emitter.emit(planner.plan(kernel)));
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

  /** The valid specs of one holder, lowered; every problem of the others reported. */
  private List<KernelSpec> validateAndLower(List<AnnotatedSpec> specs, Elements elements,
      ErrorReporter errors) {
    SpecValidator values = new SpecValidator(errors);
    ShapeValidator shapes = new ShapeValidator(errors);
    NameValidator names = new NameValidator(elements, errors, ConvSpecProcessor.class.getName());
    SpecLowering lowering = new SpecLowering(elements);
    List<KernelSpec> valid = new ArrayList<>();
    for (AnnotatedSpec spec : specs) {
      if (!values.check(spec)) {
        continue;
      }
      KernelSpec kernel = lowering.lower(spec);
      if (shapes.check(spec, kernel) && names.check(spec, kernel)
          && classNames.check(spec, kernel)) {
        valid.add(kernel);
      }
    }
    return valid;
  }

  private String simdOption() {
    return processingEnv.getOptions().get(SIMD_OPTION);
  }

  /**
   * SIMD kernels are emitted when this compilation can see {@code jdk.incubator.vector} (javac
   * run with {@code --add-modules jdk.incubator.vector}) unless {@code -Aconvgen.simd=false}.
   */
  private boolean simdAvailable() {
    String option = simdOption();
    if (option != null && !option.equalsIgnoreCase("true") && !option.equalsIgnoreCase("false")
        && warnedOption.add(option)) {
      processingEnv.getMessager().printMessage(Diagnostic.Kind.WARNING, "-A" + SIMD_OPTION
          + " takes true or false, got \"" + option + "\"; treated as true");
    }
    if ("false".equalsIgnoreCase(option)) {
      return false;
    }
    return processingEnv.getElementUtils().getTypeElement("jdk.incubator.vector.FloatVector")
        != null;
  }
}
