package dev.convgen.processor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.Compiler;
import com.google.testing.compile.JavaFileObjects;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each way a spec can be wrong gives exactly one javac error, on the annotation's line and at the
 * offending value, saying what to change; and nothing is generated.
 */
class InvalidSpecTest {

  static Stream<Arguments> invalidSpecs() {
    return Stream.of(
        // annotation, expected message, the source text the error must point at
        Arguments.of("@ConvSpec(in = 0, out = 8)", "in must be positive, got 0", "0"),
        Arguments.of("@ConvSpec(in = 8, out = -2)", "out must be positive, got -2", "-2"),
        Arguments.of("@ConvSpec(in = 8)", "out is required for a POINTWISE spec", "@ConvSpec"),
        Arguments.of("@ConvSpec(in = 8, out = 8, kernel = 0)", "kernel must be positive, got 0",
            "0"),
        Arguments.of("@ConvSpec(in = 8, out = 8, kernel = {3, 3, 3})",
            "kernel takes 1 value {k} or 2 values {kh, kw}, got 3 values", "{3, 3, 3}"),
        Arguments.of("@ConvSpec(in = 8, out = 8, kernel = 3, stride = 0)",
            "stride must be positive, got 0", "0"),
        Arguments.of("@ConvSpec(in = 8, out = 8, kernel = 3, dilation = {1, -1})",
            "dilation must be positive, got -1", "{1, -1}"),
        Arguments.of("@ConvSpec(in = 8, out = 12, kind = Kind.DEPTHWISE, kernel = 3)",
            "depthwise out (12) must be a multiple of in (8)", "12"),
        Arguments.of("@ConvSpec(in = 8, out = 16, multiplier = 3, kind = Kind.DEPTHWISE, kernel = 3)",
            "depthwise out (16) must equal in x multiplier (8 x 3 = 24)", "3"),
        Arguments.of("@ConvSpec(in = 8, out = 8, kernel = 3, padding = 3)",
            "padding must be smaller than the dilated kernel extent on each side, got top 3 >= 3, left 3 >= 3, bottom 3 >= 3, right 3 >= 3", "3"),
        Arguments.of("@ConvSpec(in = 8, out = 8, kernel = 3, dilation = 2, padding = {0, 0, 5, 0})",
            "got bottom 5 >= 5 (kernel 3x3, dilation 2x2", "{0, 0, 5, 0}"),
        Arguments.of("@ConvSpec(in = 8, out = 8, padding = 1)",
            "got top 1 >= 1, left 1 >= 1, bottom 1 >= 1, right 1 >= 1 (kernel 1x1", "1"),
        Arguments.of("@ConvSpec(in = 8, out = 8, kernel = 3, padding = {1, 1, 1})",
            "padding takes 1 value {p}, 2 values {ph, pw} or 4 values", "{1, 1, 1}"),
        Arguments.of("@ConvSpec(in = 8, out = 8, kernel = 5, padding = 0, height = 3, width = 8)",
            "output height would be -1 for input height 3", "3"),
        Arguments.of("@ConvSpec(in = 8, out = 8, kernel = 3, height = 8)",
            "height and width are given together or not at all: add width", "8"),
        Arguments.of("@ConvSpec(in = 8, out = 8, kernel = 3, height = 0, width = 4)",
            "height must be positive, got 0", "0"),
        Arguments.of("@ConvSpec(in = 8, out = 8, kernel = 3, padding = 1, autoPad = AutoPad.VALID)",
            "padding and autoPad = VALID cannot both be given", "1"),
        Arguments.of("@ConvSpec(in = 8, out = 8, kind = Kind.POINTWISE, kernel = 3)",
            "a pointwise kernel is 1x1, got kernel 3x3", "3"),
        Arguments.of("@ConvSpec(in = 8, out = 8, dilation = 2)",
            "dilation applies to depthwise kernels only", "2"),
        Arguments.of("@ConvSpec(in = 8, kind = Kind.DEPTHWISE, kernel = 3, depthwiseBias = true)",
            "depthwiseBias applies to the depthwise stage of a SEPARABLE spec only", "true"),
        Arguments.of("@ConvSpec(name = \"3-3\", in = 8, out = 8)",
            "name \"3-3\" cannot be part of a class name", "\"3-3\""),
        Arguments.of("@ConvSpec(in = 8, out = 8, kernel = 65)",
            "kernel 65x65 exceeds the supported maximum of 64 per side", "65"),
        Arguments.of("@ConvSpec(in = 65536, out = 8, kernel = 3, height = 256, width = 256)",
            "one input image of 65536 x 256 x 256 = 4294967296 floats overflows int indexing",
            "256"),
        Arguments.of("@ConvSpec(in = 8, out = 12, kind = Kind.DENSE, kernel = 3, groups = 3)",
            "groups (3) must divide both in (8) and out (12)", "3"),
        Arguments.of("@ConvSpec(in = 8, out = 12, kind = Kind.DENSE, kernel = 3, groups = 0)",
            "groups must be positive, got 0", "0"),
        Arguments.of("@ConvSpec(in = 8, out = 16, kernel = 3, groups = 2)",
            "groups applies to DENSE specs only; this spec is SEPARABLE", "2"),
        Arguments.of("@ConvSpec(in = 8, out = 16, kind = Kind.DENSE, kernel = 3, multiplier = 2)",
            "multiplier applies to DEPTHWISE and SEPARABLE specs only", "2"),
        Arguments.of("@ConvSpec(in = 8, kind = Kind.DENSE, kernel = 3)",
            "out is required for a DENSE spec", "@ConvSpec"),
        // The kernel extent overflowed int: the spec compiled and forward() threw
        // ArrayIndexOutOfBoundsException; nearby values gave messages about padding never written.
        Arguments.of("@ConvSpec(in = 1, kind = Kind.DEPTHWISE, kernel = 5, dilation = 1073741825,"
            + " padding = 0)", "kernel 5x5 with dilation 1073741825x1073741825 spans 4294967301"
            + " input pixels", "1073741825"),
        Arguments.of("@ConvSpec(in = 1, kind = Kind.DEPTHWISE, kernel = 5, dilation = 536870913)",
            "spans 2147483653 input pixels (dilation x (kernel - 1) + 1), more than int indexing"
            + " allows (2147483647): use a smaller dilation", "536870913"),
        Arguments.of("@ConvSpec(in = 46341, out = 46341, kind = Kind.DENSE)",
            "weights of 46341 x 46341 x 1 = 2147488281 floats overflows int indexing", "46341"));
  }

