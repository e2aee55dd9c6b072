package dev.convgen.runtime.weights;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Reads a tensor's values from a stream without trusting the size its header claims: the result
 * array grows only as bytes actually arrive, so a header claiming gigabytes over a short (or
 * compressed) stream costs at most twice the data really present before it is reported.
 */
final class TensorData {

  /** Largest number of elements a Java array holds safely. */
  static final int MAX_ELEMENTS = Integer.MAX_VALUE - 8;

  /** Bytes read and converted per step: a multiple of every element size. */
  private static final int CHUNK_BYTES = 1 << 20;

  private static final int INITIAL_ELEMENTS = 1 << 16;

  private TensorData() {}

  /** Elements in {@code shape}, or -1 when the product exceeds {@link #MAX_ELEMENTS}. */
  static long elementCount(long[] shape) {
    long count = 1;
    for (long dimension : shape) {
      if (dimension < 0 || dimension > MAX_ELEMENTS) {
        return -1;
      }
      count *= dimension;
      if (count > MAX_ELEMENTS) {
        return -1;
      }
    }
    return count;
  }

  /** The shape as {@code int}s, once {@link #elementCount} accepted it. */
  static int[] toInts(long[] shape) {
    int[] ints = new int[shape.length];
    for (int i = 0; i < shape.length; i++) {
      ints[i] = (int) shape[i];
    }
    return ints;
  }

  /**
   * Reads exactly {@code count} elements of {@code type}.
   *
   * @throws WeightFileException when the stream ends first
   */
  static float[] read(InputStream in, DType type, ByteOrder order, int count, String file,
      String tensor) throws IOException {
    float[] values = new float[Math.min(count, INITIAL_ELEMENTS)];
    byte[] chunk = new byte[(int) Math.min(CHUNK_BYTES, (long) count * type.bytes())];
    ByteBuffer buffer = ByteBuffer.wrap(chunk).order(order);
    int filled = 0;
    while (filled < count) {
      int wanted = (int) Math.min(chunk.length, (long) (count - filled) * type.bytes());
      int got = in.readNBytes(chunk, 0, wanted);
      if (got < wanted) {
        throw new WeightFileException(file, "tensor " + tensor + ": data ends after "
            + ((long) filled * type.bytes() + got) + " of " + (long) count * type.bytes()
            + " bytes (truncated file?)");
      }
      int elements = wanted / type.bytes();
      if (filled + elements > values.length) {
        values = Arrays.copyOf(values,
            (int) Math.min(count, Math.max(2L * values.length, filled + elements)));
      }
      buffer.clear();
      type.decode(buffer, values, filled, elements);
      filled += elements;
    }
    return values;
  }
}
