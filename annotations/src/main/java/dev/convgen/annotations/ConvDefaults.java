package dev.convgen.annotations;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Defaults for every {@link ConvSpec} on the same holder, so a network's specs state only what
 * differs between its layers. A spec that writes an element keeps its own value; an element this
 * annotation does not write keeps {@code @ConvSpec}'s default. Elements that apply to one kind only
 * (the depthwise stage's) are used by the specs of that kind.
 *
 * <pre>{@code
 * @ConvDefaults(depthwiseBias = true, depthwiseActivation = Activation.RELU6,
 *     activation = Activation.RELU6)                      // BatchNorm + ReLU6 after every stage
 * @ConvSpec(name = "block1", in = 32, out = 64, kernel = 3)
 * @ConvSpec(name = "block2", in = 64, out = 128, kernel = 3, stride = 2)
 * }</pre>
 */
@Documented
@Retention(RetentionPolicy.SOURCE)
@Target(ElementType.TYPE)
public @interface ConvDefaults {

  /** As {@link ConvSpec#bias()}. */
  boolean bias() default true;

  /** As {@link ConvSpec#activation()}. */
  Activation activation() default Activation.NONE;

  /** As {@link ConvSpec#depthwiseBias()}: separable specs only. */
  boolean depthwiseBias() default false;

  /** As {@link ConvSpec#depthwiseActivation()}: separable specs only. */
  Activation depthwiseActivation() default Activation.NONE;

  /** As {@link ConvSpec#autoPad()}, for specs that give no {@code padding}. */
  AutoPad autoPad() default AutoPad.NOTSET;
}
