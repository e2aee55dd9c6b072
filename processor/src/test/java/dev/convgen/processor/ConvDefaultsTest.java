package dev.convgen.processor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.Compiler;
import com.google.testing.compile.JavaFileObjects;
import dev.convgen.annotations.Activation;
import dev.convgen.runtime.ConvGeometry;
import dev.convgen.runtime.ConvKernel;
import dev.convgen.runtime.network.SeparableBlock;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code @ConvDefaults} fills what a spec does not write; what a spec writes wins. */
class ConvDefaultsTest {

  @Test
  void holderDefaultsApplyWhereTheSpecIsSilent() throws Exception {
    String source = "package test;\nimport dev.convgen.annotations.*;\n"
        + "@ConvDefaults(depthwiseBias = true, depthwiseActivation = Activation.RELU6,"
        + " activation = Activation.RELU6, autoPad = AutoPad.SAME_UPPER)\n"
        + "@ConvSpec(name = \"Sep\", in = 4, out = 8, kernel = 3)\n"
        + "@ConvSpec(name = \"Pw\", in = 4, out = 8, activation = Activation.NONE, bias = false)\n"
        + "@ConvSpec(name = \"Dw\", in = 4, kind = Kind.DEPTHWISE, kernel = 3, padding = 0)\n"
        + "final class Holder {}\n";
    Compilation compilation = Compiler.javac().withProcessors(new ConvSpecProcessor())
        .withOptions("-Xlint:all", "-Werror")
        .compile(JavaFileObjects.forSourceString("test.Holder", source));
    assertEquals(Compilation.Status.SUCCESS, compilation.status(),
        () -> compilation.diagnostics().toString());
    ClassLoader classes = SpecCompiler.load(compilation);

    SeparableBlock sep = (SeparableBlock) classes.loadClass("test.Holder_Sep").getConstructors()[0]
        .newInstance(new float[36], new float[4], new float[32], new float[8]);
    assertTrue(sep.depthwise().hasBias());
    assertEquals(Activation.RELU6, sep.depthwise().activation());
    assertEquals(Activation.RELU6, sep.pointwise().activation());
    assertEquals(ConvGeometry.depthwise(4, 1, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1),
        sep.depthwise().geometry());

    ConvKernel pw = (ConvKernel) classes.loadClass("test.Holder_Pw").getConstructors()[0]
        .newInstance((Object) new float[32]);
    assertEquals(Activation.NONE, pw.activation(), "the spec's own value wins");
    assertFalse(pw.hasBias());

    ConvKernel dw = (ConvKernel) classes.loadClass("test.Holder_Dw").getConstructors()[0]
        .newInstance(new float[36], new float[4]);
    assertEquals(Activation.RELU6, dw.activation());
    assertEquals(0, dw.geometry().padTop(), "explicit padding: the autoPad default stays out");
    assertEquals(List.of(), compilation.warnings());
  }
}
