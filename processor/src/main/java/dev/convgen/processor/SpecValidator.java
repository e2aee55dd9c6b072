package dev.convgen.processor;

import com.palantir.javapoet.ClassName;
import dev.convgen.annotations.Activation;
import dev.convgen.annotations.AutoPad;
import dev.convgen.annotations.Kind;
import dev.convgen.annotations.Unroll;
import dev.convgen.runtime.ConvGeometry;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.Element;
import javax.lang.model.element.TypeElement;
import javax.lang.model.util.Elements;

/**
 * Checks {@code @ConvSpec}s and turns the valid ones into {@link KernelSpec}s. Every problem is
 * reported (not just the first), on the annotation value that causes it.
 */
final class SpecValidator {

  /** Largest kernel side the emitters unroll; larger kernels are rejected. */
  static final int MAX_KERNEL_SIDE = 64;

  private static final String GENERATED = "javax.annotation.processing.Generated";

  private final Elements elements;
  private final ErrorReporter errors;

  SpecValidator(Elements elements, ErrorReporter errors) {
    this.elements = elements;
    this.errors = errors;
  }

  /** Validates every spec on one holder, including name clashes between them. */
  List<KernelSpec> validateHolder(TypeElement holder, List<AnnotatedSpec> specs) {
    List<KernelSpec> valid = new ArrayList<>();
    Map<String, KernelSpec> byName = new HashMap<>();
    for (AnnotatedSpec spec : specs) {
      Optional<KernelSpec> kernel = validate(spec);
      if (kernel.isEmpty()) {
        continue;
      }
      KernelSpec k = kernel.get();
      if (byName.putIfAbsent(k.name(), k) != null) {
        error(spec, "name", Message.DUPLICATE_NAME, holder.getSimpleName(), k.name());
      } else if (clashesWithExistingType(k.className())) {
        error(spec, "name", Message.CLASS_EXISTS, k.className().canonicalName());
      } else {
        valid.add(k);
      }
    }
    return valid;
  }

