package dev.convgen.runtime.network;

import dev.convgen.runtime.ConvKernel;
import dev.convgen.runtime.ConvLayer;
import dev.convgen.runtime.internal.Arguments;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs a kernel or a separable block on several threads of a caller-supplied {@link Executor}:
 * each stage's {@linkplain ConvKernel#workUnits() work units} are split into {@code parallelism}
 * contiguous slices; the calling thread computes one slice and waits for the others. A separable
 * block runs its depthwise stage, then its pointwise stage. convgen never creates threads itself.
 *
 * <p>Results are identical to the single-threaded layer's: slices write disjoint outputs and each
 * value is computed by the same code. An executor that rejects a task, discards it, or cannot
 * run it before this call returns (e.g. {@code forward} called from its only thread) costs
 * parallelism, never results: the calling thread computes every slice no other thread has
 * started, and {@code forward} returns (or throws, when a slice threw; the exception is the
 * cause) only after every slice has finished. Immutable and shareable if the executor is.
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
  public String implementation() {
    return layer.implementation();
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
    Slice[] slices = new Slice[parts];
    for (int part = 0; part < parts; part++) {
      slices[part] = new Slice(kernel, input, batch, height, width, output,
          (int) ((long) units * part / parts), (int) ((long) units * (part + 1) / parts));
    }
    for (int part = 1; part < parts; part++) {
      try {
        executor.execute(slices[part]);
      } catch (RejectedExecutionException rejected) {
        // computed below by this thread
      }
    }
    // This thread's slice, then every slice no thread has started: a task the executor rejected,
    // discarded, or queued behind this very thread (forward called from one of its threads).
    for (Slice slice : slices) {
      slice.run();
    }
    Throwable failure = null;
    for (Slice slice : slices) {
      slice.awaitDone();
      if (slice.failure != null) {
        if (failure == null) {
          failure = slice.failure;
        } else {
          failure.addSuppressed(slice.failure);
        }
      }
    }
    if (failure != null) {
      throw new IllegalStateException("a slice of " + kernel.geometry().describe() + " failed",
          failure);
    }
  }

  /**
   * Work units {@code [from, to)}, computed once by whichever thread claims them first; the
   * others skip it. {@link #awaitDone} returns once it has finished, so {@code forward} never
   * returns while a slice still writes the output.
   */
  private static final class Slice implements Runnable {
    private final ConvKernel kernel;
    private final float[] input;
    private final int batch;
    private final int height;
    private final int width;
    private final float[] output;
    private final int from;
    private final int to;
    private final AtomicBoolean claimed = new AtomicBoolean();
    private final CountDownLatch done = new CountDownLatch(1);
    private volatile Throwable failure;

    Slice(ConvKernel kernel, float[] input, int batch, int height, int width, float[] output,
        int from, int to) {
      this.kernel = kernel;
      this.input = input;
      this.batch = batch;
      this.height = height;
      this.width = width;
      this.output = output;
      this.from = from;
      this.to = to;
    }

    @Override
    public void run() {
      if (!claimed.compareAndSet(false, true)) {
        return;
      }
      try {
        kernel.forwardUnits(input, batch, height, width, output, from, to);
      } catch (Throwable t) {
        failure = t;
      } finally {
        done.countDown();
      }
    }

    /** Waits, uninterruptibly, until the slice has finished (it has been claimed by then). */
    void awaitDone() {
      boolean interrupted = false;
      while (true) {
        try {
          done.await();
          break;
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
