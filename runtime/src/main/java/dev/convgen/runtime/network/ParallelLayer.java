package dev.convgen.runtime.network;

import dev.convgen.runtime.ConvKernel;
import dev.convgen.runtime.ConvLayer;
import dev.convgen.runtime.internal.Arguments;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs a kernel or a separable block on several threads of a caller-supplied {@link Executor}:
 * each stage's {@linkplain ConvKernel#workUnits() work units} are split into {@code parallelism}
 * contiguous slices; the calling thread computes one slice and waits for the others. A separable
 * block runs its depthwise stage, then its pointwise stage. convgen never creates threads itself.
 *
 * <p>Results are identical to the single-threaded layer's: slices write disjoint outputs and each
 * value is computed by the same code. Immutable and shareable if the executor is.
 */
public final class ParallelLayer implements ConvLayer {

  private final ConvLayer layer;
  private final Executor executor;
  private final int parallelism;

  private ParallelLayer(ConvLayer layer, Executor executor, int parallelism) {
    this.layer = Objects.requireNonNull(layer, "layer");
    this.executor = Objects.requireNonNull(executor, "executor");
    if (parallelism <= 0) {
      throw new IllegalArgumentException("parallelism: expected a positive value, got "
          + parallelism);
    }
    if (!(layer instanceof ConvKernel) && !(layer instanceof SeparableBlock)) {
      throw new IllegalArgumentException("layer: expected a ConvKernel or a SeparableBlock, got "
          + layer.getClass().getName());
    }
    this.parallelism = parallelism;
  }

  /**
   * @param parallelism slices per stage, typically the executor's thread count plus one for the
   *     calling thread
   */
  public static ParallelLayer of(ConvLayer layer, Executor executor, int parallelism) {
    return new ParallelLayer(layer, executor, parallelism);
  }

  @Override
  public int inChannels() {
    return layer.inChannels();
  }

  @Override
  public int outChannels() {
    return layer.outChannels();
  }

  @Override
  public int outputHeight(int inputHeight) {
    return layer.outputHeight(inputHeight);
  }

  @Override
  public int outputWidth(int inputWidth) {
    return layer.outputWidth(inputWidth);
  }

  @Override
  public long parameterCount() {
    return layer.parameterCount();
  }

  @Override
  public long macs(int batch, int height, int width) {
    return layer.macs(batch, height, width);
  }

  @Override
  public void forward(float[] input, int batch, int height, int width, float[] output) {
    if (layer instanceof ConvKernel kernel) {
      Arguments.checkForward(kernel.geometry(), input, batch, height, width, output);
      split(kernel, input, batch, height, width, output);
      return;
    }
    SeparableBlock block = (SeparableBlock) layer;
    ConvKernel depthwise = block.depthwise();
    Arguments.checkInput(depthwise.geometry(), input, batch, height, width);
    float[] intermediate = block.intermediateFor(batch, height, width);
    int midH = depthwise.outputHeight(height);
    int midW = depthwise.outputWidth(width);
    Arguments.checkForward(block.pointwise().geometry(), intermediate, batch, midH, midW, output);
    split(depthwise, input, batch, height, width, intermediate);
    split(block.pointwise(), intermediate, batch, midH, midW, output);
  }

  private void split(ConvKernel kernel, float[] input, int batch, int height, int width,
      float[] output) {
    int units = kernel.workUnits(batch);
    int parts = Math.min(parallelism, units);
    if (parts <= 1) {
      kernel.forwardUnits(input, batch, height, width, output, 0, units);
      return;
    }
    CountDownLatch others = new CountDownLatch(parts - 1);
    AtomicReference<Throwable> failure = new AtomicReference<>();
    for (int part = 1; part < parts; part++) {
      int from = (int) ((long) units * part / parts);
      int to = (int) ((long) units * (part + 1) / parts);
      executor.execute(() -> {
        try {
          kernel.forwardUnits(input, batch, height, width, output, from, to);
        } catch (Throwable t) {
          failure.compareAndSet(null, t);
        } finally {
          others.countDown();
        }
      });
    }
    kernel.forwardUnits(input, batch, height, width, output, 0, units / parts);
    boolean interrupted = false;
    while (true) {
      try {
        others.await();
        break;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    if (failure.get() != null) {
      throw new IllegalStateException("a slice of " + kernel.geometry().describe() + " failed",
          failure.get());
    }
  }
}
