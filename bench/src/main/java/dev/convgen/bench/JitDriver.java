package dev.convgen.bench;

import dev.convgen.runtime.ConvLayer;

/**
 * Runs the specialized layer of each named {@link BenchShape} for a while, so that a JVM started
 * with {@code -XX:+PrintCompilation} shows which generated methods the JIT compiled.
 * Arguments: seconds per shape, then shape names.
 */
public final class JitDriver {

  private JitDriver() {}

  public static void main(String[] args) {
    double seconds = Double.parseDouble(args[0]);
    for (int i = 1; i < args.length; i++) {
      BenchShape shape = BenchShape.valueOf(args[i]);
      ConvLayer layer = shape.specialized();
      float[] x = shape.input(layer);
      float[] y = shape.output(layer);
      long end = System.nanoTime() + (long) (seconds * 1e9);
      while (System.nanoTime() < end) {
        layer.forward(x, shape.batch, shape.size, shape.size, y);
      }
    }
  }
}
