package dev.convgen.processor.validate;

import dev.convgen.annotations.AutoPad;
import dev.convgen.annotations.Kind;
import dev.convgen.annotations.Unroll;
import dev.convgen.processor.model.Padding;
import dev.convgen.processor.model.SpecLowering;
import dev.convgen.processor.read.AnnotatedSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.lang.model.SourceVersion;

/**
 * Checks the values of one {@code @ConvSpec} as written, before anything is derived from them.
 * Every problem is reported, not just the first, each on the annotation value that causes it;
 * where one value is invalid, the checks that depend on it are skipped and the others still run.
 * {@link ShapeValidator} checks what only the lowered stages show (sizes) and {@link NameValidator}
 * the names across a holder.
 */
public final class SpecValidator {

  /** Largest kernel side the emitters unroll; larger kernels are rejected. */
  public static final int MAX_KERNEL_SIDE = 64;

  private final ErrorReporter errors;

  public SpecValidator(ErrorReporter errors) {
    this.errors = errors;
  }

  /** Whether the spec's values are valid; reports every problem otherwise. */
  public boolean check(AnnotatedSpec spec) {
    int errorsBefore = errors.errorCount();
    String name = spec.stringValue("name");
    // The name ends the generated class name (Holder_<name>) and starts tensor names: "3x3"
    // and "class" are fine there, "3-3" is not.
    if (!name.isEmpty() && !SourceVersion.isIdentifier("Holder_" + name)) {
      error(spec, "name", Message.INVALID_NAME, name);
    }
    int in = spec.intValue("in");
    boolean inValid = requirePositive(spec, "in", in);
    int[] kernel = perAxis(spec, "kernel", "1 value {k} or 2 values {kh, kw}");
    int[] stride = perAxis(spec, "stride", "1 value {s} or 2 values {sh, sw}");
    int[] dilation = perAxis(spec, "dilation", "1 value {d} or 2 values {dh, dw}");
    if (kernel != null && Math.max(kernel[0], kernel[1]) > MAX_KERNEL_SIDE) {
      error(spec, "kernel", Message.KERNEL_TOO_LARGE, kernel[0] + "x" + kernel[1],
          MAX_KERNEL_SIDE);
    }
    // With an invalid kernel, AUTO cannot be resolved: check what every kind shares.
    Kind kind = kernel == null ? spec.enumValue("kind", Kind.class)
        : SpecLowering.resolveKind(spec.enumValue("kind", Kind.class), kernel);
    int out = spec.intValue("out");
    checkKind(spec, kind, kernel, inValid ? in : 0, out);
    if (kind != Kind.DENSE && spec.isExplicit("groups")) {
      error(spec, "groups", Message.DENSE_ONLY, "groups", kind);
    }
    if (kind != Kind.SEPARABLE && kind != Kind.AUTO) {
      for (String separableOnly : List.of("depthwiseBias", "depthwiseActivation")) {
        if (spec.isExplicit(separableOnly)) {
          error(spec, separableOnly, Message.SEPARABLE_ONLY, separableOnly, kind);
        }
      }
    }
    if ((kind == Kind.DEPTHWISE || kind == Kind.DENSE)
        && spec.enumValue("unroll", Unroll.class) == Unroll.FULL) {
      errors.warning(spec, "unroll", Message.FULL_UNROLL_IGNORED, kind);
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
    boolean extentFits = true;
    if (kernel != null && dilation != null) {
      long[] extent = Padding.extent(kernel, dilation);
      if (Math.max(extent[0], extent[1]) > Integer.MAX_VALUE) {
        error(spec, "dilation", Message.EXTENT_TOO_LARGE, kernel[0] + "x" + kernel[1],
            dilation[0] + "x" + dilation[1], Math.max(extent[0], extent[1]), Integer.MAX_VALUE);
        extentFits = false; // the padding checks would only repeat the overflow
      }
    }
    if (kernel != null && extentFits) {
      // Go on with neutral values so the remaining problems are reported in the same build.
      checkPadding(spec, kernel, stride == null ? new int[] {1, 1} : stride,
          dilation == null ? new int[] {1, 1} : dilation, height, width);
    }
    return errors.errorCount() == errorsBefore;
  }

  /** What depends on the kind: kernel size, out, multiplier, groups. */
  private void checkKind(AnnotatedSpec spec, Kind kind, int[] kernel, int in, int out) {
    int multiplier = spec.intValue("multiplier");
    switch (kind) {
      case POINTWISE:
        if (kernel != null && (kernel[0] != 1 || kernel[1] != 1)) {
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
          }
        } else {
          checkDepthwiseChannels(spec, in, multiplier);
        }
        break;
      case DENSE:
        requireOut(spec, kind, out);
        if (spec.isExplicit("multiplier")) {
          error(spec, "multiplier", Message.DENSE_MULTIPLIER);
        }
        int groups = spec.intValue("groups");
        if (requirePositive(spec, "groups", groups) && in > 0 && out > 0
            && (in % groups != 0 || out % groups != 0)) {
          error(spec, "groups", Message.GROUPS_NOT_DIVISOR, groups, in, out);
        }
        break;
      default: // SEPARABLE, or AUTO with an invalid kernel (pointwise or separable: both need out)
        requirePositive(spec, "multiplier", multiplier);
        requireOut(spec, kind == Kind.AUTO ? Kind.SEPARABLE : kind, out);
        if (kind == Kind.SEPARABLE) {
          checkDepthwiseChannels(spec, in, multiplier);
        }
        break;
    }
  }

