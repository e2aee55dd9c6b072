package dev.convgen.runtime.network;

import dev.convgen.runtime.ConvKernel;
import dev.convgen.runtime.ConvLayer;
import dev.convgen.runtime.NamedLayer;
import dev.convgen.runtime.internal.Arguments;
import dev.convgen.runtime.internal.ArrayPool;
import dev.convgen.runtime.internal.UnitKernel;
import dev.convgen.runtime.internal.nhwc.NhwcLayout;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Runs a kernel, a block or a whole network on several threads of a caller-supplied
 * {@link Executor}: each stage's work is split into {@code parallelism} contiguous slices; the
 * calling thread computes one slice and waits for the others, stage after stage. In NCHW a
 * stage's slices are its {@linkplain ConvKernel#workUnits work units} (blocks of output
 * channels); stages that compute in NHWC (in networks, see {@link Sequential}) are split by output
 * rows (pointwise stages by output pixels), so a single image uses every thread, and so are the
 * NCHW calls of kernels that run their NHWC body band by band ({@code UnitKernel}: dense kernels,
 * strided ones without NCHW SIMD code), each thread transposing its own bands of input and
 * output. A network ({@link Sequential}, blocks inside it) keeps its layouts and buffers, its
 * layout changes (the entry and exit of an NCHW call) split by runs of pixels; parameter-free
 * layers run on the calling thread. convgen never creates threads itself.
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
  /** Each calling thread's session, reused from pass to pass. */
  private final ThreadLocal<Session> sessions;

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
    this.sessions = ThreadLocal.withInitial(() -> new Session(parallelism));
  }

  /**
   * @param parallelism slices per stage, typically the executor's thread count plus one for the
   *     calling thread
   */
  public static ParallelLayer of(ConvLayer layer, Executor executor, int parallelism) {
    return new ParallelLayer(layer, executor, parallelism);
  }

  /** The layer it splits, for {@link WarmUp}. */
  ConvLayer layer() {
    return layer;
  }

  @Override
  public String implementation() {
    return layer.implementation();
  }

  /** The parts of the layer it splits, so that {@link LayerTable} lists them. */
  @Override
  public List<NamedLayer> parts() {
    return layer.parts();
  }

  @Override
  public String kind() {
    return layer.kind();
  }

  @Override
  public String window() {
    return layer.window();
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
    if (layer instanceof UnitKernel kernel && kernel.forwardRunsNhwc()
        && !kernel.forwardRunsNhwcBands(height, width)) {
      // as the kernel's own forward: its NHWC body between transpositions (same result)
      NhwcLayout.forwardViaNhwc(this, input, batch, height, width, output);
      return;
    }
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
   * The calling thread's {@link Session} is reused from pass to pass, so a pass allocates nothing
   * here (the executor may allocate to queue a task).
   */
  private void forward(float[] input, boolean nhwc, int batch, int height, int width,
      float[] output) {
    Session session = sessions.get();
    if (session.active) {
      session = new Session(parallelism); // re-entered from a layer of this pass: its own
    }
    session.begin();
    // helpers still spinning after the last pass take this one (read after begin(): a helper
    // counted here sees the new pass); tasks for the rest
    for (int helper = 1 + session.lingering.get(); helper < parallelism; helper++) {
      try {
        executor.execute(session);
      } catch (RejectedExecutionException rejected) {
        break; // the calling thread computes what no helper takes
      }
    }
    try {
      if (layer instanceof Sequential network) {
        network.run(input, nhwc, batch, height, width, output, nhwc, null, session);
      } else {
        session.run(layer, nhwc, input, batch, height, width, output);
      }
    } finally {
      session.end();
    }
  }

  /**
   * The threads of a calling thread's forward passes. The calling thread publishes one stage at
   * a time and takes part in it; helpers (the session handed to the executor once per pass, for
   * as many helpers as are not still spinning after the last one) spin on the published stage,
   * claim slices of it, and when their pass is finished spin a little longer for the next one
   * ({@link #LINGER_NANOS}) before they return. The calling thread computes each stage's first
   * slice, so that with two threads every stage's halves fall to the same threads and find the
   * data the stage before left in their caches (measured on a Zen 5, 2 cores, MobileNet-v1 and
   * its 13 blocks on two threads, alternated in one JVM: 1.1-5.4% faster a pass than with every
   * slice claimed by whichever thread came first, mostly the spinning helper). Every other slice
   * is claimed exactly once, by whichever thread gets it first, and the calling thread claims
   * all that are left, so a helper that never starts (rejected, discarded, queued behind the
   * caller) costs parallelism only; the calling thread leaves a stage only when every slice of
   * it has finished.
   *
   * <p>Reused from stage to stage and pass to pass without allocating: a stage's slices are
   * claimed by compare-and-set on one {@link AtomicLong} holding the stage's number (high half)
   * and its next slice (low half), which the caller closes (next slice = MAX) when the stage has
   * finished and before it writes the next stage's fields, so a claim read for one stage never
   * succeeds on another; a claimed slice holds its stage (the caller waits for it), so the
   * stage's fields read after the claim are that stage's. Holds no reference to the layer (a
   * thread-local value that did would keep its layer alive).
   */
  private static final class Session implements Runnable, Sequential.LayerRunner {
    /**
     * How long a helper spins after its pass for the calling thread's next one, before it returns
     * to the executor: 0.5 ms. Passes that follow each other then find their helper running
     * instead of waking an executor thread. Measured on MobileNet-v1 (Zen 5, 2 cores,
     * {@code ThreadScaling}, 20 rounds of 10 passes): two threads 1.66-1.71x one without it, 1.69-
     * 1.77x with it (four runs each way, alternated; 0.2 ms: 1.67 and 1.80x). The cost: up to
     * 0.5 ms of a core after the last pass, and an executor thread held that long.
     */
    static final long LINGER_NANOS = 500_000;
    private final int parallelism;
    /** This thread's pass in progress (a helper helps the pass it started in). */
    private volatile int pass;
    private volatile int finishedPass;
    /** Whether a pass is in progress on the calling thread. */
    boolean active;
    /** Helpers spinning after their pass for the calling thread's next one. */
    final AtomicInteger lingering = new AtomicInteger();

    /**
     * Stage number (high 32 bits) and next unclaimed slice (low 32 bits); closed (slice MAX)
     * whenever no stage is published, from the start: a helper may see a stage's slice count
     * before its ticket.
     */
    private final AtomicLong ticket = new AtomicLong(Integer.MAX_VALUE);
    private final AtomicInteger finishedSlices = new AtomicInteger();
    private int stageNumber;
    // the published stage, written before its ticket
    private int units;
    private int slices;
    private UnitKernel nhwcKernel;
    private ConvKernel nchwKernel;
    private float[] input;
    private boolean inputBlocked;
    private float[] output;
    private boolean outputBlocked;
    /** NCHW output rows computed band by band (UnitKernel.forwardNhwcBands). */
    private boolean bands;
    /**
     * A layout transposition instead of a kernel: the input's pixels into the output's layout,
     * NHWC into NCHW when {@code fromNhwc}, units of {@link NhwcLayout#transposeUnits}.
     */
    private boolean transposing;
    private boolean fromNhwc;
    private int channels;
    /**
     * The depthwise kernel {@code nhwcKernel} runs together with, its output rows the units
     * (UnitKernel.forwardNhwcWithDepthwise); null for a stage alone.
     */
    private UnitKernel withDepthwise;
    private int batch;
    private int height;
    private int width;
    /** The stage's first failure; later ones are suppressed into it (guarded by this). */
    private Throwable failure;

    Session(int parallelism) {
      this.parallelism = parallelism;
    }

    void begin() {
      active = true;
      pass = pass + 1;
    }

    void end() {
      finishedPass = pass;
      active = false;
    }

    /**
     * A helper: works on the stages of the pass in progress when it started; then spins for up
     * to {@link #LINGER_NANOS} and helps the calling thread's next pass if one begins, or
     * returns.
     */
    @Override
    public void run() {
      int mine = pass;
      for (;;) {
        help(mine);
        lingering.incrementAndGet();
        long deadline = System.nanoTime() + LINGER_NANOS;
        while (pass == mine && System.nanoTime() - deadline < 0) {
          Thread.onSpinWait();
        }
        lingering.decrementAndGet();
        int next = pass; // read after leaving the count: a pass that counted this helper is seen
        if (next == mine) {
          return;
        }
        mine = next;
      }
    }

    /** Works on the stages of pass {@code mine} until it is finished. */
    private void help(int mine) {
      int idle = 0;
      while (finishedPass - mine < 0) {
        if (work()) {
          idle = 0;
        } else if (++idle < 1 << 14) {
          Thread.onSpinWait();
        } else {
          Thread.yield(); // the caller is in a long serial step: give the core back
        }
      }
    }

    /** One layer of a network (or the wrapped layer) in the given layout, split where it can be. */
    @Override
    public void run(ConvLayer part, boolean nhwc, float[] input, int batch, int height,
        int width, float[] output) {
      if (part instanceof UnitKernel kernel && nhwc) {
        Arguments.checkForward(kernel.geometry(), input, batch, height, width, output);
        split(kernel, null, kernel.nhwcUnits(batch, height, width), input, false, batch, height,
            width, output, false);
      } else if (part instanceof UnitKernel kernel && kernel.forwardRunsNhwcBands(height, width)) {
        // as the kernel's own forward: the rows split, each slice transposing its bands
        Arguments.checkForward(kernel.geometry(), input, batch, height, width, output);
        bands = true;
        try {
          split(kernel, null, kernel.nhwcUnits(batch, height, width), input, false, batch, height,
              width, output, false);
        } finally {
          bands = false;
        }
      } else if (part instanceof ConvKernel kernel && !nhwc) {
        Arguments.checkForward(kernel.geometry(), input, batch, height, width, output);
        split(null, kernel, kernel.workUnits(batch), input, false, batch, height, width, output,
            false);
      } else if (part instanceof SeparableBlock block) {
        runBlock(block, nhwc, input, false, batch, height, width, output, false);
      } else if (part instanceof Sequential network) {
        network.run(input, nhwc, batch, height, width, output, nhwc, null, this);
      } else if (part instanceof InvertedResidualBlock block) {
        block.stages().run(input, nhwc, batch, height, width, output, nhwc, null, this);
        block.addResidual(input, output);
      } else if (nhwc) {
        part.forwardNhwc(input, batch, height, width, output);
      } else {
        part.forward(input, batch, height, width, output);
      }
    }

    @Override
    public boolean blocks() {
      return true;
    }

    /** A pointwise and a depthwise kernel together, the depthwise output rows split. */
    @Override
    public void runWithDepthwise(UnitKernel pointwise, UnitKernel depthwise, float[] input,
        int batch, int height, int width, float[] output) {
      withDepthwise = depthwise;
      try {
        split(pointwise, null, depthwise.nhwcUnits(batch, height, width), input, false, batch,
            height, width, output, false);
      } finally {
        withDepthwise = null;
      }
    }

    /**
     * A network's layout change, split by runs of pixels. Measured on a Zen 5 (2 cores,
     * MobileNet-v1's 13 blocks alone through an NCHW call, whose 32 x 112 x 112 input the calling
     * thread transposed while the other waited; both ways alternated in one JVM): two threads
     * 4,493 -> 4,313 us a pass, 1.71 -> 1.78x one thread.
     */
    @Override
    public void transpose(float[] from, float[] to, boolean fromNhwc, int batch, int channels,
        int height, int width) {
      this.fromNhwc = fromNhwc;
      this.channels = channels;
      transposing = true;
      try {
        split(null, null, NhwcLayout.transposeUnits(batch, height * width), from, false, batch,
            height, width, to, false);
      } finally {
        transposing = false;
      }
    }

    /**
     * A kernel split as in NHWC, or both stages of a separable block, the input and/or the
     * output channel-blocked.
     */
    @Override
    public void runBlocked(ConvLayer layer, float[] input, boolean inputBlocked, int batch,
        int height, int width, float[] output, boolean outputBlocked) {
      if (layer instanceof UnitKernel kernel) {
        Arguments.checkForward(kernel.geometry(), input, batch, height, width, output);
        split(kernel, null, kernel.nhwcUnits(batch, height, width), input, inputBlocked, batch,
            height, width, output, outputBlocked);
        return;
      }
      runBlock((SeparableBlock) layer, true, input, inputBlocked, batch, height, width, output,
          outputBlocked);
    }

    /**
     * A separable block's two stages, each split, through an intermediate borrowed for the call;
     * the block's input and/or output channel-blocked where a flag asks.
     */
    private void runBlock(SeparableBlock block, boolean nhwc, float[] input,
        boolean inputBlocked, int batch, int height, int width, float[] output,
        boolean outputBlocked) {
      ConvKernel depthwise = block.depthwise();
      Arguments.checkInput(depthwise.geometry(), input, batch, height, width);
      ArrayPool pool = ArrayPool.ofThread();
      float[] intermediate = pool.borrow(block.intermediateLength(batch, height, width));
      try {
        block.checkStages(input, batch, height, width, output, intermediate);
        runStage(depthwise, nhwc, input, inputBlocked, batch, height, width, intermediate,
            false);
        runStage(block.pointwise(), nhwc, intermediate, false, batch,
            depthwise.outputHeight(height), depthwise.outputWidth(width), output,
            outputBlocked);
      } finally {
        pool.giveBack(intermediate);
      }
    }

    /** One stage of a block: {@link #run}, or channel-blocked where a flag asks. */
    private void runStage(ConvKernel stage, boolean nhwc, float[] input, boolean inputBlocked,
        int batch, int height, int width, float[] output, boolean outputBlocked) {
      if (inputBlocked || outputBlocked) {
        runBlocked(stage, input, inputBlocked, batch, height, width, output, outputBlocked);
      } else {
        run(stage, nhwc, input, batch, height, width, output);
      }
    }

    /**
     * Splits a kernel's {@code units} (NHWC when {@code nhwcKernel} is given, else NCHW) into up
     * to {@code parallelism} slices and computes them all.
     */
    private void split(UnitKernel nhwcKernel, ConvKernel nchwKernel, int units, float[] input,
        boolean inputBlocked, int batch, int height, int width, float[] output,
        boolean outputBlocked) {
      // written while the ticket is closed: no helper can claim until it is published
      this.nhwcKernel = nhwcKernel;
      this.nchwKernel = nchwKernel;
      this.input = input;
      this.inputBlocked = inputBlocked;
      this.output = output;
      this.outputBlocked = outputBlocked;
      this.batch = batch;
      this.height = height;
      this.width = width;
      int slices = Math.min(parallelism, units);
      if (slices <= 1) {
        compute(0, units);
        clear();
        return;
      }
      this.units = units;
      this.slices = slices;
      synchronized (this) {
        failure = null;
      }
      finishedSlices.set(0);
      stageNumber++;
      // publishes the fields above with slice 1 as the next to claim: slice 0 is the calling
      // thread's in every stage, so consecutive stages find their data where they left it
      ticket.set((long) stageNumber << 32 | 1);
      computeSlice(0);
      work();
      for (int spins = 0; finishedSlices.get() < slices; spins++) {
        if (spins < 1 << 14) {
          Thread.onSpinWait();
        } else {
          Thread.yield();
        }
      }
      // closed before any field changes: a helper that read this stage's ticket and then sees
      // the next stage's slice count cannot claim with it
      ticket.set((long) stageNumber << 32 | Integer.MAX_VALUE);
      ConvKernel kernel = nhwcKernel != null ? nhwcKernel : nchwKernel;
      clear();
      Throwable failed;
      synchronized (this) {
        failed = failure;
      }
      if (failed != null) {
        throw new IllegalStateException("a slice of " + (kernel != null
            ? kernel.geometry().describe() : "a layout transposition") + " failed", failed);
      }
    }

    /** Forgets the stage's arrays and kernel (a thread-local session must not keep them). */
    private void clear() {
      nhwcKernel = null;
      nchwKernel = null;
      input = null;
      output = null;
    }

    /** Claims and computes slices of the published stage; whether it computed any. */
    private boolean work() {
      boolean worked = false;
      for (;;) {
        long claim = ticket.get();
        int slice = (int) claim;
        if (slice >= slices || !ticket.compareAndSet(claim, claim + 1)) {
          if (slice >= slices) {
            return worked;
          }
          continue;
        }
        worked = true;
        computeSlice(slice);
      }
    }

    /**
     * Computes slice {@code slice} of the published stage and counts it finished; a failure is
     * kept for the calling thread to throw once every slice has finished.
     */
    private void computeSlice(int slice) {
      try {
        compute((int) ((long) units * slice / slices),
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
        finishedSlices.incrementAndGet();
      }
    }

    private void compute(int from, int to) {
      if (transposing) {
        NhwcLayout.transposeUnits(input, output, fromNhwc, channels, height * width, from, to);
      } else if (withDepthwise != null) {
        nhwcKernel.forwardNhwcWithDepthwise(withDepthwise, input, batch, height, width, output,
            from, to);
      } else if (nhwcKernel != null && bands) {
        nhwcKernel.forwardNhwcBands(input, batch, height, width, output, from, to);
      } else if (nhwcKernel != null) {
        nhwcKernel.forwardNhwcUnits(input, inputBlocked, batch, height, width, output,
            outputBlocked, from, to);
      } else {
        nchwKernel.forwardUnits(input, batch, height, width, output, from, to);
      }
    }
  }
}