  private Optional<KernelSpec> validate(AnnotatedSpec spec) {
    int errorsBefore = errors.errorCount();
    String explicitName = spec.stringValue("name");
    if (!explicitName.isEmpty()
        && (!SourceVersion.isIdentifier(explicitName) || SourceVersion.isKeyword(explicitName))) {
      error(spec, "name", Message.INVALID_NAME, explicitName);
    }
    int in = spec.intValue("in");
    requirePositive(spec, "in", in);
    int[] kernel = perAxis(spec, "kernel", "1 value {k} or 2 values {kh, kw}");
    int[] stride = perAxis(spec, "stride", "1 value {s} or 2 values {sh, sw}");
    int[] dilation = perAxis(spec, "dilation", "1 value {d} or 2 values {dh, dw}");
    if (kernel == null) {
      return Optional.empty();
    }
    // Go on with neutral values so the remaining problems are reported in the same build.
    stride = stride == null ? new int[] {1, 1} : stride;
    dilation = dilation == null ? new int[] {1, 1} : dilation;
    if (Math.max(kernel[0], kernel[1]) > MAX_KERNEL_SIDE) {
      error(spec, "kernel", Message.KERNEL_TOO_LARGE, kernel[0] + "x" + kernel[1],
          MAX_KERNEL_SIDE);
    }
    Kind kind = spec.enumValue("kind", Kind.class);
    if (kind == Kind.AUTO) {
      kind = kernel[0] == 1 && kernel[1] == 1 ? Kind.POINTWISE : Kind.SEPARABLE;
    }
    int out = spec.intValue("out");
    int multiplier = spec.intValue("multiplier");
    int groups = spec.intValue("groups");
    switch (kind) {
      case POINTWISE:
        if (kernel[0] != 1 || kernel[1] != 1) {
          error(spec, "kernel", Message.POINTWISE_KERNEL, kernel[0], kernel[1]);
        }
        for (String depthwiseOnly : List.of("dilation", "multiplier")) {
          if (spec.isExplicit(depthwiseOnly) && !isDefault(spec, depthwiseOnly)) {
            error(spec, depthwiseOnly, Message.POINTWISE_ONLY_ONE, depthwiseOnly);
          }
        }
        requireOut(spec, kind, out);
        break;
      case DEPTHWISE:
        requirePositive(spec, "multiplier", multiplier);
        if (spec.isExplicit("out")) {
          if (requirePositive(spec, "out", out) && in > 0 && out % in != 0) {
            error(spec, "out", Message.DEPTHWISE_OUT_NOT_MULTIPLE, out, in);
          } else if (in > 0 && out > 0 && spec.isExplicit("multiplier")
              && (long) in * multiplier != out) {
            error(spec, "multiplier", Message.DEPTHWISE_OUT_MISMATCH, out, in, multiplier,
                (long) in * multiplier);
          } else if (in > 0 && out > 0) {
            multiplier = out / in;
          }
        }
        break;
      case DENSE:
        requireOut(spec, kind, out);
        if (spec.isExplicit("multiplier")) {
          error(spec, "multiplier", Message.DENSE_MULTIPLIER);
        }
        if (requirePositive(spec, "groups", groups) && in > 0 && out > 0
            && (in % groups != 0 || out % groups != 0)) {
          error(spec, "groups", Message.GROUPS_NOT_DIVISOR, groups, in, out);
        }
        break;
      default:
        requirePositive(spec, "multiplier", multiplier);
        requireOut(spec, kind, out);
        break;
    }
    if (kind != Kind.DENSE && spec.isExplicit("groups")) {
      error(spec, "groups", Message.DENSE_ONLY, "groups", kind);
    }
    if (kind != Kind.SEPARABLE) {
      for (String separableOnly : List.of("depthwiseBias", "depthwiseActivation")) {
        if (spec.isExplicit(separableOnly)) {
          error(spec, separableOnly, Message.SEPARABLE_ONLY, separableOnly, kind);
        }
      }
    }
    int height = spec.intValue("height");
    int width = spec.intValue("width");
    if (spec.isExplicit("height")) {
      requirePositive(spec, "height", height);
    }
    if (spec.isExplicit("width")) {
      requirePositive(spec, "width", width);
    }
    if (spec.isExplicit("height") != spec.isExplicit("width")) {
      boolean missingWidth = spec.isExplicit("height");
      error(spec, missingWidth ? "height" : "width", Message.SIZE_PAIR,
          missingWidth ? "width" : "height", missingWidth ? "width" : "height");
    }
    int[] pads = padding(spec, kernel, stride, dilation, height, width);
    if (errors.errorCount() > errorsBefore) {
      return Optional.empty();
    }

    List<StageSpec> stages = new ArrayList<>();
    boolean full = spec.enumValue("unroll", Unroll.class) == Unroll.FULL;
    boolean bias = spec.booleanValue("bias");
    Activation activation = spec.enumValue("activation", Activation.class);
    if (kind == Kind.POINTWISE) {
      stages.add(new StageSpec(ConvGeometry.pointwise(in, out, stride[0], stride[1]),
          bias, activation, height, width, full));
    } else if (kind == Kind.DENSE) {
      stages.add(new StageSpec(new ConvGeometry(in, out, groups, kernel[0], kernel[1],
          stride[0], stride[1], pads[0], pads[1], pads[2], pads[3], dilation[0], dilation[1]),
          bias, activation, height, width, full));
    } else {
      if ((long) in * multiplier > Integer.MAX_VALUE) {
        error(spec, "multiplier", Message.TOO_LARGE, "depthwise output channels", in, multiplier,
            1, (long) in * multiplier, Integer.MAX_VALUE, "multiplier");
        return Optional.empty();
      }
      ConvGeometry depthwise = ConvGeometry.depthwise(in, multiplier, kernel[0], kernel[1],
          stride[0], stride[1], pads[0], pads[1], pads[2], pads[3], dilation[0], dilation[1]);
      if (kind == Kind.DEPTHWISE) {
        stages.add(new StageSpec(depthwise, bias, activation, height, width, full));
      } else {
        stages.add(new StageSpec(depthwise, spec.booleanValue("depthwiseBias"),
            spec.enumValue("depthwiseActivation", Activation.class), height, width, full));
        boolean fixed = height > 0;
        stages.add(new StageSpec(ConvGeometry.pointwise(depthwise.outChannels(), out, 1, 1),
            bias, activation, fixed ? depthwise.outputHeight(height) : 0,
            fixed ? depthwise.outputWidth(width) : 0, full));
      }
    }
    for (StageSpec stage : stages) {
      if (!checkSizes(spec, stage)) {
        break; // later stages repeat the same problem
      }
    }
    if (errors.errorCount() > errorsBefore) {
      return Optional.empty();
    }
    String name = explicitName.isEmpty()
        ? derivedName(kind, in, out, kind == Kind.DENSE ? groups : multiplier, kernel, stride)
        : explicitName;
    return Optional.of(new KernelSpec(spec.holder(), spec.mirror(), name,
        generatedClassName(elements, spec.holder(), name), kind, List.copyOf(stages)));
  }

