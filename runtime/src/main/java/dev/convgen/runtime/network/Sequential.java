package dev.convgen.runtime.network;

import dev.convgen.runtime.ConvLayer;
import dev.convgen.runtime.NamedLayer;
import dev.convgen.runtime.internal.Arguments;
import dev.convgen.runtime.internal.nhwc.NhwcLayout;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Layers applied one after another, each named (the names appear in {@link LayerTable} and match
 * the model's weight names). Intermediate tensors live in per-thread buffers, allocated when a
 * thread first runs an input size, so a model is safe to share between threads and allocates
 * nothing in steady state.
 */
public class Sequential implements ConvLayer {

  private final List<NamedLayer> layers;
  private final LayerBuffers buffers = new LayerBuffers();

  /**
   * @throws IllegalArgumentException when there are no layers, a name repeats, or a layer's input
   *     channels differ from the previous layer's output channels
   */
  public Sequential(List<NamedLayer> layers) {
    if (layers.isEmpty()) {
      throw new IllegalArgumentException("layers: expected at least one layer, got none");
    }
    Set<String> names = new HashSet<>();
    for (int i = 0; i < layers.size(); i++) {
      NamedLayer layer = layers.get(i);
      if (!names.add(layer.name())) {
        throw new IllegalArgumentException("layers: name " + layer.name() + " appears twice");
      }
      if (i > 0 && layers.get(i - 1).layer().outChannels() != layer.layer().inChannels()) {
        throw new IllegalArgumentException("layers: " + layer.name() + " expects "
            + layer.layer().inChannels() + " input channels, but " + layers.get(i - 1).name()
            + " produces " + layers.get(i - 1).layer().outChannels());
      }
    }
    this.layers = List.copyOf(layers);
  }

  /** A builder adding layers in order. */
  public static Builder builder() {
    return new Builder();
  }

  /** Collects named layers for a {@link Sequential}. */
  public static final class Builder {
    private final List<NamedLayer> layers = new ArrayList<>();

    private Builder() {}

    /** Appends {@code layer} under {@code name}. */
    public Builder add(String name, ConvLayer layer) {
      layers.add(new NamedLayer(name, layer));
      return this;
    }

    public Sequential build() {
      return new Sequential(layers);
    }
  }

  @Override
  public List<NamedLayer> parts() {
    return layers;
  }

  @Override
  public String kind() {
    return "sequential";
  }

  @Override
  public int inChannels() {
    return layers.get(0).layer().inChannels();
  }

  @Override
  public int outChannels() {
    return layers.get(layers.size() - 1).layer().outChannels();
  }

  @Override
  public int outputHeight(int inputHeight) {
    int h = inputHeight;
    for (int i = 0; i < layers.size(); i++) { // indexed: no iterator on the forward path
      h = layers.get(i).layer().outputHeight(h);
    }
    return h;
  }

  @Override
  public int outputWidth(int inputWidth) {
    int w = inputWidth;
    for (int i = 0; i < layers.size(); i++) { // indexed: no iterator on the forward path
      w = layers.get(i).layer().outputWidth(w);
    }
    return w;
  }

  @Override
  public long parameterCount() {
    return layers.stream().mapToLong(l -> l.layer().parameterCount()).sum();
  }

  @Override
  public long macs(int batch, int height, int width) {
    long macs = 0;
    int h = height;
    int w = width;
    for (NamedLayer named : layers) {
      ConvLayer layer = named.layer();
      macs += layer.macs(batch, h, w);
      h = layer.outputHeight(h);
      w = layer.outputWidth(w);
    }
    return macs;
  }

  /**
   * Sees each layer's output as a forward pass goes, e.g. to compare a port with its original
   * layer by layer.
   */
  @FunctionalInterface
  public interface LayerObserver {
    /**
     * Called after layer {@code name} has run.
     *
     * @param output {@code [batch, channels, height, width]}, row-major; a per-thread buffer that
     *     later layers of the pass may overwrite, so copy what you keep
     */
    void layerDone(String name, float[] output, int batch, int channels, int height, int width);
  }

  /**
   * Whether any layer computes in NHWC itself; such layers get NHWC tensors (see
   * {@link #forward(float[], int, int, int, float[], LayerObserver)}).
   */
  @Override
  public boolean nhwcNative() {
    for (NamedLayer layer : layers) {
      if (layer.layer().nhwcNative()) {
        return true;
      }
    }
    return false;
  }

  @Override
  public void forward(float[] input, int batch, int height, int width, float[] output) {
    run(input, false, batch, height, width, output, false, null, Sequential::runLayer);
  }

  @Override
  public void forwardNhwc(float[] input, int batch, int height, int width, float[] output) {
    run(input, true, batch, height, width, output, true, null, Sequential::runLayer);
  }

  /**
   * As {@link #forward(float[], int, int, int, float[])}, handing each layer's output to
   * {@code observer} (the last one is {@code output} itself).
   *
   * <p>Layout: each layer runs in the layout it computes in natively. Consecutive
   * {@link ConvLayer#nhwcNative} layers (SIMD kernels with channels in vector lanes, and blocks
   * of them) pass NHWC tensors to each other; the tensor is transposed only where the layout
   * changes, and not at all where both layouts coincide (one channel, or a 1x1 plane, as after
   * global pooling). An observer still sees NCHW outputs (NHWC ones are transposed into a new
   * array for it).
   */
  public void forward(float[] input, int batch, int height, int width, float[] output,
      LayerObserver observer) {
    run(input, false, batch, height, width, output, false, observer, Sequential::runLayer);
  }

  /** Runs one layer in a layout: {@link #runLayer}, or {@link ParallelLayer}'s split. */
  @FunctionalInterface
  interface LayerRunner {
    void run(ConvLayer layer, boolean nhwc, float[] input, int batch, int height, int width,
        float[] output);
  }

  private static void runLayer(ConvLayer layer, boolean nhwc, float[] input, int batch,
      int height, int width, float[] output) {
    if (nhwc) {
      layer.forwardNhwc(input, batch, height, width, output);
    } else {
      layer.forward(input, batch, height, width, output);
    }
  }

  /** The forward pass, with each layer run by {@code runner} in its native layout. */
  void run(float[] input, boolean inputNhwc, int batch, int height, int width,
      float[] output, boolean outputNhwc, LayerObserver observer, LayerRunner runner) {
    ConvLayer first = layers.get(0).layer();
    Arguments.checkTensor("input", input, batch, first.inChannels(), height, width);
    int outH = outputHeight(height);
    int outW = outputWidth(width);
    if (outH <= 0 || outW <= 0) {
      intermediateLengths(batch, height, width); // throws, naming the layer
    }
    Arguments.checkTensor("output", output, batch, outChannels(), outH, outW);
    if (output == input) {
      throw new IllegalArgumentException("output: must be a different array from input");
    }
    float[][] buffers = buffersFor(batch, height, width);
    int count = layers.size();
    float[] source = input;
    boolean nhwc = inputNhwc;
    int h = height;
    int w = width;
    for (int i = 0; i < count; i++) {
      ConvLayer layer = layers.get(i).layer();
      boolean native_ = layer.nhwcNative();
      if (native_ != nhwc) {
        if (!NhwcLayout.same(layer.inChannels(), h, w)) {
          float[] converted = buffers[count + i];
          transpose(source, converted, nhwc, batch, layer.inChannels(), h, w);
          source = converted;
        }
        nhwc = native_;
      }
      int nextH = layer.outputHeight(h);
      int nextW = layer.outputWidth(w);
      boolean direct = i == count - 1
          && (nhwc == outputNhwc || NhwcLayout.same(layer.outChannels(), nextH, nextW));
      float[] target = direct ? output : buffers[i];
      runner.run(layer, nhwc, source, batch, h, w, target);
      source = target;
      h = nextH;
      w = nextW;
      if (observer != null) {
        float[] seen = target;
        if (nhwc && !NhwcLayout.same(layer.outChannels(), h, w)) {
          seen = new float[target.length];
          NhwcLayout.toNchw(target, seen, batch, layer.outChannels(), h, w);
        }
        observer.layerDone(layers.get(i).name(), seen, batch, layer.outChannels(), h, w);
      }
    }
    if (source != output) {
      transpose(source, output, nhwc, batch, outChannels(), h, w);
    }
  }

  /**
   * This thread's intermediate tensors for the input size, allocated on the first call for it
   * (also by {@link WarmUp}, so that a first pass finds them).
   */
  float[][] buffersFor(int batch, int height, int width) {
    float[][] buffers = this.buffers.find(batch, height, width);
    return buffers != null ? buffers
        : this.buffers.allocate(batch, height, width, intermediateLengths(batch, height, width));
  }

  /** From NHWC to NCHW when {@code fromNhwc}, else the other way. */
  private static void transpose(float[] from, float[] to, boolean fromNhwc, int batch,
      int channels, int height, int width) {
    if (fromNhwc) {
      NhwcLayout.toNchw(from, to, batch, channels, height, width);
    } else {
      NhwcLayout.toNhwc(from, to, batch, channels, height, width);
    }
  }

  /**
   * Floats in each buffer for an input size: {@code [i]} the output of layer {@code i} (the last
   * is needed only when it must be transposed into {@code output}), {@code [count + i]} layer
   * {@code i}'s input transposed; -1 where both layouts coincide or, after the first layer (whose
   * input may come in either layout), where the layer computes in the previous one's layout.
   * Refuses sizes a layer cannot take.
   */
  private long[] intermediateLengths(int batch, int height, int width) {
    int count = layers.size();
    long[] lengths = new long[2 * count];
    int h = height;
    int w = width;
    for (int i = 0; i < count; i++) {
      ConvLayer layer = layers.get(i).layer();
      boolean sameLayout = i > 0 && layer.nhwcNative() == layers.get(i - 1).layer().nhwcNative();
      lengths[count + i] = sameLayout || NhwcLayout.same(layer.inChannels(), h, w) ? -1
          : (long) batch * layer.inChannels() * h * w;
      h = layer.outputHeight(h);
      w = layer.outputWidth(w);
      if (h <= 0 || w <= 0) {
        throw new IllegalArgumentException("height, width: " + height + "x" + width
            + " is too small: layer " + layers.get(i).name() + " would output " + h + "x" + w);
      }
      lengths[i] = i == count - 1 && NhwcLayout.same(layer.outChannels(), h, w) ? -1
          : (long) batch * layer.outChannels() * h * w;
    }
    return lengths;
  }
}
