package dev.convgen.processor.validate;

/**
 * Every diagnostic the processor prints, in one place so the wording stays consistent. Each says
 * what is wrong and what to change.
 */
public enum Message {
  NOT_POSITIVE("%s must be positive, got %d"),
  ARITY("%s takes %s, got %d values"),
  INVALID_NAME("name \"%s\" cannot be part of a class name; use letters, digits and _ (e.g."
      + " \"Block1\" or \"3x3\")"),
  FULL_UNROLL_IGNORED("unroll = FULL applies to pointwise stages (their SIMD reduction); a %s spec"
      + " has none, its taps are unrolled anyway: remove unroll"),
  DUPLICATE_NAME("another @ConvSpec on %s is already named \"%s\"; give each spec a distinct name"),
  CLASS_CLASH("the generated class %s is also generated for the %s; give one of the two specs"
      + " another name"),
  CLASS_EXISTS("the generated class %s would clash with an existing type; choose another name"),
  OUT_REQUIRED("out is required for a %s spec: set out = <output channels>"),
  POINTWISE_KERNEL("a pointwise kernel is 1x1, got kernel %dx%d: remove kernel or use"
      + " kind = DEPTHWISE or SEPARABLE"),
  POINTWISE_ONLY_ONE("%s applies to depthwise kernels only; remove it from this pointwise spec"),
  DEPTHWISE_OUT_NOT_MULTIPLE("depthwise out (%d) must be a multiple of in (%d): each input channel"
      + " has the same number of filters"),
  DEPTHWISE_OUT_MISMATCH("depthwise out (%d) must equal in x multiplier (%d x %d = %d); set one of"
      + " them consistently"),
  DENSE_MULTIPLIER("multiplier applies to DEPTHWISE and SEPARABLE specs only; a DENSE spec sets out"
      + " (and groups) instead"),
  DENSE_ONLY("%s applies to DENSE specs only; this spec is %s"),
  GROUPS_NOT_DIVISOR("groups (%d) must divide both in (%d) and out (%d): each group has"
      + " in / groups inputs and out / groups outputs"),
  SEPARABLE_ONLY("%s applies to the depthwise stage of a SEPARABLE spec only; this spec is %s"),
  PADDING_AND_AUTOPAD("padding and autoPad = %s cannot both be given: remove one"),
  NEGATIVE_PADDING("padding must be zero or more, got %s"),
  PADDING_TOO_LARGE("padding must be smaller than the dilated kernel extent on each side, got %s"
      + " (kernel %s, dilation %s; extent = dilation x (kernel - 1) + 1)"),
  EXTENT_TOO_LARGE("kernel %s with dilation %s spans %d input pixels (dilation x (kernel - 1)"
      + " + 1), more than int indexing allows (%d): use a smaller dilation"),
  KERNEL_TOO_LARGE("kernel %s exceeds the supported maximum of %d per side"),
  SIZE_PAIR("height and width are given together or not at all: add %s = <input %s>"),
  OUTPUT_EMPTY("output %s would be %d for input %s %d (kernel extent %d, padding %d + %d, stride %d):"
      + " give a larger input or a smaller kernel, padding or stride"),
  TOO_LARGE("%s of %d x %d x %d = %d floats overflows int indexing (max %d); use a smaller %s"),
  INTERNAL_ERROR("convgen could not generate %s: %s. This is a bug in convgen; please report it"
      + " with the @ConvSpec that caused it");

  private final String format;

  Message(String format) {
    this.format = format;
  }

  public String format(Object... arguments) {
    return String.format(format, arguments);
  }
}
