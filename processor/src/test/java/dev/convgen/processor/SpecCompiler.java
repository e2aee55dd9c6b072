package dev.convgen.processor;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.Compiler;
import com.google.testing.compile.JavaFileObjects;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.tools.JavaFileObject;

/** Runs javac in-process with the processor and loads what it generated. */
final class SpecCompiler {

  private SpecCompiler() {}

  /** Compiles {@code test.Holder} whose class declaration carries {@code annotations}. */
  static Compilation compile(List<String> annotations) {
    return compile(annotations, false);
  }

  /**
   * As {@link #compile(List)}; with {@code simd}, javac sees {@code jdk.incubator.vector} (as a
   * user's build with {@code --add-modules jdk.incubator.vector}), so SIMD kernels are emitted.
   */
  static Compilation compile(List<String> annotations, boolean simd) {
    Compiler javac = Compiler.javac().withProcessors(new ConvSpecProcessor());
    if (simd) {
      javac = javac.withOptions("--add-modules", "jdk.incubator.vector");
    }
    return javac.compile(JavaFileObjects.forSourceString("test.Holder", holderSource(annotations)));
  }

  /** Line 1 package, line 2 import, then one annotation per line, then the class. */
  static String holderSource(List<String> annotations) {
    StringBuilder source = new StringBuilder(
        "package test;\nimport dev.convgen.annotations.*;\n");
    annotations.forEach(a -> source.append(a).append('\n'));
    return source.append("final class Holder {}\n").toString();
  }

  /** The class files of a successful compilation, by binary name. */
  static Map<String, byte[]> classFiles(Compilation compilation) {
    assertEquals(Compilation.Status.SUCCESS, compilation.status(),
        () -> compilation.diagnostics().toString());
    Map<String, byte[]> classes = new HashMap<>();
    for (JavaFileObject file : compilation.generatedFiles()) {
      if (file.getKind() != JavaFileObject.Kind.CLASS) {
        continue;
      }
      String path = file.toUri().getPath();
      String name = path.substring(path.indexOf("test/"), path.length() - ".class".length())
          .replace('/', '.');
      try (InputStream in = file.openInputStream()) {
        classes.put(name, in.readAllBytes());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return classes;
  }

  /** A class loader over the compiled classes, delegating the runtime to the test's loader. */
  static ClassLoader load(Compilation compilation) {
    Map<String, byte[]> classes = classFiles(compilation);
    return new ClassLoader(SpecCompiler.class.getClassLoader()) {
      @Override
      protected Class<?> findClass(String name) throws ClassNotFoundException {
        byte[] bytes = classes.get(name);
        if (bytes == null) {
          throw new ClassNotFoundException(name);
        }
        return defineClass(name, bytes, 0, bytes.length);
      }
    };
  }
}
