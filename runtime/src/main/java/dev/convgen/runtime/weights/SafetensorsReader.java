package dev.convgen.runtime.weights;

import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Reads the {@code safetensors} format: an 8-byte little-endian header size, a UTF-8 JSON header
 * mapping each tensor name to {@code dtype}, {@code shape} and {@code data_offsets}, then the
 * little-endian data. As the format requires, the tensors must cover the data exactly, without
 * overlaps or holes.
 */
final class SafetensorsReader {

  /** The format's own limit on the header size. */
  static final long MAX_HEADER_BYTES = 100L << 20;

  private record Entry(String name, DType type, long[] shape, long begin, long end) {}

  private SafetensorsReader() {}

  static List<Tensor> read(Path path) throws IOException {
    String file = path.toString();
    long fileSize = Files.size(path);
    try (InputStream in = new BufferedInputStream(Files.newInputStream(path), 1 << 16)) {
      byte[] sizeField = in.readNBytes(8);
      if (sizeField.length < 8) {
        throw new WeightFileException(file, "too short for a safetensors file ("
            + fileSize + " bytes)");
      }
      long headerSize = ByteBuffer.wrap(sizeField).order(ByteOrder.LITTLE_ENDIAN).getLong();
      if (headerSize < 2 || headerSize > MAX_HEADER_BYTES || headerSize > fileSize - 8) {
        throw new WeightFileException(file, "safetensors header size "
            + Long.toUnsignedString(headerSize) + " is impossible for a file of " + fileSize
            + " bytes (limit " + MAX_HEADER_BYTES + ")");
      }
      // Parsed as it streams in: memory stays bounded however large (or padded) the header is.
      List<Entry> entries = parseHeader(new BoundedInputStream(in, headerSize), file);
      checkLayout(entries, fileSize - 8 - headerSize, file);
      List<Tensor> tensors = new ArrayList<>(entries.size());
      TensorData data = new TensorData(file, fileSize);
      for (Entry entry : entries) { // in data order after checkLayout
        float[] values = data.read(in, entry.type(), ByteOrder.LITTLE_ENDIAN,
            (int) TensorData.elementCount(entry.shape()), entry.name());
        tensors.add(new Tensor(entry.name(), TensorData.toInts(entry.shape()), values));
      }
      return tensors;
    }
  }

  /** The first {@code limit} bytes of a stream; closing it leaves the stream open. */
  private static final class BoundedInputStream extends InputStream {
    private final InputStream in;
    private long remaining;

    BoundedInputStream(InputStream in, long limit) {
      this.in = in;
      this.remaining = limit;
    }

    @Override
    public int read() throws IOException {
      if (remaining <= 0) {
        return -1;
      }
      int b = in.read();
      if (b >= 0) {
        remaining--;
      }
      return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
      if (remaining <= 0) {
        return -1;
      }
      int n = in.read(buffer, offset, (int) Math.min(length, remaining));
      if (n > 0) {
        remaining -= n;
      }
      return n;
    }
  }