  /** {@code in x multiplier} output channels must fit an int. */
  private void checkDepthwiseChannels(AnnotatedSpec spec, int in, int multiplier) {
    if (in > 0 && multiplier > 0 && (long) in * multiplier > Integer.MAX_VALUE) {
      error(spec, "multiplier", Message.TOO_LARGE, "depthwise output channels", in, multiplier,
          1, (long) in * multiplier, Integer.MAX_VALUE, "multiplier");
    }
  }

  /** Padding values and autoPad; the resolved pads must be non-negative and within the kernel. */
  private void checkPadding(AnnotatedSpec spec, int[] kernel, int[] stride, int[] dilation,
      int height, int width) {
    AutoPad autoPad = spec.enumValue("autoPad", AutoPad.class);
    int[] given = spec.intArray("padding");
    if (autoPad != AutoPad.NOTSET && spec.isExplicit("padding")) {
      error(spec, "padding", Message.PADDING_AND_AUTOPAD, autoPad);
      return;
    }
    if (autoPad == AutoPad.NOTSET && given.length != 0 && given.length != 1
        && given.length != 2 && given.length != 4) {
      error(spec, "padding", Message.ARITY, "padding",
          "1 value {p}, 2 values {ph, pw} or 4 values {top, left, bottom, right}", given.length);
      return;
    }
    int[] pads = Padding.resolve(autoPad, given, kernel, stride, dilation, height, width);
    long[] extent = Padding.extent(kernel, dilation);
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
  }

  /** One or two positive values; null (after reporting) otherwise. */
  private int[] perAxis(AnnotatedSpec spec, String name, String expected) {
    int[] values = spec.intArray(name);
    if (values.length != 1 && values.length != 2) {
      error(spec, name, Message.ARITY, name, expected, values.length);
      return null;
    }
    int[] pair = SpecLowering.perAxis(values);
    boolean positive = requirePositive(spec, name, pair[0]);
    if (values.length == 2 && positive) {
      positive = requirePositive(spec, name, pair[1]);
    }
    return positive ? pair : null;
  }

  private static boolean isDefault(AnnotatedSpec spec, String name) {
    return name.equals("multiplier") ? spec.intValue(name) == 1
        : Arrays.stream(spec.intArray(name)).allMatch(v -> v == 1);
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
}
