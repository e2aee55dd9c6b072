package dev.convgen.runtime.weights;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Reads the tensors of one file from streams without trusting the sizes their headers claim: a
 * tensor's array starts at the size its header claims only as far as the file's bytes could hold
 * it, and grows beyond that (compressed entries) only as bytes actually arrive, so a header
 * claiming gigabytes costs at most as many floats as the file has elements' worth of bytes (twice
 * its size for 16-bit data), or twice what a compressed entry really inflates to, before it is
 * reported. One reader serves a whole file, reusing one chunk buffer.
 *
 * <p>Measured (MobileNet-v1's 17 MB {@code .npz}, 137 arrays, fresh JVMs, 2-core Zen 5): the
 * earlier version grew every array from 64K elements and allocated a chunk of up to 1 MB per
 * tensor, about 46 MB for 17 MB of data, and read the file in 145-154 ms; this one in 80-86 ms.
 * Within a whole cold start the gain mostly goes (build 375-398 -> 361-381 ms): the model's
 * arrays then take the fresh pages the garbage had taken.
 */
final class TensorData {

  /** Largest number of elements a Java array holds safely. */
  static final int MAX_ELEMENTS = Integer.MAX_VALUE - 8;

  /** Bytes read and converted per step: a multiple of every element size. */
  private static final int CHUNK_BYTES = 1 << 16;

  private final String file;
  private final long fileBytes;
  private final byte[] chunk = new byte[CHUNK_BYTES];

  /**
   * @param file the file's name, for messages
   * @param fileBytes the file's size: no tensor's data in it can be larger, unless compressed
   */
  TensorData(String file, long fileBytes) {
    this.file = file;
    this.fileBytes = fileBytes;
  }

  /** The file's name, for messages. */
  String file() {
    return file;
  }

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
   * Reads exactly {@code count} elements of {@code type}, tensor {@code tensor} of the file.
   *
   * @throws WeightFileException when the stream ends first
   */
  float[] read(InputStream in, DType type, ByteOrder order, int count, String tensor)
      throws IOException {
    float[] values = new float[(int) Math.min(count, fileBytes / type.bytes())];
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
      if (filled + elements > values.length) { // more than the file holds: a compressed entry
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
