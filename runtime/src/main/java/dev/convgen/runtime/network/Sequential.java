package dev.convgen.runtime.network;

import dev.convgen.runtime.ConvLayer;
import dev.convgen.runtime.NamedLayer;
import dev.convgen.runtime.internal.ArrayPool;
import dev.convgen.runtime.internal.Arguments;
import dev.convgen.runtime.internal.UnitKernel;
import dev.convgen.runtime.internal.nhwc.NhwcLayout;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Layers applied one after another, each named (the names appear in {@link LayerTable} and match
 * the model's weight names). Intermediate tensors are borrowed from a pool of the running
 * thread's for as long as they live, so a model is safe to share between threads, allocates
 * nothing in steady state, and shares arrays with the other models the thread runs.
 */
public class Sequential implements ConvLayer {

  private final List<NamedLayer> layers;

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
    run(input, false, batch, height, width, output, false, null, RUN_LAYER);
  }

  @Override
  public void forwardNhwc(float[] input, int batch, int height, int width, float[] output) {
    run(input, true, batch, height, width, output, true, null, RUN_LAYER);
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
    run(input, false, batch, height, width, output, false, observer, RUN_LAYER);
  }

  /** Runs one layer in a layout: {@link #RUN_LAYER}, or {@link ParallelLayer}'s split. */
  interface LayerRunner {
    void run(ConvLayer layer, boolean nhwc, float[] input, int batch, int height, int width,
        float[] output);

    /**
     * Whether {@link #runBlocked} runs layers on channel-blocked tensors; without it, every
     * tensor of the pass stays NHWC (or NCHW).
     */
    default boolean blocks() {
      return false;
    }

    /**
     * A separable block or an NHWC kernel ({@link Sequential#writesBlocked},
     * {@link Sequential#readsBlocked}) with its input and/or output channel-blocked, where it can
     * take them.
     */
    default void runBlocked(ConvLayer layer, float[] input, boolean inputBlocked, int batch,
        int height, int width, float[] output, boolean outputBlocked) {
      throw new UnsupportedOperationException("channel-blocked tensors");
    }

    /**
     * A pointwise layer and the depthwise one after it, together, on an NHWC input, where
     * {@link UnitKernel#fusesWithDepthwise} says so (never with an observer).
     */
    void runWithDepthwise(UnitKernel pointwise, UnitKernel depthwise, float[] input, int batch,
        int height, int width, float[] output);

    /**
     * {@code from} into {@code to}, NHWC into NCHW when {@code fromNhwc}, else NCHW into NHWC:
     * where the layout changes in a pass (its entry and exit, around NCHW-only layers).
     */
    default void transpose(float[] from, float[] to, boolean fromNhwc, int batch, int channels,
        int height, int width) {
      Sequential.transpose(from, to, fromNhwc, batch, channels, height, width);
    }
  }

  /**
   * Whether {@code layer} writes its output channel-blocked for this input size: a separable
   * block whose pointwise stage can, or such a pointwise kernel itself.
   */
  static boolean writesBlocked(ConvLayer layer, int height, int width) {
    return layer instanceof SeparableBlock block ? block.writesBlocked(height, width)
        : layer instanceof UnitKernel kernel && kernel.writesBlocked(height, width);
  }

  /**
   * Whether {@code layer} reads its input channel-blocked for this size: a separable block whose
   * depthwise stage can, or such a depthwise kernel itself.
   */
  static boolean readsBlocked(ConvLayer layer, int height, int width) {
    return layer instanceof SeparableBlock block ? block.readsBlocked(height, width)
        : layer instanceof UnitKernel kernel && kernel.readsBlocked(height, width);
  }

  /**
   * Whether layer {@code i} of {@code layers} (a pointwise kernel) and the depthwise kernel after
   * it run together band by band on an input of this size, in a pass without an observer
   * ({@link UnitKernel#fusesWithDepthwise}); {@link LayerTable} lists such pairs.
   */
  static boolean bandsWithNext(List<NamedLayer> layers, int i, int height, int width) {
    return i + 1 < layers.size() && layers.get(i).layer() instanceof UnitKernel pointwise
        && layers.get(i + 1).layer() instanceof UnitKernel depthwise
        && pointwise.fusesWithDepthwise(depthwise, height, width);
  }

  /** The runner of a pass on the calling thread alone. */
  private static final LayerRunner RUN_LAYER = new LayerRunner() {
    @Override
    public void run(ConvLayer layer, boolean nhwc, float[] input, int batch, int height,
        int width, float[] output) {
      runLayer(layer, nhwc, input, batch, height, width, output);
    }

    @Override
    public boolean blocks() {
      return true;
    }

    @Override
    public void runBlocked(ConvLayer layer, float[] input, boolean inputBlocked, int batch,
        int height, int width, float[] output, boolean outputBlocked) {
      if (layer instanceof SeparableBlock block) {
        block.forwardNhwcBlocked(input, inputBlocked, batch, height, width, output,
            outputBlocked);
      } else {
        ((UnitKernel) layer).forwardNhwcBlocked(input, inputBlocked, batch, height, width,
            output, outputBlocked);
      }
    }

    @Override
    public void runWithDepthwise(UnitKernel pointwise, UnitKernel depthwise, float[] input,
        int batch, int height, int width, float[] output) {
      pointwise.forwardNhwcWithDepthwise(depthwise, input, batch, height, width, output, 0,
          depthwise.nhwcUnits(batch, height, width));
    }
  };

  private static void runLayer(ConvLayer layer, boolean nhwc, float[] input, int batch,
      int height, int width, float[] output) {
    if (nhwc) {
      layer.forwardNhwc(input, batch, height, width, output);
    } else {
      layer.forward(input, batch, height, width, output);
    }
  }

  /**
   * The forward pass, with each layer run by {@code runner} in its native layout. Each
   * intermediate tensor is borrowed from the thread's {@link ArrayPool} when a layer writes it
   * and given back once the next layer has read it, so consecutive layers (and the blocks inside
   * them) share arrays by length, a pass allocates nothing once the pool holds what it needs,
   * and an observer may run the model again. Where the runner {@link LayerRunner#blocks}, a
   * layer that can write channel-blocked (a pointwise kernel, or a separable block ending in
   * one) hands that layout to a next layer that reads it (a depthwise kernel, or a separable
   * block starting with one): {@link #writesBlocked}, {@link #readsBlocked}. Without an
   * observer, a pointwise kernel and the depthwise kernel after it run together band by band
   * ({@link LayerRunner#runWithDepthwise}) when {@link UnitKernel#fusesWithDepthwise} says so (a
   * large intermediate, e.g. an inverted-residual block's expansion), without the intermediate
   * tensor.
   */
  void run(float[] input, boolean inputNhwc, int batch, int height, int width,
      float[] output, boolean outputNhwc, LayerObserver observer, LayerRunner runner) {
    ConvLayer first = layers.get(0).layer();
    Arguments.checkTensor("input", input, batch, first.inChannels(), height, width);
    int outH = checkSizes(batch, height, width);
    int outW = outputWidth(width);
    Arguments.checkTensor("output", output, batch, outChannels(), outH, outW);
    if (output == input) {
      throw new IllegalArgumentException("output: must be a different array from input");
    }
    ArrayPool pool = ArrayPool.ofThread();
    int count = layers.size();
    float[] source = input;
    float[] lentSource = null; // source, when it is borrowed
    float[] lentTarget = null;
    boolean nhwc = inputNhwc;
    boolean blocked = false; // source is channel-blocked
    boolean blocks = runner.blocks();
    int h = height;
    int w = width;
    try {
      for (int i = 0; i < count; i++) {
        ConvLayer layer = layers.get(i).layer();
        boolean native_ = layer.nhwcNative();
        if (native_ != nhwc) {
          if (!NhwcLayout.same(layer.inChannels(), h, w)) {
            lentTarget = pool.borrow(tensorLength(batch, layer.inChannels(), h, w));
            runner.transpose(source, lentTarget, nhwc, batch, layer.inChannels(), h, w);
            lentSource = giveBack(pool, lentSource);
            source = lentSource = lentTarget;
            lentTarget = null;
          }
          nhwc = native_;
        }
        // a pointwise stage and the depthwise one after it, band by band, where that pays (the
        // layout tests hold whenever bandsWithNext does: a pointwise layer with an NHWC body runs
        // in NHWC and never reads blocked; they guard the call's preconditions)
        UnitKernel withDepthwise = observer == null && nhwc && !blocked
            && bandsWithNext(layers, i, h, w) ? (UnitKernel) layers.get(i + 1).layer() : null;
        int last = withDepthwise != null ? i + 1 : i; // the layer whose output this step writes
        ConvLayer writer = layers.get(last).layer();
        int nextH = writer.outputHeight(h);
        int nextW = writer.outputWidth(w);
        boolean direct = last == count - 1
            && (nhwc == outputNhwc || NhwcLayout.same(writer.outChannels(), nextH, nextW));
        float[] target = direct ? output
            : (lentTarget = pool.borrow(tensorLength(batch, writer.outChannels(), nextH, nextW)));
        boolean outBlocked = withDepthwise == null && blocks && i + 1 < count
            && writesBlocked(layer, h, w) && readsBlocked(layers.get(i + 1).layer(), nextH, nextW);
        if (withDepthwise != null) {
          runner.runWithDepthwise((UnitKernel) layer, withDepthwise, source, batch, h, w, target);
        } else if (blocked || outBlocked) { // from a layer that writes it to one that reads it
          runner.runBlocked(layer, source, blocked, batch, h, w, target, outBlocked);
        } else {
          runner.run(layer, nhwc, source, batch, h, w, target);
        }
        blocked = outBlocked;
        lentSource = giveBack(pool, lentSource);
        source = target;
        lentSource = lentTarget;
        lentTarget = null;
        h = nextH;
        w = nextW;
        if (observer != null) {
          float[] seen = target;
          if (blocked) {
            seen = new float[target.length];
            NhwcLayout.blockedToNchw(target, seen, batch, writer.outChannels(), h, w,
                NhwcLayout.blockLanes());
          } else if (nhwc && !NhwcLayout.same(writer.outChannels(), h, w)) {
            seen = new float[target.length];
            NhwcLayout.toNchw(target, seen, batch, writer.outChannels(), h, w);
          }
          observer.layerDone(layers.get(last).name(), seen, batch, writer.outChannels(), h, w);
        }
        i = last; // a depthwise layer run with its pointwise one is done as well
      }
      if (source != output) {
        runner.transpose(source, output, nhwc, batch, outChannels(), h, w);
      }
    } finally {
      giveBack(pool, lentSource);
      giveBack(pool, lentTarget);
    }
  }

  /** Gives {@code array} back when it is not null; returns null. */
  private static float[] giveBack(ArrayPool pool, float[] array) {
    if (array != null) {
      pool.giveBack(array);
    }
    return null;
  }

  /** From NHWC to NCHW when {@code fromNhwc}, else the other way, on the calling thread. */
  static void transpose(float[] from, float[] to, boolean fromNhwc, int batch,
      int channels, int height, int width) {
    if (fromNhwc) {
      NhwcLayout.toNchw(from, to, batch, channels, height, width);
    } else {
      NhwcLayout.toNhwc(from, to, batch, channels, height, width);
    }
  }

  /**
   * The output height for an input size, after checking that every layer outputs a plane of at
   * least one pixel and every intermediate tensor fits a Java array.
   *
   * @throws IllegalArgumentException naming the first layer that cannot take the size
   */
  private int checkSizes(int batch, int height, int width) {
    int h = height;
    int w = width;
    for (int i = 0; i < layers.size(); i++) { // indexed: no iterator on the forward path
      ConvLayer layer = layers.get(i).layer();
      h = layer.outputHeight(h);
      w = layer.outputWidth(w);
      if (h <= 0 || w <= 0) {
        throw new IllegalArgumentException("height, width: " + height + "x" + width
            + " is too small: layer " + layers.get(i).name() + " would output " + h + "x" + w);
      }
      tensorLength(batch, layer.outChannels(), h, w);
    }
    return h;
  }

  /** Floats in a tensor, refused when they do not fit a Java array. */
  private static int tensorLength(int batch, int channels, int height, int width) {
    long length = (long) batch * channels * height * width;
    if (length > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException("batch, height, width: an intermediate tensor of "
          + length + " floats does not fit a Java array");
    }
    return (int) length;
  }
}
