package dev.convgen.annotations;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Repeatable;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Declares one convolution whose shape is known at compile time; the convgen annotation processor
 * turns it into a specialized kernel class next to the annotated type.
 *
 * <p>The generated class is named {@code <Holder>_<name>} (nested holders joined by {@code _}) in
 * the holder's package. Semantics are those of PyTorch's {@code torch.nn.functional.conv2d} and
 * ONNX {@code Conv}: NCHW tensors, weights {@code [out, in / groups, kh, kw]} row-major,
 * cross-correlation, zero padding. Batch size is always a run-time argument; height and width are
 * run-time arguments unless {@link #height()} and {@link #width()} fix them.
 *
 * <pre>{@code
 * @ConvSpec(in = 32, out = 64, kernel = 3, stride = 1)   // separable block 32 -> 64, 3x3 depthwise
 * @ConvSpec(name = "Expand", in = 32, out = 192)          // pointwise 1x1
 * final class MyNet {}
 * }</pre>
 *
 * <p>Array-valued elements take one value for both axes ({@code stride = 2}) or one per axis
 * ({@code stride = {2, 1}}, height first).
 */
@Documented
@Repeatable(ConvSpecs.class)
@Retention(RetentionPolicy.SOURCE)
@Target(ElementType.TYPE)
public @interface ConvSpec {

  /**
   * The spec's name, a Java identifier unique on its holder; the generated class is
   * {@code <Holder>_<name>}. Empty: derived from the shape, e.g. {@code Separable32to64k3s1}.
   */
  String name() default "";

  /** Input channels. */
  int in();

  /**
   * Output channels. Required for pointwise and separable specs; for depthwise specs it may be
   * omitted ({@code in * multiplier}) or given as a multiple of {@code in}, which sets the
   * multiplier.
   */
  int out() default 0;

  /** Kernel family; {@link Kind#AUTO} picks pointwise for 1x1 kernels and separable otherwise. */
  Kind kind() default Kind.AUTO;

  /** Kernel size of the depthwise stage: {@code {k}} or {@code {kh, kw}}. Pointwise kernels are 1x1. */
  int[] kernel() default 1;

  /**
   * Stride {@code {s}} or {@code {sh, sw}}. In a separable block it applies to the depthwise stage;
   * the pointwise stage always has stride 1.
   */
  int[] stride() default 1;

  /**
   * Explicit zero padding: {@code {p}} on every side, {@code {ph, pw}} per axis (PyTorch), or
   * {@code {top, left, bottom, right}} (ONNX {@code pads} order). Empty (the default): every side
   * gets {@code dilation * (kernel - 1) / 2}, i.e. {@code kernel / 2} for odd kernels, which keeps
   * the spatial size at stride 1. Each pad must be smaller than the dilated kernel extent.
   */
  int[] padding() default {};

  /** Derives padding from the input size (ONNX {@code auto_pad}); excludes {@link #padding()}. */
  AutoPad autoPad() default AutoPad.NOTSET;

  /** Dilation of the depthwise taps, {@code {d}} or {@code {dh, dw}}. */
  int[] dilation() default 1;

  /**
   * {@link Kind#DENSE} only: channel groups, a divisor of {@code in} and {@code out}; output channel
   * {@code k} reads input channels of group {@code k / (out / groups)}. PyTorch's {@code groups}.
   */
  int groups() default 1;

  /** Depthwise channel multiplier: filters per input channel (depthwise out = in x multiplier). */
  int multiplier() default 1;

  /** Whether the output stage (the pointwise stage of a separable block) adds a bias. */
  boolean bias() default true;

  /** Activation fused after the output stage (the pointwise stage of a separable block). */
  Activation activation() default Activation.NONE;

  /** Separable blocks only: whether the depthwise stage adds a bias. */
  boolean depthwiseBias() default false;

  /** Separable blocks only: activation fused after the depthwise stage. */
  Activation depthwiseActivation() default Activation.NONE;

  /**
   * Input height. When set (together with {@link #width()}), the border/interior split and every
   * offset are resolved at compile time and the kernel accepts only this size. Omit it to pass the
   * height at run time.
   */
  int height() default 0;

  /** Input width; see {@link #height()}. */
  int width() default 0;

  /** Unrolling policy of the generated SIMD kernels; see {@link Unroll}. */
  Unroll unroll() default Unroll.AUTO;
}