  @ParameterizedTest
  @MethodSource("invalidSpecs")
  void reportsOneClearErrorAtTheOffendingValue(String annotation, String message, String at) {
    String source = SpecCompiler.holderSource(List.of(annotation));
    Compilation compilation = SpecCompiler.compile(List.of(annotation));
    assertEquals(Compilation.Status.FAILURE, compilation.status());
    List<Diagnostic<? extends JavaFileObject>> errors = compilation.errors();
    assertEquals(1, errors.size(), errors::toString);
    Diagnostic<? extends JavaFileObject> error = errors.get(0);
    assertTrue(error.getMessage(null).contains(message), error.getMessage(null));
    assertEquals(3, error.getLineNumber(), "reported on the annotation's line");
    assertTrue(source.startsWith(at, (int) error.getPosition()),
        "points at '" + at + "', not at '" + source.substring((int) error.getPosition()) + "'");
  }

  @Test
  void duplicateNamesOnOneHolderAreReported() {
    Compilation compilation = SpecCompiler.compile(List.of(
        "@ConvSpec(name = \"Block\", in = 8, out = 8)",
        "@ConvSpec(name = \"Block\", in = 8, out = 16)"));
    assertEquals(1, compilation.errors().size());
    Diagnostic<? extends JavaFileObject> error = compilation.errors().get(0);
    assertTrue(error.getMessage(null).contains(
        "another @ConvSpec on Holder is already named \"Block\""), error.getMessage(null));
    assertEquals(4, error.getLineNumber());
  }

  @Test
  void aGeneratedNameThatClashesWithAnExistingTypeIsReported() {
    Compilation compilation = Compiler.javac().withProcessors(new ConvSpecProcessor()).compile(
        JavaFileObjects.forSourceString("test.Holder_Block", "package test; class Holder_Block {}"),
        JavaFileObjects.forSourceString("test.Holder",
            SpecCompiler.holderSource(List.of("@ConvSpec(name = \"Block\", in = 8, out = 8)"))));
    assertEquals(1, compilation.errors().size(), compilation.errors()::toString);
    assertTrue(compilation.errors().get(0).getMessage(null).contains(
        "the generated class test.Holder_Block would clash with an existing type"));
  }

