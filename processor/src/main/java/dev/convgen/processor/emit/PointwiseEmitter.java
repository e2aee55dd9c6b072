package dev.convgen.processor.emit;

import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.TypeSpec;
import dev.convgen.processor.plan.PointwisePlan;
import dev.convgen.runtime.ConvGeometry;
import java.util.function.BiFunction;

/**
 * Emits a pointwise (1x1) kernel class: a register-blocked matrix product. Weights are packed in
 * blocks of the plan's output channels; the scalar implementation is written by
 * {@link PointwiseScalarEmitter}, the SIMD one (when planned) by {@link PointwiseSimdEmitter}.
 */
final class PointwiseEmitter {

  TypeSpec emit(String simpleName, PointwisePlan plan, CodeBlock javadoc) {
    ConvGeometry g = plan.stage().geometry();
    CodeBlock pack = CodeBlock.of("$T.packPointwise(weight, $L, $L, $L)",
        RuntimeTypes.WEIGHT_PACKING, g.outChannels(), g.inChannels(), plan.channelBlock());
    TypeSpec.Builder type = KernelClassWriter.kernelClass(simpleName, plan, pack, javadoc)
        .addMethod(PointwiseScalarEmitter.image(plan));
    for (PointwisePlan.VectorTile tile : plan.vectors()) {
      type.addType(PointwiseSimdEmitter.simdClass(plan, tile));
    }
    return type.build();
  }

  /**
   * The channel range of the work units: {@code fromChannel} and {@code toChannel}.
   */
  static CodeBlock channelRange(PointwisePlan plan) {
    return CodeBlock.builder()
        .addStatement("int fromChannel = firstUnit * $L", plan.channelBlock())
        .addStatement("int toChannel = $T.min(lastUnit * $L, $L)", RuntimeTypes.MATH,
            plan.channelBlock(),
            plan.stage().geometry().outChannels())
        .build();
  }

  /**
   * The output channels {@code [fromChannel, toChannel)}: a loop over full blocks (first channel
   * {@code k}), then the narrower last block when the range reaches it.
   *
   * @param block code for one block, given its first channel and its width
   */
  static CodeBlock channelBlocks(PointwisePlan plan, BiFunction<Expr, Integer, CodeBlock> block) {
    int width = plan.channelBlock();
    int out = plan.stage().geometry().outChannels();
    int full = out - plan.lastBlockChannels();
    CodeBlock.Builder code = CodeBlock.builder();
    if (full > 0) {
      code.beginControlFlow("for (int k = fromChannel; k < $L; k += $L)",
              full == out ? CodeBlock.of("toChannel")
                  : CodeBlock.of("$T.min(toChannel, $L)", RuntimeTypes.MATH, full), width)
          .add(block.apply(Expr.var("k"), width))
          .endControlFlow();
    }
    if (full < out) {
      code.add("// output channels $L..$L\n", full, out - 1)
          .beginControlFlow("if (toChannel > $L)", full)
          .add(block.apply(Expr.of(full), out - full))
          .endControlFlow();
    }
    return code.build();
  }
}
