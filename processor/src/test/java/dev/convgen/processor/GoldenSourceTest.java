package dev.convgen.processor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import com.google.testing.compile.Compilation;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The exact source generated for a few representative specs, checked in under
 * {@code src/test/resources/golden}, so every change to emitted code shows in review (as AutoValue
 * and Dagger do). After an intended change, regenerate the files with
 * {@code mvn -pl processor test -Dtest=GoldenSourceTest -Dconvgen.golden.update=true} and review
 * the diff.
 */
class GoldenSourceTest {

  private static final Path GOLDEN = Path.of("src/test/resources/golden");
  private static final boolean UPDATE = Boolean.getBoolean("convgen.golden.update");

  /** A pointwise, a depthwise stride 2 with fixed size, a separable block, a dense kernel. */
  private static final List<String> SPECS = List.of(
      "@ConvSpec(name = \"Pointwise\", in = 32, out = 64, activation = Activation.RELU6)",
      "@ConvSpec(name = \"DepthwiseStride2\", in = 16, kind = Kind.DEPTHWISE, kernel = 3,"
          + " stride = 2, height = 14, width = 14)",
      "@ConvSpec(name = \"Separable\", in = 8, out = 16, kernel = 3, depthwiseBias = true,"
          + " depthwiseActivation = Activation.RELU6, activation = Activation.RELU6)",
      "@ConvSpec(name = \"Dense\", in = 3, out = 8, kind = Kind.DENSE, kernel = 3, stride = 2,"
          + " activation = Activation.RELU)");

  private static Compilation compilation;

  @BeforeAll
  static void generate() {
    compilation = SpecCompiler.compile(SPECS, true);
    assertEquals(Compilation.Status.SUCCESS, compilation.status(),
        () -> compilation.diagnostics().toString());
  }

  @ParameterizedTest
  @ValueSource(strings = {"Pointwise", "DepthwiseStride2", "Separable", "Dense"})
  void generatedSourceMatchesTheCheckedInOne(String name) throws IOException {
    String className = "Holder_" + name;
    JavaFileObject file = compilation.generatedSourceFile("test." + className)
        .orElseThrow(() -> new AssertionError("no source generated for " + className));
    String actual = file.getCharContent(true).toString();
    Path expectedFile = GOLDEN.resolve(className + ".java");
    if (UPDATE) {
      Files.createDirectories(GOLDEN);
      Files.writeString(expectedFile, actual, StandardCharsets.UTF_8);
      return;
    }
    if (!Files.exists(expectedFile)) {
      fail(expectedFile + " is missing; create it with -Dconvgen.golden.update=true");
    }
    String expected = Files.readString(expectedFile, StandardCharsets.UTF_8);
    if (!expected.equals(actual)) {
      String[] e = expected.split("\n", -1);
      String[] a = actual.split("\n", -1);
      int line = 0;
      while (line < Math.min(e.length, a.length) && e[line].equals(a[line])) {
        line++;
      }
      fail("generated source of " + className + " differs from " + expectedFile + " at line "
          + (line + 1) + ":\n  expected: " + (line < e.length ? e[line] : "<end of file>")
          + "\n  actual:   " + (line < a.length ? a[line] : "<end of file>")
          + "\nIf the change is intended, rerun with -Dconvgen.golden.update=true and review"
          + " the diff.");
    }
  }
}
