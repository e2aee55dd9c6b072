package dev.convgen.processor.model;

import com.palantir.javapoet.ClassName;
import dev.convgen.annotations.Kind;
import java.util.List;
import java.util.Set;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.TypeElement;

/**
 * A lowered {@code @ConvSpec}: what to generate ({@code kind}, resolved from AUTO), under which
 * name and class name, and its stages in execution order (one stage, or depthwise then
 * pointwise), and the simple names of the types already in the generated class's package, which
 * generated code must name fully qualified (a user's {@code Math} or {@code String} there would
 * otherwise shadow {@code java.lang}'s).
 */
public record KernelSpec(
    TypeElement holder,
    AnnotationMirror annotation,
    String name,
    ClassName className,
    Kind kind,
    List<StageSpec> stages,
    Set<String> namesInPackage) {}