  /** Both used to generate one class: FilerException "This is a bug in convgen", one file written. */
  @Test
  void twoHoldersGeneratingOneClassNameAreBothReported() {
    Compilation holders = Compiler.javac().withProcessors(new ConvSpecProcessor()).compile(
        JavaFileObjects.forSourceString("test.A", "package test;\n"
            + "import dev.convgen.annotations.*;\n@ConvSpec(name = \"B_x\", in = 8, out = 8)\n"
            + "class A {}"),
        JavaFileObjects.forSourceString("test.A_B", "package test;\n"
            + "import dev.convgen.annotations.*;\n@ConvSpec(name = \"x\", in = 8, out = 8)\n"
            + "class A_B {}"));
    assertClash(holders, "test.A_B_x");
    Compilation nested = Compiler.javac().withProcessors(new ConvSpecProcessor()).compile(
        JavaFileObjects.forSourceString("test.Outer", "package test;\n"
            + "import dev.convgen.annotations.*;\nclass Outer {\n"
            + "@ConvSpec(name = \"k\", in = 8, out = 8) static class Inner {} }"),
        JavaFileObjects.forSourceString("test.Outer_Inner", "package test;\n"
            + "import dev.convgen.annotations.*;\n@ConvSpec(name = \"k\", in = 8, out = 8)\n"
            + "class Outer_Inner {}"));
    assertClash(nested, "test.Outer_Inner_k");
  }

  private static void assertClash(Compilation compilation, String className) {
    assertEquals(Compilation.Status.FAILURE, compilation.status());
    assertEquals(2, compilation.errors().size(), compilation.errors()::toString);
    for (Diagnostic<? extends JavaFileObject> error : compilation.errors()) {
      assertTrue(error.getMessage(null).contains("the generated class " + className
          + " is also generated for the spec"), error.getMessage(null));
    }
  }

  @Test
  void theAnnotationIsRefusedOnAMethod() {
    Compilation compilation = Compiler.javac().withProcessors(new ConvSpecProcessor()).compile(
        JavaFileObjects.forSourceString("test.Holder", "package test;\n"
            + "import dev.convgen.annotations.*;\n"
            + "class Holder { @ConvSpec(in = 8, out = 8) void f() {} }"));
    assertEquals(1, compilation.errors().size(), compilation.errors()::toString);
    assertTrue(compilation.errors().get(0).getMessage(null).contains("not applicable"),
        compilation.errors().get(0).getMessage(null));
  }

  @Test
  void everyBadSpecInOneBuildIsReportedAndNothingIsWritten() {
    Compilation compilation = SpecCompiler.compile(List.of(
        "@ConvSpec(in = 0, out = 8)",
        "@ConvSpec(name = \"Fine\", in = 8, out = 8)",
        "@ConvSpec(in = 8, out = 8, kernel = 3, stride = {0, 1}, padding = 7)"));
    assertEquals(3, compilation.errors().size(), compilation.errors()::toString);
    assertEquals(List.of(3L, 5L, 5L),
        compilation.errors().stream().map(Diagnostic::getLineNumber).toList());
  }

  @Test
  void everyProblemOfOneSpecIsReportedEvenAfterAnInvalidKernel() {
    Compilation compilation = SpecCompiler.compile(List.of(
        "@ConvSpec(in = 8, out = 0, kind = Kind.DENSE, kernel = 0, groups = -1, height = 4)"));
    List<String> messages = compilation.errors().stream().map(e -> e.getMessage(null)).toList();
    assertEquals(4, messages.size(), messages::toString);
    for (String expected : List.of("kernel must be positive, got 0", "out must be positive, got 0",
        "groups must be positive, got -1", "height and width are given together")) {
      assertTrue(messages.stream().anyMatch(m -> m.contains(expected)), expected + " in " + messages);
    }
  }

  @Test
  void aFailingBuildWritesNoSourceFile(@TempDir Path output) throws Exception {
    Path sources = Files.createDirectories(output.resolve("src/test"));
    Files.writeString(sources.resolve("Holder.java"), SpecCompiler.holderSource(List.of(
        "@ConvSpec(name = \"Fine\", in = 8, out = 8)",
        "@ConvSpec(in = 8, out = 8, kernel = 3, stride = 0)")));
    Path generated = Files.createDirectories(output.resolve("generated"));
    Path classes = Files.createDirectories(output.resolve("classes"));
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
    try (StandardJavaFileManager files = javac.getStandardFileManager(diagnostics, null, null)) {
      boolean success = javac.getTask(null, files, diagnostics,
          List.of("-proc:only", "-s", generated.toString(), "-d", classes.toString(),
              "-classpath", System.getProperty("java.class.path")),
          null, files.getJavaFileObjects(sources.resolve("Holder.java"))).call();
      assertFalse(success);
    }
    assertEquals(1, diagnostics.getDiagnostics().stream()
        .filter(d -> d.getKind() == Diagnostic.Kind.ERROR).count(), diagnostics.getDiagnostics()::toString);
    try (Stream<Path> written = Files.walk(generated)) {
      assertEquals(List.of(generated), written.toList(), "a valid spec in a failing round is not written either");
    }
  }
}