  /** Resolves padding to {top, left, bottom, right}; null after reporting a problem. */
  private int[] padding(AnnotatedSpec spec, int[] kernel, int[] stride, int[] dilation,
      int height, int width) {
    int[] extent = {dilation[0] * (kernel[0] - 1) + 1, dilation[1] * (kernel[1] - 1) + 1};
    AutoPad autoPad = spec.enumValue("autoPad", AutoPad.class);
    int[] given = spec.intArray("padding");
    if (autoPad != AutoPad.NOTSET && spec.isExplicit("padding")) {
      error(spec, "padding", Message.PADDING_AND_AUTOPAD, autoPad);
      return null;
    }
    int[] pads;
    switch (autoPad) {
      case VALID:
        return new int[4];
      case SAME_UPPER:
      case SAME_LOWER:
        pads = new int[4];
        int[] size = {height, width};
        for (int axis = 0; axis < 2; axis++) {
          if (size[axis] <= 0) {
            if (stride[axis] > 1) {
              error(spec, "autoPad", Message.SAME_NEEDS_SIZE, autoPad, stride[axis]);
              return null;
            }
            size[axis] = 1; // stride 1: the total padding does not depend on the size
          }
          int outSize = (size[axis] + stride[axis] - 1) / stride[axis];
          int total = Math.max(0, (outSize - 1) * stride[axis] + extent[axis] - size[axis]);
          int small = total / 2;
          int large = total - small;
          pads[axis] = autoPad == AutoPad.SAME_UPPER ? small : large;
          pads[axis + 2] = autoPad == AutoPad.SAME_UPPER ? large : small;
        }
        return pads;
      default:
        break;
    }
    switch (given.length) {
      case 0:
        int vertical = dilation[0] * (kernel[0] - 1) / 2;
        int horizontal = dilation[1] * (kernel[1] - 1) / 2;
        pads = new int[] {vertical, horizontal, vertical, horizontal};
        break;
      case 1:
        pads = new int[] {given[0], given[0], given[0], given[0]};
        break;
      case 2:
        pads = new int[] {given[0], given[1], given[0], given[1]};
        break;
      case 4:
        pads = given.clone();
        break;
      default:
        error(spec, "padding", Message.ARITY, "padding",
            "1 value {p}, 2 values {ph, pw} or 4 values {top, left, bottom, right}",
            given.length);
        return null;
    }
    String[] sides = {"top", "left", "bottom", "right"};
    List<String> negative = new ArrayList<>();
    List<String> tooLarge = new ArrayList<>();
    for (int side = 0; side < 4; side++) {
      if (pads[side] < 0) {
        negative.add(sides[side] + " " + pads[side]);
      } else if (pads[side] >= extent[side % 2]) {
        tooLarge.add(sides[side] + " " + pads[side] + " >= " + extent[side % 2]);
      }
    }
    if (!negative.isEmpty()) {
      error(spec, "padding", Message.NEGATIVE_PADDING, String.join(", ", negative));
    }
    if (!tooLarge.isEmpty()) {
      error(spec, "padding", Message.PADDING_TOO_LARGE, String.join(", ", tooLarge),
          kernel[0] + "x" + kernel[1], dilation[0] + "x" + dilation[1]);
    }
    return pads;
  }

