package dev.convgen.processor.model;

import dev.convgen.annotations.Activation;
import dev.convgen.annotations.AutoPad;
import dev.convgen.annotations.Kind;
import dev.convgen.annotations.Unroll;
import dev.convgen.processor.read.AnnotatedSpec;
import dev.convgen.runtime.ConvGeometry;
import dev.convgen.runtime.internal.SamePadding;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import javax.lang.model.util.Elements;

/**
 * Turns a spec whose values passed validation into the model: the kind resolved from AUTO, the
 * padding resolved ({@link Padding}), the multiplier derived from {@code out}, the stages split
 * (a separable spec becomes depthwise then pointwise, the second with the first's output size),
 * and the spec and class names derived ({@link SpecNames}). Checks nothing: it trusts the
 * validator.
 */
public final class SpecLowering {

  private final Elements elements;

  public SpecLowering(Elements elements) {
    this.elements = elements;
  }

  /** AUTO becomes POINTWISE for a 1x1 kernel and SEPARABLE otherwise. */
  public static Kind resolveKind(Kind kind, int[] kernel) {
    if (kind != Kind.AUTO) {
      return kind;
    }
    return kernel[0] == 1 && kernel[1] == 1 ? Kind.POINTWISE : Kind.SEPARABLE;
  }

  /** {@code {a}} becomes {@code {a, a}}; two values stay as they are. */
  public static int[] perAxis(int[] values) {
    return values.length == 1 ? new int[] {values[0], values[0]} : values.clone();
  }

  /**
   * For SAME padding at a stride above 1 without a fixed size, the distinct paddings that input
   * sizes {@code stride .. 2 * stride - 1} per axis need (every size falls in one of their
   * classes modulo the stride); null when one padding serves every size.
   */
  private static StageSpec.RuntimePadding runtimePadding(AnnotatedSpec spec, ConvGeometry g,
      int height) {
    AutoPad autoPad = spec.enumValue("autoPad", AutoPad.class);
    if (height > 0 || (autoPad != AutoPad.SAME_UPPER && autoPad != AutoPad.SAME_LOWER)) {
      return null;
    }
    boolean upper = autoPad == AutoPad.SAME_UPPER;
    Map<List<Integer>, ConvGeometry> variants = new LinkedHashMap<>();
    for (int h = g.strideH(); h < 2 * g.strideH(); h++) {
      for (int w = g.strideW(); w < 2 * g.strideW(); w++) {
        int[] vertical = SamePadding.pads(h, g.strideH(), g.extentH(), upper);
        int[] horizontal = SamePadding.pads(w, g.strideW(), g.extentW(), upper);
        variants.computeIfAbsent(List.of(vertical[0], horizontal[0], vertical[1], horizontal[1]),
            pads -> new ConvGeometry(g.inChannels(), g.outChannels(), g.groups(), g.kernelH(),
                g.kernelW(), g.strideH(), g.strideW(), pads.get(0), pads.get(1), pads.get(2),
                pads.get(3), g.dilationH(), g.dilationW()));
      }
    }
    return variants.size() == 1 ? null
        : new StageSpec.RuntimePadding(upper, List.copyOf(variants.values()));
  }

  /** The lowered spec. */
  public KernelSpec lower(AnnotatedSpec spec) {
    int[] kernel = perAxis(spec.intArray("kernel"));
    int[] stride = perAxis(spec.intArray("stride"));
    int[] dilation = perAxis(spec.intArray("dilation"));
    Kind kind = resolveKind(spec.enumValue("kind", Kind.class), kernel);
    int in = spec.intValue("in");
    int out = spec.intValue("out");
    int multiplier = spec.isExplicit("out") && kind == Kind.DEPTHWISE
        ? out / in : spec.intValue("multiplier");
    int groups = spec.intValue("groups");
    int height = spec.intValue("height");
    int width = spec.intValue("width");
    int[] pads = Padding.resolve(spec.enumValue("autoPad", AutoPad.class),
        spec.intArray("padding"), kernel, stride, dilation, height, width);
    boolean full = spec.enumValue("unroll", Unroll.class) == Unroll.FULL;
    boolean bias = spec.booleanValue("bias");
    Activation activation = spec.enumValue("activation", Activation.class);

    List<StageSpec> stages = new ArrayList<>();
    switch (kind) {
      case POINTWISE:
        stages.add(new StageSpec(ConvGeometry.pointwise(in, out, stride[0], stride[1]),
            bias, activation, height, width, full));
        break;
      case DENSE:
        ConvGeometry dense = new ConvGeometry(in, out, groups, kernel[0], kernel[1],
            stride[0], stride[1], pads[0], pads[1], pads[2], pads[3], dilation[0], dilation[1]);
        stages.add(new StageSpec(dense, bias, activation, height, width, full,
            runtimePadding(spec, dense, height)));
        break;
      default:
        ConvGeometry depthwise = ConvGeometry.depthwise(in, multiplier, kernel[0], kernel[1],
            stride[0], stride[1], pads[0], pads[1], pads[2], pads[3], dilation[0], dilation[1]);
        if (kind == Kind.DEPTHWISE) {
          stages.add(new StageSpec(depthwise, bias, activation, height, width, full,
              runtimePadding(spec, depthwise, height)));
          break;
        }
        stages.add(new StageSpec(depthwise, spec.booleanValue("depthwiseBias"),
            spec.enumValue("depthwiseActivation", Activation.class), height, width, full,
            runtimePadding(spec, depthwise, height)));
        boolean fixed = height > 0;
        stages.add(new StageSpec(ConvGeometry.pointwise(depthwise.outChannels(), out, 1, 1),
            bias, activation, fixed ? depthwise.outputHeight(height) : 0,
            fixed ? depthwise.outputWidth(width) : 0, full));
        break;
    }
    String name = spec.stringValue("name");
    if (name.isEmpty()) {
      name = SpecNames.derived(kind, in, out, kind == Kind.DENSE ? groups : multiplier, kernel,
          stride);
    }
    Set<String> namesInPackage = elements.getPackageOf(spec.holder()).getEnclosedElements()
        .stream().map(e -> e.getSimpleName().toString()).collect(Collectors.toUnmodifiableSet());
    return new KernelSpec(spec.holder(), spec.mirror(), name,
        SpecNames.generatedClass(elements, spec.holder(), name), kind, List.copyOf(stages),
        namesInPackage);
  }
}
