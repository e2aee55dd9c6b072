package dev.convgen.processor.model;

import com.palantir.javapoet.ClassName;
import dev.convgen.annotations.Kind;
import javax.lang.model.element.Element;
import javax.lang.model.element.TypeElement;
import javax.lang.model.util.Elements;

/** How specs and their generated classes are named. */
public final class SpecNames {

  private SpecNames() {}

  /**
   * The name of a spec that does not give one, e.g. {@code Separable32to64k3s1}.
   *
   * @param factor the depthwise multiplier, or the groups of a dense spec
   */
  public static String derived(Kind kind, int in, int out, int factor, int[] kernel,
      int[] stride) {
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
  public static ClassName generatedClass(Elements elements, TypeElement holder, String name) {
    StringBuilder simpleName = new StringBuilder(name);
    for (Element e = holder; e instanceof TypeElement; e = e.getEnclosingElement()) {
      simpleName.insert(0, e.getSimpleName() + "_");
    }
    return ClassName.get(
        elements.getPackageOf(holder).getQualifiedName().toString(), simpleName.toString());
  }
}
