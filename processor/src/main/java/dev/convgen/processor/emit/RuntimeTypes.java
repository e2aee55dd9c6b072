package dev.convgen.processor.emit;

import com.palantir.javapoet.ArrayTypeName;
import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.ParameterizedTypeName;
import com.palantir.javapoet.TypeName;

/** The types generated code names: the runtime's, the Vector API's, and a few of the JDK's. */
final class RuntimeTypes {

  private RuntimeTypes() {}

  private static final String RUNTIME = "dev.convgen.runtime";
  private static final String INTERNAL = RUNTIME + ".internal";

  static final ClassName CONV_GEOMETRY = ClassName.get(RUNTIME, "ConvGeometry");
  static final ClassName VECTORIZATION = ClassName.get(RUNTIME, "Vectorization");
  static final ClassName ARGUMENTS = ClassName.get(INTERNAL, "Arguments");
  static final ClassName WEIGHT_PACKING = ClassName.get(INTERNAL, "WeightPacking");
  static final ClassName WEIGHTS_ON_DEMAND = ClassName.get(INTERNAL, "WeightsOnDemand");
  static final ClassName UNIT_KERNEL = ClassName.get(INTERNAL, "UnitKernel");
  static final ClassName IMAGE_KERNEL = ClassName.get(INTERNAL, "ImageKernel");
  static final ClassName NHWC_KERNEL = ClassName.get(INTERNAL + ".nhwc", "NhwcKernel");
  static final ClassName NHWC_KERNELS = ClassName.get(INTERNAL + ".nhwc", "NhwcKernels");
  static final ClassName PLANE_INTERIOR = ClassName.get(INTERNAL, "PlaneInterior");
  static final ClassName SEPARABLE_BLOCK = ClassName.get(RUNTIME + ".network", "SeparableBlock");
  static final ClassName WEIGHT_BINDER = ClassName.get(RUNTIME + ".binding", "WeightBinder");
  static final ClassName STAGE_WEIGHTS = ClassName.get(RUNTIME + ".binding", "StageWeights");
  static final ClassName ACTIVATION = ClassName.get("dev.convgen.annotations", "Activation");
  static final ClassName GENERATED = ClassName.get("javax.annotation.processing", "Generated");
  static final ClassName ARRAYS = ClassName.get("java.util", "Arrays");
  /** Named through {@code $T}, so a user's own {@code Math} in the package is not picked up. */
  static final ClassName MATH = ClassName.get("java.lang", "Math");
  static final ClassName FLOAT_VECTOR = ClassName.get("jdk.incubator.vector", "FloatVector");
  static final TypeName FLOAT_SPECIES = ParameterizedTypeName.get(
      ClassName.get("jdk.incubator.vector", "VectorSpecies"), ClassName.get(Float.class));
  static final TypeName FLOATS = ArrayTypeName.of(TypeName.FLOAT);
}
