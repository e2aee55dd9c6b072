package dev.convgen.runtime.network;

import dev.convgen.runtime.ConvLayer;
import dev.convgen.runtime.NamedLayer;
import dev.convgen.runtime.internal.Arguments;
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
     * @param output {@code [batch, channels, height, width]}, row-major; a per-thread buffer the
     *     next pass overwrites, so copy what you keep
     */
    void layerDone(String name, float[] output, int batch, int channels, int height, int width);
  }

  @Override
  public void forward(float[] input, int batch, int height, int width, float[] output) {
    forward(input, batch, height, width, output, null);
  }

  /**
   * As {@link #forward(float[], int, int, int, float[])}, handing each layer's output to
   * {@code observer} (the last one is {@code output} itself).
   */
  public void forward(float[] input, int batch, int height, int width, float[] output,
      LayerObserver observer) {
    ConvLayer first = layers.get(0).layer();
    Arguments.checkTensor("input", input, batch, first.inChannels(), height, width);
    Arguments.checkTensor("output", output, batch, outChannels(), outputHeight(height),
        outputWidth(width));
    if (output == input) {
      throw new IllegalArgumentException("output: must be a different array from input");
    }
    float[][] intermediates = buffers.find(batch, height, width);
    if (intermediates == null) {
      intermediates = buffers.allocate(batch, height, width,
          intermediateLengths(batch, height, width));
    }
    float[] source = input;
    int h = height;
    int w = width;
    for (int i = 0; i < layers.size(); i++) {
      ConvLayer layer = layers.get(i).layer();
      float[] target = i == intermediates.length ? output : intermediates[i];
      layer.forward(source, batch, h, w, target);
      source = target;
      h = layer.outputHeight(h);
      w = layer.outputWidth(w);
      if (observer != null) {
        observer.layerDone(layers.get(i).name(), target, batch, layer.outChannels(), h, w);
      }
    }
  }

  /** Floats in each intermediate tensor for an input size; refuses sizes a layer cannot take. */
  private long[] intermediateLengths(int batch, int height, int width) {
    long[] lengths = new long[layers.size() - 1];
    int h = height;
    int w = width;
    for (int i = 0; i < lengths.length; i++) {
      ConvLayer layer = layers.get(i).layer();
      h = layer.outputHeight(h);
      w = layer.outputWidth(w);
      if (h <= 0 || w <= 0) {
        throw new IllegalArgumentException("height, width: " + height + "x" + width
            + " is too small: layer " + layers.get(i).name() + " would output " + h + "x" + w);
      }
      lengths[i] = (long) batch * layer.outChannels() * h * w;
    }
    return lengths;
  }
}
