package dev.convgen.runtime.weights;

import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.zip.CRC32;
import java.util.zip.CheckedInputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * Reads NumPy's {@code .npz} archives ({@code numpy.savez} and {@code numpy.savez_compressed}): a
 * zip file of {@code .npy} arrays, each named by its entry without the {@code .npy} suffix. Every
 * entry's CRC-32 is checked, as NumPy does; the bytes all entries inflate to are bounded by
 * {@code maxInflatedBytes}, so a small compressed file cannot claim unbounded memory.
 */
final class NpzReader {

  private NpzReader() {}

  static List<Tensor> read(Path path, long maxInflatedBytes) throws IOException {
    String file = path.toString();
    long[] inflated = {0};
    List<Tensor> tensors = new ArrayList<>();
    TensorData data = new TensorData(file, Files.size(path));
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
        CRC32 crc = new CRC32();
        try (InputStream in = new CheckedInputStream(
            limited(zip.getInputStream(entry), inflated, maxInflatedBytes, file, name), crc)) {
          tensors.add(NpyReader.read(in, name, data));
          in.transferTo(OutputStream.nullOutputStream()); // NpyReader refused trailing bytes
        } catch (WeightFileException e) {
          throw e;
        } catch (IOException | RuntimeException e) {
          // Inflater and zip-format failures (EOFException, ZipException, bad entry sizes).
          throw new WeightFileException(file, "tensor " + name + ": corrupted zip entry ("
              + e + ")", e);
        }
        if (entry.getCrc() != -1 && crc.getValue() != entry.getCrc()) {
          throw new WeightFileException(file, "tensor " + name + ": bad CRC-32 (the entry's data"
              + " is corrupted: stored " + Long.toHexString(entry.getCrc()) + ", computed "
              + Long.toHexString(crc.getValue()) + ")");
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

  /** {@code in}, failing once all entries together have produced more than {@code limit} bytes. */
  private static InputStream limited(InputStream in, long[] total, long limit, String file,
      String name) {
    return new FilterInputStream(in) {
      @Override
      public int read() throws IOException {
        int b = super.read();
        if (b >= 0) {
          count(1);
        }
        return b;
      }

      @Override
      public int read(byte[] buffer, int offset, int length) throws IOException {
        int n = super.read(buffer, offset, length);
        if (n > 0) {
          count(n);
        }
        return n;
      }

      private void count(int n) throws WeightFileException {
        total[0] += n;
        if (total[0] > limit) {
          throw new WeightFileException(file, "tensor " + name + ": the archive inflates past "
              + limit + " bytes, the limit for this file (a zip bomb, or unusually compressible"
              + " data: raise it with Weights.load(maxInflatedBytes, files))");
        }
      }
    };
  }
}