  /** Output sizes and index ranges of a stage whose input size is fixed; false on a problem. */
  private boolean checkSizes(AnnotatedSpec spec, StageSpec stage) {
    int errorsBefore = errors.errorCount();
    ConvGeometry g = stage.geometry();
    long weights = g.weightCount();
    if (weights > Integer.MAX_VALUE) {
      error(spec, "out", Message.TOO_LARGE, "weights", g.outChannels(), g.inChannelsPerGroup(),
          g.kernelH() * g.kernelW(), weights, Integer.MAX_VALUE, "channel count");
    }
    if (!stage.fixedSize()) {
      return errors.errorCount() == errorsBefore;
    }
    int outH = stage.outputHeight();
    int outW = stage.outputWidth();
    if (outH <= 0) {
      error(spec, "height", Message.OUTPUT_EMPTY, "height", outH, "height", stage.height(),
          g.extentH(), g.padTop(), g.padBottom(), g.strideH());
    }
    if (outW <= 0) {
      error(spec, "width", Message.OUTPUT_EMPTY, "width", outW, "width", stage.width(),
          g.extentW(), g.padLeft(), g.padRight(), g.strideW());
    }
    long input = (long) g.inChannels() * stage.height() * stage.width();
    if (input > Integer.MAX_VALUE) {
      error(spec, "height", Message.TOO_LARGE, "one input image", g.inChannels(), stage.height(),
          stage.width(), input, Integer.MAX_VALUE, "height, width or channel count");
    } else if (outH > 0 && outW > 0 && (long) g.outChannels() * outH * outW > Integer.MAX_VALUE) {
      error(spec, "height", Message.TOO_LARGE, "one output image", g.outChannels(), outH, outW,
          (long) g.outChannels() * outH * outW, Integer.MAX_VALUE, "height, width or channel count");
    }
    return errors.errorCount() == errorsBefore;
  }

  private int[] perAxis(AnnotatedSpec spec, String name, String expected) {
    int[] values = spec.intArray(name);
    if (values.length != 1 && values.length != 2) {
      error(spec, name, Message.ARITY, name, expected, values.length);
      return null;
    }
    int[] pair = values.length == 1 ? new int[] {values[0], values[0]} : values;
    boolean positive = requirePositive(spec, name, pair[0]);
    if (values.length == 2 && positive) {
      positive = requirePositive(spec, name, pair[1]);
    }
    return positive ? pair : null;
  }

  private boolean isDefault(AnnotatedSpec spec, String name) {
    return name.equals("multiplier") ? spec.intValue(name) == 1
        : java.util.Arrays.stream(spec.intArray(name)).allMatch(v -> v == 1);
  }

  private void requireOut(AnnotatedSpec spec, Kind kind, int out) {
    if (!spec.isExplicit("out")) {
      errors.error(spec, null, Message.OUT_REQUIRED, kind);
    } else {
      requirePositive(spec, "out", out);
    }
  }

  private boolean requirePositive(AnnotatedSpec spec, String name, int value) {
    if (value <= 0) {
      error(spec, name, Message.NOT_POSITIVE, name, value);
      return false;
    }
    return true;
  }

  private void error(AnnotatedSpec spec, String element, Message message, Object... arguments) {
    errors.error(spec, element, message, arguments);
  }

  private boolean clashesWithExistingType(ClassName className) {
    TypeElement existing = elements.getTypeElement(className.canonicalName());
    if (existing == null) {
      return false;
    }
    // A stale copy of our own output (e.g. from an earlier incremental build) is not a clash.
    for (AnnotationMirror annotation : existing.getAnnotationMirrors()) {
      if (annotation.getAnnotationType().toString().equals(GENERATED)
          && annotation.getElementValues().values().toString().contains(
              ConvSpecProcessor.class.getName())) {
        return false;
      }
    }
    return true;
  }

  /** @param factor the depthwise multiplier, or the groups of a dense spec */
  static String derivedName(
      Kind kind, int in, int out, int factor, int[] kernel, int[] stride) {
    String k = "k" + kernel[0] + (kernel[0] == kernel[1] ? "" : "x" + kernel[1]);
    String s = "s" + stride[0] + (stride[0] == stride[1] ? "" : "x" + stride[1]);
    switch (kind) {
      case POINTWISE:
        return "Pointwise" + in + "to" + out + s;
      case DEPTHWISE:
        return "Depthwise" + in + (factor == 1 ? "" : "x" + factor) + k + s;
      case DENSE:
        return "Conv" + in + "to" + out + (factor == 1 ? "" : "g" + factor) + k + s;
      default:
        return "Separable" + in + "to" + out + k + s;
    }
  }

  /** {@code <package>.<Outer>_<Holder>_<name>}. */
  static ClassName generatedClassName(Elements elements, TypeElement holder, String name) {
    StringBuilder simpleName = new StringBuilder(name);
    for (Element e = holder; e instanceof TypeElement; e = e.getEnclosingElement()) {
      simpleName.insert(0, e.getSimpleName() + "_");
    }
    return ClassName.get(
        elements.getPackageOf(holder).getQualifiedName().toString(), simpleName.toString());
  }
}
