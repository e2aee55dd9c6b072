package dev.convgen.processor;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.Compiler;
import com.google.testing.compile.JavaFileObjects;
import java.util.ArrayList;
import java.util.List;
import javax.tools.JavaFileObject;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** User builds that must compile: odd neighbours in the package, strict compiler flags. */
class UserBuildTest {

  /** One spec of every kind, so every emitter's code is compiled. */
  private static final List<String> SPECS = List.of(
      "@ConvSpec(name = \"Pw\", in = 8, out = 16, activation = Activation.RELU6)",
      "@ConvSpec(name = \"PwFull\", in = 8, out = 12, unroll = Unroll.FULL)",
      "@ConvSpec(name = \"PwS2\", in = 8, out = 16, stride = 2, activation = Activation.RELU)",
      "@ConvSpec(name = \"Dw\", in = 8, kind = Kind.DEPTHWISE, kernel = 3,"
          + " activation = Activation.RELU)",
      "@ConvSpec(name = \"DwFixed\", in = 8, kind = Kind.DEPTHWISE, kernel = 5, stride = 2,"
          + " height = 9, width = 9)",
      "@ConvSpec(name = \"Sep\", in = 8, out = 16, kernel = 3, depthwiseBias = true,"
          + " depthwiseActivation = Activation.RELU6)",
      "@ConvSpec(name = \"Dense\", in = 4, out = 8, kind = Kind.DENSE, kernel = 3, groups = 2,"
          + " activation = Activation.RELU6)");

  /**
   * A package with its own {@code Math}, {@code String}, {@code Override} and {@code Float} (and a
   * class named like a runtime type): the generated code gave 76 "cannot find symbol" errors.
   */
  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void generatedCodeCompilesBesideClassesNamedLikeJavaLangTypes(boolean simd) {
    List<JavaFileObject> sources = new ArrayList<>();
    for (String name : List.of("Math", "String", "Override", "Float", "Integer", "Arrays",
        "ConvGeometry", "Simd")) {
      sources.add(JavaFileObjects.forSourceString("test." + name,
          "package test; public class " + name + " {}"));
    }
    sources.add(JavaFileObjects.forSourceString("test.Holder", SpecCompiler.holderSource(SPECS)));
    Compiler javac = Compiler.javac().withProcessors(new ConvSpecProcessor());
    if (simd) {
      javac = javac.withOptions("--add-modules", "jdk.incubator.vector");
    }
    Compilation compilation = javac.compile(sources);
    assertEquals(Compilation.Status.SUCCESS, compilation.status(),
        () -> compilation.diagnostics().toString());
  }

  /**
   * {@code -Xlint:all -Werror} failed every user build: "No processor claimed any of these
   * annotations: javax.annotation.processing.Generated". (With {@code --add-modules
   * jdk.incubator.vector}, javac's own "using incubating module(s)" warning remains; on JDK 17 no
   * flag silences it.)
   */
  @ParameterizedTest
  @ValueSource(strings = {"-Xlint:all", "-Xlint:all,-processing"})
  void generatedCodeCompilesWithoutWarnings(String lint) {
    Compilation compilation = Compiler.javac().withProcessors(new ConvSpecProcessor())
        .withOptions(lint, "-Werror")
        .compile(JavaFileObjects.forSourceString("test.Holder", SpecCompiler.holderSource(SPECS)));
    assertEquals(Compilation.Status.SUCCESS, compilation.status(),
        () -> compilation.diagnostics().toString());
    assertEquals(List.of(), compilation.warnings());
  }
}
