package dev.convgen.processor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.Compiler;
import com.google.testing.compile.JavaFileObjects;
import java.util.List;
import javax.tools.Diagnostic;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/**
 * What used to be ignored in silence is said: settings with no effect, a spec the processor
 * cannot see, and a build that gets scalar kernels only.
 */
class WarningsTest {

  @Test
  void fullUnrollOnADepthwiseSpecIsAWarningAtTheValue() {
    String spec = "@ConvSpec(in = 8, kind = Kind.DEPTHWISE, kernel = 3, unroll = Unroll.FULL)";
    Compilation compilation = SpecCompiler.compile(List.of(spec));
    assertEquals(Compilation.Status.SUCCESS, compilation.status());
    Diagnostic<? extends JavaFileObject> warning = onlyWarning(compilation);
    assertTrue(warning.getMessage(null).contains("unroll = FULL applies to pointwise stages"),
        warning.getMessage(null));
    assertTrue(SpecCompiler.holderSource(List.of(spec))
        .startsWith(".FULL", (int) warning.getPosition())); // javac places a field access at its dot
  }

  @Test
  void anUnknownSimdOptionValueIsAWarning() {
    Compilation compilation = Compiler.javac().withProcessors(new ConvSpecProcessor())
        .withOptions("-Aconvgen.simd=maybe")
        .compile(JavaFileObjects.forSourceString("test.Holder",
            SpecCompiler.holderSource(List.of("@ConvSpec(in = 8, out = 8)"))));
    assertEquals(Compilation.Status.SUCCESS, compilation.status());
    assertTrue(onlyWarning(compilation).getMessage(null).contains(
        "-Aconvgen.simd takes true or false, got \"maybe\"; treated as true"));
  }

  @Test
  void aSpecOnALocalClassIsAWarning() {
    Compilation compilation = Compiler.javac().withProcessors(new ConvSpecProcessor())
        .compile(JavaFileObjects.forSourceString("test.Holder", "package test;\n"
            + "import dev.convgen.annotations.*;\n"
            + "@ConvSpec(in = 8, out = 8)\n"
            + "class Holder {\n"
            + "  void f() { @ConvSpec(in = 4, out = 4) class Local {} }\n"
            + "}"));
    assertEquals(Compilation.Status.SUCCESS, compilation.status());
    Diagnostic<? extends JavaFileObject> warning = onlyWarning(compilation);
    assertTrue(warning.getMessage(null).contains("@ConvSpec on a local or anonymous class is not"
        + " processed"), warning.getMessage(null));
    assertEquals(5, warning.getLineNumber());
  }

  @Test
  void aBuildWithoutTheVectorModuleIsToldItGetsScalarKernels() {
    Compilation scalar = SpecCompiler.compile(List.of("@ConvSpec(in = 8, out = 8)"), false);
    assertTrue(scalar.notes().stream().anyMatch(n -> n.getMessage(null).contains(
        "the generated kernels are scalar only")), scalar.notes()::toString);
    Compilation simd = SpecCompiler.compile(List.of("@ConvSpec(in = 8, out = 8)"), true);
    assertTrue(simd.notes().stream().noneMatch(n -> n.getMessage(null).contains("scalar only")));
    Compilation intended = Compiler.javac().withProcessors(new ConvSpecProcessor())
        .withOptions("-Aconvgen.simd=false")
        .compile(JavaFileObjects.forSourceString("test.Holder",
            SpecCompiler.holderSource(List.of("@ConvSpec(in = 8, out = 8)"))));
    assertTrue(intended.notes().stream().noneMatch(n -> n.getMessage(null).contains("scalar")));
  }

  /** "3x3" was refused although Holder_3x3 is a legal class name. */
  @Test
  void namesThatOnlyEndAClassNameAreAccepted() {
    Compilation compilation = SpecCompiler.compile(List.of(
        "@ConvSpec(name = \"3x3\", in = 8, out = 8)", "@ConvSpec(name = \"class\", in = 8, out = 8)"));
    assertEquals(Compilation.Status.SUCCESS, compilation.status(),
        () -> compilation.diagnostics().toString());
    assertTrue(compilation.generatedSourceFile("test.Holder_3x3").isPresent());
    assertTrue(compilation.generatedSourceFile("test.Holder_class").isPresent());
  }

  private static Diagnostic<? extends JavaFileObject> onlyWarning(Compilation compilation) {
    List<Diagnostic<? extends JavaFileObject>> warnings = new java.util.ArrayList<>();
    for (Diagnostic<? extends JavaFileObject> warning : compilation.warnings()) {
      if (!warning.getMessage(null).contains("incubat")) {
        warnings.add(warning);
      }
    }
    assertEquals(1, warnings.size(), warnings::toString);
    return warnings.get(0);
  }
}
