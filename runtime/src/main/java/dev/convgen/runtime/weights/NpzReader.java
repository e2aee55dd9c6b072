package dev.convgen.runtime.weights;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * Reads NumPy's {@code .npz} archives ({@code numpy.savez} and {@code numpy.savez_compressed}): a
 * zip file of {@code .npy} arrays, each named by its entry without the {@code .npy} suffix.
 */
final class NpzReader {

  private NpzReader() {}

  static List<Tensor> read(Path path) throws IOException {
    String file = path.toString();
    List<Tensor> tensors = new ArrayList<>();
    Set<String> names = new HashSet<>();
    try (ZipFile zip = new ZipFile(path.toFile())) {
      Enumeration<? extends ZipEntry> entries = zip.entries();
      while (entries.hasMoreElements()) {
        ZipEntry entry = entries.nextElement();
        if (entry.isDirectory()) {
          continue;
        }
        String entryName = entry.getName();
        if (!entryName.endsWith(".npy")) {
          throw new WeightFileException(file, "entry " + entryName + " is not a .npy array;"
              + " an .npz archive holds only .npy entries");
        }
        String name = entryName.substring(0, entryName.length() - 4);
        if (!names.add(name)) {
          throw new WeightFileException(file, "tensor " + name + " appears twice");
        }
        try (InputStream in = zip.getInputStream(entry)) {
          tensors.add(NpyReader.read(in, name, file));
        } catch (WeightFileException e) {
          throw e;
        } catch (IOException | RuntimeException e) {
          // Inflater and zip-format failures (EOFException, ZipException, bad entry sizes).
          throw new WeightFileException(file, "tensor " + name + ": corrupted zip entry ("
              + e + ")", e);
        }
      }
    } catch (WeightFileException e) {
      throw e;
    } catch (ZipException | EOFException | RuntimeException e) {
      // java.util.zip reports malformed archives as ZipException (or EOFException when a record
      // runs past the end), malformed entry names as IllegalArgumentException.
      throw new WeightFileException(file, "not a valid .npz (zip) archive: " + e.getMessage(), e);
    }
    return tensors;
  }
}
