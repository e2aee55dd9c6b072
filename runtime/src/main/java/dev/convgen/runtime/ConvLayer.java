package dev.convgen.runtime;

/**
 * Anything that maps an NCHW input to an NCHW output: a single kernel or a block of stages.
 * Implementations are immutable after construction and safe to share between threads; every call
 * writes only into the caller's output array and allocates nothing in steady state.
 */
public interface ConvLayer {

  /** Channels of the input tensor. */
  int inChannels();

  /** Channels of the output tensor. */
  int outChannels();

  /** Output height for the given input height. */
  int outputHeight(int inputHeight);

  /** Output width for the given input width. */
  int outputWidth(int inputWidth);

  /** Learned parameters: weights plus biases. */
  long parameterCount();

  /** Multiply-accumulates for one forward pass. */
  long macs(int batch, int height, int width);

  /**
   * The named layers this one is made of, in execution order (e.g. {@code dw} and {@code pw} of a
   * separable block); empty for a single kernel. {@link LayerTable} lists them.
   */
  default java.util.List<NamedLayer> parts() {
    return java.util.List.of();
  }

  /** What this layer computes, for tables: e.g. {@code depthwise 3x3} or {@code avg pool}. */
  default String kind() {
    return getClass().getSimpleName();
  }

  /**
   * What this layer runs: {@code SIMD} or {@code scalar} for a kernel (a pooling or softmax layer
   * is scalar code), with what networks run when that differs ({@code scalar, in networks SIMD
   * 512-bit NHWC}); for a layer made of parts, {@code SIMD} or {@code scalar} when all parts agree
   * (counting what they run in networks), otherwise which parts run what, e.g. {@code SIMD,
   * except scalar: pool}. A build whose javac did not
   * see {@code jdk.incubator.vector}, or a JVM started without it, runs scalar kernels.
   */
  default String implementation() {
    java.util.Map<String, java.util.List<String>> byImplementation = new java.util.TreeMap<>();
    for (NamedLayer part : parts()) {
      String runs = part.layer().implementation();
      boolean simd = runs.startsWith("SIMD") || runs.contains("in networks SIMD");
      byImplementation.computeIfAbsent(simd ? "SIMD" : "scalar",
          key -> new java.util.ArrayList<>()).add(part.name());
    }
    if (byImplementation.size() != 2) {
      return byImplementation.isEmpty() ? "scalar" : byImplementation.keySet().iterator().next();
    }
    java.util.List<String> scalar = byImplementation.get("scalar");
    return "SIMD, except scalar: " + (scalar.size() <= 8 ? String.join(", ", scalar)
        : String.join(", ", scalar.subList(0, 8)) + " and " + (scalar.size() - 8) + " more");
  }

  /** Kernel size and stride for tables, e.g. {@code 3x3 s2}; empty when not a convolution. */
  default String window() {
    return "";
  }

  /**
   * Whether {@link #forwardNhwc} computes in NHWC itself (channels in vector lanes) rather than
   * through a transposition to NCHW; networks keep NHWC tensors between such layers. True for
   * SIMD kernels that have an NHWC implementation and for networks made of such layers.
   */
  default boolean nhwcNative() {
    return false;
  }

  /**
   * As {@link #forward}, with NHWC tensors (TensorFlow's and Keras' layout): {@code input
   * [batch, height, width, inChannels]}, {@code output [batch, outputHeight, outputWidth,
   * outChannels]}. Layers that are not {@link #nhwcNative} transpose through per-thread buffers.
   *
   * @throws IllegalArgumentException as {@link #forward}
   */
  default void forwardNhwc(float[] input, int batch, int height, int width, float[] output) {
    dev.convgen.runtime.internal.nhwc.NhwcLayout.forwardViaNchw(this, input, batch, height,
        width, output);
  }

  /**
   * Computes {@code output = layer(input)}.
   *
   * @param input {@code [batch, inChannels, height, width]}, row-major
   * @param output {@code [batch, outChannels, outputHeight(height), outputWidth(width)]},
   *     row-major; fully overwritten; must not be {@code input}
   * @throws IllegalArgumentException when a size does not match, naming the argument, the expected
   *     and the actual size; nothing is written then
   */
  void forward(float[] input, int batch, int height, int width, float[] output);
}
