package dev.convgen.bench;

import dev.convgen.runtime.ConvLayer;
import dev.convgen.runtime.network.ParallelLayer;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A layer as the thread benchmarks run it: itself on one thread, a {@link ParallelLayer} over the
 * benchmark's own pool of {@code threads - 1} daemon helpers on more. Close it to stop the pool.
 */
final class ThreadedLayer implements AutoCloseable {

  /** What to call {@code forward} on. */
  final ConvLayer layer;
  private final ExecutorService pool;

  ThreadedLayer(ConvLayer model, int threads) {
    if (threads > 1) {
      pool = Executors.newFixedThreadPool(threads - 1, task -> {
        Thread thread = new Thread(task, "convgen-bench");
        thread.setDaemon(true);
        return thread;
      });
      layer = ParallelLayer.of(model, pool, threads);
    } else {
      pool = null;
      layer = model;
    }
  }

  @Override
  public void close() {
    if (pool != null) {
      pool.shutdownNow();
    }
  }
}
