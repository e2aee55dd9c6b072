package dev.convgen.processor.emit;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.TypeSpec;
import dev.convgen.processor.model.StageSpec;
import dev.convgen.processor.plan.KernelPlan;
import dev.convgen.processor.plan.SamePaddedPlan;
import dev.convgen.runtime.ConvGeometry;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import javax.lang.model.element.Modifier;

/**
 * Emits a kernel with SAME padding chosen per call: a {@code SamePaddedKernel} subclass holding
 * one nested kernel class per padding variant (each written by its family's emitter, as any
 * kernel with a fixed padding), all built from the same weights.
 */
final class SamePaddedEmitter {

  private static final ClassName SAME_PADDED_KERNEL =
      ClassName.get("dev.convgen.runtime.internal", "SamePaddedKernel");

  private SamePaddedEmitter() {}

  /** @param variantEmitter writes one variant's kernel class, given its simple name and plan */
  static TypeSpec emit(String simpleName, SamePaddedPlan plan, CodeBlock javadoc,
      BiFunction<String, KernelPlan, TypeSpec> variantEmitter) {
    StageSpec stage = plan.stage();
    MethodSpec.Builder constructor = KernelClassWriter.weightConstructor(stage,
        "Builds one kernel per padding variant; the arrays are copied.");
    String arguments = stage.bias() ? "weight, bias" : "weight";
    TypeSpec.Builder type = KernelClassWriter.classHeader(simpleName, SAME_PADDED_KERNEL, plan,
        javadoc, "The shape with SAME's output size for every input size (the padding a call uses"
            + " is its variant's)");
    List<CodeBlock> variants = new ArrayList<>();
    for (KernelPlan variant : plan.variants()) {
      ConvGeometry v = variant.stage().geometry();
      String name = "Pad" + v.padTop() + "_" + v.padLeft() + "_" + v.padBottom() + "_"
          + v.padRight();
      type.addType(variantEmitter.apply(name, variant).toBuilder()
          .addModifiers(Modifier.STATIC).build());
      variants.add(CodeBlock.of("new $L($L)", name, arguments));
    }
    constructor.addStatement("super(GEOMETRY, $L, $L)", stage.runtimePadding().upper(),
        CodeBlock.join(variants, ", "));
    return type.addMethod(constructor.build()).build();
  }
}
