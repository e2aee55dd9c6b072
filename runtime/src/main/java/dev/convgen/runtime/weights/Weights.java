package dev.convgen.runtime.weights;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Named tensors loaded from the files PyTorch and NumPy users export: {@code .npy}
 * ({@code numpy.save}, one tensor named after the file), {@code .npz} ({@code numpy.savez} /
 * {@code savez_compressed}) and {@code .safetensors} ({@code safetensors.torch.save_file}).
 * float32 is read as is; float16, bfloat16 (safetensors), float64, int32 and int64 (e.g.
 * BatchNorm's {@code num_batches_tracked}) are converted to float on load, rounding to nearest as
 * NumPy's {@code astype(float32)} does: float64 values beyond float's range become infinities,
 * int32 and int64 values beyond 2^24 lose precision, without a warning. {@code torch.save} files
 * ({@code .pt}, {@code .pth}) are Python pickles and are not read.
 *
 * <p>Every file is validated before values are allocated: a truncated, corrupted or hostile file
 * gives a {@link WeightFileException} naming the file, the tensor and the problem, and memory is
 * bounded by the bytes actually present, never by sizes a header claims. Immutable.
 */
public final class Weights {

  private final Map<String, Tensor> tensors;

  private Weights(Map<String, Tensor> tensors) {
    this.tensors = Collections.unmodifiableMap(tensors);
  }

  /**
   * How many bytes the entries of a compressed {@code .npz} may inflate to, by default, as a
   * multiple of the file's size ({@value}, or {@link #MIN_INFLATED_BYTES} for small files): far
   * above what trained weights compress by (about 1.1x; a model pruned to 90% zeros about 10x),
   * far below a zip bomb's 1000x. Raise it with {@link #load(long, Path...)}.
   */
  public static final int MAX_INFLATION_RATIO = 64;

  /** The inflation limit of small {@code .npz} files: 1 MiB. */
  public static final long MIN_INFLATED_BYTES = 1 << 20;

  /**
   * Loads and merges one or more weight files; the format follows the file extension. Memory is
   * bounded by the bytes in the files (compressed {@code .npz} entries: by
   * {@link #MAX_INFLATION_RATIO} x the file's size).
   *
   * @throws WeightFileException for an unreadable file (a directory, a FIFO, missing, broken) or
   *     a tensor name found in two files
   * @throws IOException when reading fails after the file was opened
   */
  public static Weights load(Path... files) throws IOException {
    return load(0, files);
  }

  /**
   * As {@link #load(Path...)}, with the number of bytes the entries of each compressed
   * {@code .npz} may inflate to; 0 for the default ({@link #MAX_INFLATION_RATIO} x the file size).
   */
  public static Weights load(long maxInflatedBytes, Path... files) throws IOException {
    if (maxInflatedBytes < 0) {
      throw new IllegalArgumentException("maxInflatedBytes: expected 0 (default) or more, got "
          + maxInflatedBytes);
    }
    Map<String, Tensor> all = new LinkedHashMap<>();
    for (Path file : files) {
      Objects.requireNonNull(file, "file");
      for (Tensor tensor : readFile(file, maxInflatedBytes)) {
        if (all.putIfAbsent(tensor.name(), tensor) != null) {
          throw new WeightFileException(file.toString(), "tensor " + tensor.name()
              + " is also defined in an earlier file");
        }
      }
    }
    return new Weights(all);
  }

  /** Weights from tensors built in code (tests, weights computed at start-up). */
  public static Weights of(Collection<Tensor> tensors) {
    Map<String, Tensor> all = new LinkedHashMap<>();
    for (Tensor tensor : tensors) {
      if (all.putIfAbsent(tensor.name(), tensor) != null) {
        throw new IllegalArgumentException("tensors: name " + tensor.name() + " appears twice");
      }
    }
    return new Weights(all);
  }

  private static List<Tensor> readFile(Path file, long maxInflatedBytes) throws IOException {
    String name = file.getFileName() == null ? "" : file.getFileName().toString();
    String lower = name.toLowerCase(Locale.ROOT);
    // Opening a FIFO would block, a directory or a symbolic-link loop fail with a bare IOException.
    if (Files.isDirectory(file)) {
      throw new WeightFileException(file.toString(), "is a directory, not a weight file");
    }
    if (!Files.isRegularFile(file)) {
      throw new WeightFileException(file.toString(), Files.exists(file, LinkOption.NOFOLLOW_LINKS)
          ? "not a regular file (a FIFO, a device, or a symbolic link that leads nowhere or in a"
              + " loop)" : "no such file");
    }
    if (lower.endsWith(".npy")) {
      try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
        return List.of(NpyReader.read(in, name.substring(0, name.length() - 4),
            new TensorData(file.toString(), Files.size(file))));
      }
    }
    if (lower.endsWith(".npz")) {
      long limit = maxInflatedBytes > 0 ? maxInflatedBytes
          : Math.max(MIN_INFLATED_BYTES, MAX_INFLATION_RATIO * Files.size(file));
      return NpzReader.read(file, limit);
    }
    if (lower.endsWith(".safetensors")) {
      return SafetensorsReader.read(file);
    }
    throw new WeightFileException(file.toString(), "unknown weight file type; expected .npy, .npz"
        + " or .safetensors (torch.save .pt/.pth files are pickles and are not read: export with"
        + " safetensors.torch.save_file or numpy.savez)");
  }

  /** The tensor called {@code name}, or null. */
  public Tensor get(String name) {
    return tensors.get(name);
  }

  /** Whether a tensor called {@code name} exists. */
  public boolean contains(String name) {
    return tensors.containsKey(name);
  }

  /** All tensor names, in file order. */
  public Set<String> names() {
    return tensors.keySet();
  }

  /** Number of tensors. */
  public int size() {
    return tensors.size();
  }
}
