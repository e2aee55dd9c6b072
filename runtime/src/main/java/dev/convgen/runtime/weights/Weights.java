package dev.convgen.runtime.weights;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
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
 * BatchNorm's {@code num_batches_tracked}) are converted to float on load. {@code torch.save} files ({@code .pt}, {@code .pth}) are Python pickles and are not read.
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
   * Loads and merges one or more weight files; the format follows the file extension.
   *
   * @throws WeightFileException for an unreadable file or a tensor name found in two files
   * @throws IOException when a file cannot be opened
   */
  public static Weights load(Path... files) throws IOException {
    Map<String, Tensor> all = new LinkedHashMap<>();
    for (Path file : files) {
      Objects.requireNonNull(file, "file");
      for (Tensor tensor : readFile(file)) {
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

  private static List<Tensor> readFile(Path file) throws IOException {
    String name = file.getFileName() == null ? "" : file.getFileName().toString();
    String lower = name.toLowerCase(Locale.ROOT);
    if (lower.endsWith(".npy")) {
      try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
        return List.of(NpyReader.read(in, name.substring(0, name.length() - 4), file.toString()));
      }
    }
    if (lower.endsWith(".npz")) {
      return NpzReader.read(file);
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
