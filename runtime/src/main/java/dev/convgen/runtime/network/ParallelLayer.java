package dev.convgen.runtime.network;

import dev.convgen.runtime.ConvKernel;
import dev.convgen.runtime.ConvLayer;
import dev.convgen.runtime.internal.Arguments;
import dev.convgen.runtime.internal.UnitKernel;
import dev.convgen.runtime.internal.nhwc.NhwcLayout;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs a kernel, a block or a whole network on several threads of a caller-supplied
 * {@link Executor}: each stage's work is split into {@code parallelism} contiguous slices; the
 * calling thread computes one slice and waits for the others, stage after stage. In NCHW a
 * stage's slices are its {@linkplain ConvKernel#workUnits work units} (blocks of output
 * channels); stages that compute in NHWC (in networks, see {@link Sequential}) are split by output
 * rows (pointwise stages by output pixels), so a single image uses every thread. A network ({@link Sequential}, blocks inside it)
 * keeps its layouts and buffers; parameter-free layers run on the calling thread. convgen never
 * creates threads itself.
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
    if (!(layer instanceof ConvKernel) && !(layer instanceof SeparableBlock)
        && !(layer instanceof Sequential) && !(layer instanceof InvertedResidualBlock)) {
      throw new IllegalArgumentException("layer: expected a ConvKernel, a SeparableBlock, an"
          + " InvertedResidualBlock or a Sequential, got " + layer.getClass().getName());
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
  public boolean nhwcNative() {
    return layer.nhwcNative();
  }

  @Override
  public void forward(float[] input, int batch, int height, int width, float[] output) {
    forward(input, false, batch, height, width, output);
  }

  @Override
  public void forwardNhwc(float[] input, int batch, int height, int width, float[] output) {
    if (layer instanceof Sequential || layer.nhwcNative()) {
      forward(input, true, batch, height, width, output);
    } else {
      NhwcLayout.forwardViaNchw(this, input, batch, height, width, output);
    }
  }

  /**
   * One forward pass: the helper tasks are handed to the executor once, and follow the calling
   * thread from stage to stage (a stage handed over costs a memory write, not a thread wake-up:
   * measured on MobileNet-v1, one task per stage and thread cost about a millisecond a pass).
   */
  private void forward(float[] input, boolean nhwc, int batch, int height, int width,
      float[] output) {
    Session session = new Session();
    for (int helper = 1; helper < parallelism; helper++) {
      try {
        executor.execute(session);
      } catch (RejectedExecutionException rejected) {
        break; // the calling thread computes what no helper takes
      }
    }
    try {
      if (layer instanceof Sequential network) {
        network.run(input, nhwc, batch, height, width, output, nhwc, null,
            (part, partNhwc, in, n, h, w, out) -> run(session, part, partNhwc, in, n, h, w,
                out));
      } else {
        run(session, layer, nhwc, input, batch, height, width, output);
      }
    } finally {
      session.finished = true;
    }
  }

  /** One layer of a network (or the wrapped layer) in the given layout, split where it can be. */
  private void run(Session session, ConvLayer part, boolean nhwc, float[] input, int batch,
      int height, int width, float[] output) {
    if (part instanceof UnitKernel kernel && nhwc) {
      Arguments.checkForward(kernel.geometry(), input, batch, height, width, output);
      session.split(kernel.geometry().describe(), kernel.nhwcUnits(batch, height, width),
          parallelism,
          (from, to) -> kernel.forwardNhwcUnits(input, batch, height, width, output, from, to));
    } else if (part instanceof ConvKernel kernel && !nhwc) {
      Arguments.checkForward(kernel.geometry(), input, batch, height, width, output);
      session.split(kernel.geometry().describe(), kernel.workUnits(batch), parallelism,
          (from, to) -> kernel.forwardUnits(input, batch, height, width, output, from, to));
    } else if (part instanceof SeparableBlock block) {
      ConvKernel depthwise = block.depthwise();
      Arguments.checkInput(depthwise.geometry(), input, batch, height, width);
      float[] intermediate = block.intermediateFor(batch, height, width);
      block.checkStages(input, batch, height, width, output, intermediate);
      run(session, depthwise, nhwc, input, batch, height, width, intermediate);
      run(session, block.pointwise(), nhwc, intermediate, batch, depthwise.outputHeight(height),
          depthwise.outputWidth(width), output);
    } else if (part instanceof Sequential network) {
      network.run(input, nhwc, batch, height, width, output, nhwc, null,
          (p, pNhwc, in, n, h, w, out) -> run(session, p, pNhwc, in, n, h, w, out));
    } else if (part instanceof InvertedResidualBlock block) {
      block.stages().run(input, nhwc, batch, height, width, output, nhwc, null,
          (p, pNhwc, in, n, h, w, out) -> run(session, p, pNhwc, in, n, h, w, out));
      block.addResidual(input, output);
    } else if (nhwc) {
      part.forwardNhwc(input, batch, height, width, output);
    } else {
      part.forward(input, batch, height, width, output);
    }
  }

  /** Computes a range {@code [from, to)} of a stage's work. */
  @FunctionalInterface
  interface Range {
    void compute(int from, int to);
  }

  /**
   * The threads of one forward pass. The calling thread publishes one stage at a time and takes
   * part in it; helpers (tasks handed to the executor once per pass) spin on the published stage,
   * claim slices of it, and return when the pass is finished. Every slice is claimed exactly once,
   * by whichever thread gets it first, and the calling thread claims all that are left, so a helper
   * that never starts (rejected, discarded, queued behind the caller) costs parallelism only; the
   * calling thread leaves a stage only when every slice of it has finished.
   */
  private static final class Session implements Runnable {
    volatile Stage stage;
    volatile boolean finished;

    @Override
    public void run() {
      Stage done = null;
      int idle = 0;
      while (!finished) {
        Stage current = stage;
        if (current != null && current != done) {
          current.work();
          done = current;
          idle = 0;
        } else if (++idle < 1 << 14) {
          Thread.onSpinWait();
        } else {
          Thread.yield(); // the caller is in a long serial step: give the core back
        }
      }
    }

    /** Splits {@code units} into up to {@code parts} slices and computes them all. */
    void split(String what, int units, int parts, Range range) {
      int slices = Math.min(parts, units);
      if (slices <= 1) {
        range.compute(0, units);
        return;
      }
      Stage current = new Stage(range, units, slices);
      stage = current;
      current.work();
      current.awaitDone();
      Throwable failure = current.failure();
      if (failure != null) {
        throw new IllegalStateException("a slice of " + what + " failed", failure);
      }
    }
  }

  /** One stage's slices, claimed by index. */
  private static final class Stage {
    private final Range range;
    private final int units;
    private final int slices;
    private final AtomicInteger next = new AtomicInteger();
    private final AtomicInteger finished = new AtomicInteger();
    /** The first failure; later ones are suppressed into it (guarded by this). */
    private Throwable failure;

    Stage(Range range, int units, int slices) {
      this.range = range;
      this.units = units;
      this.slices = slices;
    }

    synchronized Throwable failure() {
      return failure;
    }

    void work() {
      for (int slice; (slice = next.getAndIncrement()) < slices; ) {
        try {
          range.compute((int) ((long) units * slice / slices),
              (int) ((long) units * (slice + 1) / slices));
        } catch (Throwable t) {
          synchronized (this) {
            if (failure == null) {
              failure = t;
            } else {
              failure.addSuppressed(t);
            }
          }
        } finally {
          finished.incrementAndGet();
        }
      }
    }

    /**
     * Spins until every slice has finished (all are claimed by then). A failure recorded before
     * its slice's {@code finished} increment is visible afterwards.
     */
    void awaitDone() {
      for (int spins = 0; finished.get() < slices; spins++) {
        if (spins < 1 << 14) {
          Thread.onSpinWait();
        } else {
          Thread.yield();
        }
      }
    }
  }
}
