package dev.convgen.runtime.binding;

import dev.convgen.runtime.ConvGeometry;
import dev.convgen.runtime.weights.Tensor;
import dev.convgen.runtime.weights.Weights;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Hands a model's tensors to its layers by name, checking every shape, folding BatchNorm, and
 * finally checking that no tensor was left over. Generated kernels and blocks bind themselves
 * through their {@code load(WeightBinder)} factories; plain runtime code asks for tensors with
 * {@link #tensor}.
 *
 * <h2>Naming convention</h2>
 * A stage with prefix {@code p} (a spec's name, e.g. {@code block3}; {@code block3.dw} and
 * {@code block3.pw} for the two stages of a separable block) reads:
 * <ul>
 *   <li>{@code p.weight}: {@code [out, in / groups, kh, kw]}, required; a 1x1 ungrouped stage also
 *       accepts {@code [out, in]} (a {@code Linear} layer's weight);
 *   <li>{@code p.bias}: {@code [out]}, optional;
 *   <li>{@code p.bn.weight}, {@code p.bn.bias}, {@code p.bn.running_mean},
 *       {@code p.bn.running_var}: {@code [out]} each, all four or none; a BatchNorm applied after
 *       the convolution and folded into it ({@code p.bn.num_batches_tracked} is accepted and
 *       ignored).
 * </ul>
 * A stage declared with a bias needs {@code p.bias} or a BatchNorm (or both); a stage declared
 * without one must have neither, since its output would silently lack them. Rename PyTorch
 * state-dict keys to this convention when exporting (see the samples' export script).
 *
 * <p>Every problem is an {@link IllegalArgumentException} naming the tensor, the layer, and the
 * expected and actual shape, raised while the model is built, before anything runs. Not
 * thread-safe: one binder builds one model.
 */
public final class WeightBinder {

  /** PyTorch's default {@code BatchNorm2d} epsilon. */
  public static final double PYTORCH_BATCH_NORM_EPSILON = 1e-5;

  private static final List<String> BATCH_NORM =
      List.of("weight", "bias", "running_mean", "running_var");

  private final Weights weights;
  private final double batchNormEpsilon;
  private final Set<String> used = new LinkedHashSet<>();

  /** Binds with PyTorch's BatchNorm epsilon, 1e-5. */
  public WeightBinder(Weights weights) {
    this(weights, PYTORCH_BATCH_NORM_EPSILON);
  }

  /** @param batchNormEpsilon the {@code eps} the model's BatchNorm layers were trained with */
  public WeightBinder(Weights weights, double batchNormEpsilon) {
    this.weights = Objects.requireNonNull(weights, "weights");
    if (!(batchNormEpsilon >= 0)) {
      throw new IllegalArgumentException("batchNormEpsilon: expected zero or more, got "
          + batchNormEpsilon);
    }
    this.batchNormEpsilon = batchNormEpsilon;
  }

  /**
   * The parameters of the stage named {@code prefix}, BatchNorm folded in.
   *
   * @param bias whether the stage adds a bias (the spec's {@code bias} or {@code depthwiseBias})
   * @param layer what the stage belongs to, for messages, e.g. {@code MobileNetV1_block3
   *     (depthwise stage)}
   */
  public StageWeights stage(String prefix, ConvGeometry geometry, boolean bias, String layer) {
    Objects.requireNonNull(prefix, "prefix");
    int out = geometry.outChannels();
    String weightName = prefix + ".weight";
    int[] shape = {out, geometry.inChannelsPerGroup(), geometry.kernelH(), geometry.kernelW()};
    Tensor weight = weights.get(weightName);
    if (weight == null) {
      throw missing(weightName, layer, Arrays.toString(shape));
    }
    boolean linear = geometry.isPointwise() && weight.hasShape(out, geometry.inChannels());
    if (!weight.hasShape(shape) && !linear) {
      throw mismatch(weightName, layer, Arrays.toString(shape), weight);
    }
    // Marked used only when the whole stage binds, so a failed attempt leaves nothing behind.
    List<String> taken = new ArrayList<>(List.of(weightName));
    Tensor convBias = optional(prefix + ".bias", layer, out, taken);
    List<String> present = new ArrayList<>();
    for (String parameter : BATCH_NORM) {
      if (weights.contains(prefix + ".bn." + parameter)) {
        present.add(prefix + ".bn." + parameter);
      }
    }
    if (!bias && (convBias != null || !present.isEmpty())) {
      throw new IllegalArgumentException((convBias != null ? convBias.name() : present.get(0))
          + " for " + layer + ", which is declared without a bias: the tensor would be ignored;"
          + " declare the stage with a bias (BatchNorm folding produces one)");
    }
    if (present.isEmpty()) {
      if (bias && convBias == null) {
        throw missing(prefix + ".bias", layer, "[" + out + "] (or a BatchNorm " + prefix
            + ".bn.*)");
      }
      used.addAll(taken);
      return new StageWeights(weight.data().clone(), convBias == null ? null
          : convBias.data().clone());
    }
    float[][] bn = new float[BATCH_NORM.size()][];
    for (int i = 0; i < bn.length; i++) {
      String name = prefix + ".bn." + BATCH_NORM.get(i);
      if (!weights.contains(name)) {
        throw missing(name, layer, "[" + out + "] (a BatchNorm needs weight, bias, running_mean"
            + " and running_var; found " + present + ")");
      }
      bn[i] = optional(name, layer, out, taken).data();
    }
    if (weights.contains(prefix + ".bn.num_batches_tracked")) {
      taken.add(prefix + ".bn.num_batches_tracked");
    }
    for (int i = 0; i < bn.length; i++) {
      checkStatistics(prefix + ".bn." + BATCH_NORM.get(i), layer, bn[i], i == 3);
    }
    StageWeights folded = new BatchNorm(bn[0], bn[1], bn[2], bn[3], batchNormEpsilon)
        .fold(geometry, weight.data(), convBias == null ? null : convBias.data());
    used.addAll(taken);
    return folded;
  }

  /**
   * A tensor for plain runtime code, e.g. a classifier's {@code fc.weight}.
   *
   * @param shape the expected shape
   * @return its values, row-major (a copy)
   */
  public float[] tensor(String name, String layer, int... shape) {
    Objects.requireNonNull(name, "name");
    Tensor tensor = weights.get(name);
    if (tensor == null) {
      throw missing(name, layer, Arrays.toString(shape));
    }
    if (!tensor.hasShape(shape)) {
      throw mismatch(name, layer, Arrays.toString(shape), tensor);
    }
    used.add(name);
    return tensor.data().clone();
  }

  /** Names of the tensors no layer has asked for yet, in file order. */
  public Set<String> unused() {
    Set<String> unused = new LinkedHashSet<>(weights.names());
    unused.removeAll(used);
    return unused;
  }

  /**
   * Fails when a tensor was not used: a layer missing from the model, a misspelled name, or
   * weights for another model.
   */
  public void requireAllUsed() {
    Set<String> unused = unused();
    if (!unused.isEmpty()) {
      throw new IllegalArgumentException("weights: " + unused.size() + " tensor(s) not used by"
          + " any layer: " + abbreviate(unused) + "; remove them from the file or add the layers"
          + " they belong to");
    }
  }

  /**
   * BatchNorm statistics must be finite, and a variance zero or more: a negative variance (a
   * corrupted or mis-exported file) would fold into NaN weights, or scale them by millions.
   */
  private static void checkStatistics(String name, String layer, float[] values,
      boolean variance) {
    for (int k = 0; k < values.length; k++) {
      if (!Float.isFinite(values[k]) || variance && values[k] < 0) {
        throw new IllegalArgumentException(name + " for " + layer + ": channel " + k + " is "
            + values[k] + "; expected a finite value" + (variance ? " >= 0 (a variance)" : "")
            + ". The BatchNorm statistics are corrupted or exported from the wrong tensor");
      }
    }
  }

  /** The {@code [channels]} tensor {@code name}, added to {@code taken}; null when absent. */
  private Tensor optional(String name, String layer, int channels, List<String> taken) {
    Tensor tensor = weights.get(name);
    if (tensor == null) {
      return null;
    }
    if (!tensor.hasShape(channels)) {
      throw mismatch(name, layer, "[" + channels + "]", tensor);
    }
    taken.add(name);
    return tensor;
  }

  private IllegalArgumentException missing(String name, String layer, String expected) {
    String root = name.contains(".") ? name.substring(0, name.indexOf('.') + 1) : name;
    List<String> near = weights.names().stream().filter(n -> n.startsWith(root)).limit(8).toList();
    return new IllegalArgumentException(name + ": missing for " + layer + ", expected shape "
        + expected + (near.isEmpty() ? "; no tensor in the file starts with that name"
            : "; tensors with that prefix: " + near));
  }

  private static IllegalArgumentException mismatch(
      String name, String layer, String expected, Tensor actual) {
    return new IllegalArgumentException(name + " for " + layer + ": expected shape " + expected
        + ", got " + actual.shapeString());
  }

  private static String abbreviate(Set<String> names) {
    return names.size() <= 12 ? names.toString()
        : names.stream().limit(12).toList() + " and " + (names.size() - 12) + " more";
  }
}
