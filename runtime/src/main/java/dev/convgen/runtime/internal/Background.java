package dev.convgen.runtime.internal;

import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/** Work run in a daemon thread of its own, so that it never keeps the JVM alive. */
public final class Background {

  private Background() {}

  /**
   * Starts {@code work} in a new daemon thread named {@code name} and returns at once.
   *
   * @return completes with what {@code work} returns, or exceptionally with what it threw
   */
  public static <T> CompletableFuture<T> supply(String name, Supplier<T> work) {
    return CompletableFuture.supplyAsync(work, task -> {
      Thread thread = new Thread(task, name);
      thread.setDaemon(true);
      thread.start();
    });
  }
}