  private static List<Entry> parseHeader(BoundedInputStream header, String file)
      throws IOException {
    List<Entry> entries = new ArrayList<>();
    Set<String> names = new HashSet<>();
    Reader utf8 = new InputStreamReader(header, StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT));
    try (JsonReader json = new JsonReader(utf8)) {
      json.setStrictness(Strictness.STRICT);
      json.beginObject();
      while (json.hasNext()) {
        String name = json.nextName();
        if (!names.add(name)) {
          throw new WeightFileException(file, "tensor " + name + " appears twice in the header");
        }
        if (name.equals("__metadata__")) {
          json.beginObject();
          while (json.hasNext()) {
            json.nextName();
            json.nextString();
          }
          json.endObject();
        } else {
          entries.add(entry(json, name, file));
        }
      }
      json.endObject();
      // The format allows trailing spaces (padding) after the JSON object, nothing else.
      if (json.peek() != JsonToken.END_DOCUMENT) {
        throw new WeightFileException(file, "text after the safetensors header's JSON object");
      }
      if (header.remaining > 0) {
        throw new WeightFileException(file, "the safetensors header ends before its stated size");
      }
    } catch (WeightFileException e) {
      throw e;
    } catch (CharacterCodingException e) {
      throw new WeightFileException(file, "safetensors header is not valid UTF-8");
    } catch (IOException | IllegalStateException | NumberFormatException e) {
      // Gson: malformed JSON, a value of the wrong type, a number that is not an integer.
      throw new WeightFileException(file, "malformed safetensors header: " + e.getMessage(), e);
    }
    return entries;
  }

  private static Entry entry(JsonReader json, String name, String file) throws IOException {
    String dtype = null;
    long[] shape = null;
    long[] offsets = null;
    json.beginObject();
    while (json.hasNext()) {
      String key = json.nextName();
      switch (key) {
        case "dtype" -> dtype = json.nextString();
        case "shape" -> shape = longs(json);
        case "data_offsets" -> offsets = longs(json);
        default -> throw new WeightFileException(file, "tensor " + name + ": unknown key \""
            + key + "\" (expected dtype, shape, data_offsets)");
      }
    }
    json.endObject();
    if (dtype == null || shape == null || offsets == null) {
      throw new WeightFileException(file, "tensor " + name
          + ": needs dtype, shape and data_offsets");
    }
    DType type;
    switch (dtype) {
      case "F32" -> type = DType.F32;
      case "F16" -> type = DType.F16;
      case "BF16" -> type = DType.BF16;
      case "F64" -> type = DType.F64;
      case "I32" -> type = DType.I32;
      case "I64" -> type = DType.I64;
      default -> throw new WeightFileException(file, "tensor " + name + ": unsupported dtype "
          + dtype + "; convgen loads F32, F16, BF16, F64, I32 and I64 tensors");
    }
    if (offsets.length != 2) {
      throw new WeightFileException(file, "tensor " + name
          + ": data_offsets must be [begin, end], got " + offsets.length + " values");
    }
    if (TensorData.elementCount(shape) < 0) {
      throw new WeightFileException(file, "tensor " + name + ": shape "
          + Arrays.toString(shape) + " is negative or has more than "
          + TensorData.MAX_ELEMENTS + " elements");
    }
    return new Entry(name, type, shape, offsets[0], offsets[1]);
  }

  private static long[] longs(JsonReader json) throws IOException {
    List<Long> values = new ArrayList<>();
    json.beginArray();
    while (json.hasNext()) {
      values.add(json.nextLong());
    }
    json.endArray();
    return values.stream().mapToLong(Long::longValue).toArray();
  }

  /** Sorts by offset and checks the tensors tile {@code [0, dataBytes)} exactly. */
  private static void checkLayout(List<Entry> entries, long dataBytes, String file)
      throws WeightFileException {
    for (Entry e : entries) {
      long bytes = TensorData.elementCount(e.shape()) * e.type().bytes();
      if (e.begin() < 0 || e.end() < e.begin() || e.end() - e.begin() != bytes) {
        throw new WeightFileException(file, "tensor " + e.name() + ": data_offsets ["
            + e.begin() + ", " + e.end() + "] do not span the " + bytes + " bytes of its "
            + e.type() + " shape " + Arrays.toString(e.shape()));
      }
      if (e.end() > dataBytes) {
        throw new WeightFileException(file, "tensor " + e.name() + ": data_offsets end "
            + e.end() + " lies past the " + dataBytes + " data bytes in the file");
      }
    }
    entries.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
    long expected = 0;
    for (Entry e : entries) {
      if (e.begin() != expected) {
        throw new WeightFileException(file, "tensor " + e.name() + ": data starts at " + e.begin()
            + " but the previous tensor ends at " + expected
            + (e.begin() < expected ? " (overlapping tensors)" : " (a hole in the data)"));
      }
      expected = e.end();
    }
    if (expected != dataBytes) {
      throw new WeightFileException(file, "the tensors cover " + expected + " of the "
          + dataBytes + " data bytes (trailing data)");
    }
  }
}
