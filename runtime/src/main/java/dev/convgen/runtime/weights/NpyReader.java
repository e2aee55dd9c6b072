package dev.convgen.runtime.weights;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads one array in NumPy's {@code .npy} format (versions 1.0, 2.0 and 3.0): the magic string,
 * a little-endian header length, a Python dict literal {@code {'descr': '<f4', 'fortran_order':
 * False, 'shape': (64, 32, 1, 1), }}, then the raw C-order data. Only the literal forms NumPy
 * writes for plain float arrays are accepted; anything else is a {@link WeightFileException}.
 */
final class NpyReader {

  private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};

  /** Header bytes accepted; NumPy itself refuses headers over 10000 bytes by default. */
  static final int MAX_HEADER_BYTES = 65536;

  private NpyReader() {}

  /** Reads the array from {@code in} to its end, as tensor {@code name} of {@code data}'s file. */
  static Tensor read(InputStream in, String name, TensorData data) throws IOException {
    String file = data.file();
    byte[] prefix = in.readNBytes(8);
    if (prefix.length < 8 || !Arrays.equals(prefix, 0, 6, MAGIC, 0, 6)) {
      throw new WeightFileException(file, "tensor " + name
          + ": not a .npy array (the file does not start with \\x93NUMPY)");
    }
    int major = prefix[6];
    int headerLength;
    if (major == 1) {
      headerLength = headerLength(in, 2, file, name);
    } else if (major == 2 || major == 3) {
      headerLength = headerLength(in, 4, file, name);
    } else {
      throw new WeightFileException(file, "tensor " + name + ": unsupported .npy version "
          + major + "." + prefix[7] + " (expected 1.0, 2.0 or 3.0)");
    }
    if (headerLength < 0 || headerLength > MAX_HEADER_BYTES) {
      throw new WeightFileException(file, "tensor " + name + ": .npy header length "
          + Integer.toUnsignedString(headerLength) + " exceeds " + MAX_HEADER_BYTES + " bytes");
    }
    byte[] headerBytes = in.readNBytes(headerLength);
    if (headerBytes.length < headerLength) {
      throw new WeightFileException(file, "tensor " + name + ": .npy header ends after "
          + headerBytes.length + " of " + headerLength + " bytes (truncated file?)");
    }
    String header = new String(headerBytes,
        major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
    Map<String, Object> fields;
    try {
      fields = new Literal(header).dict();
    } catch (IllegalArgumentException e) {
      throw new WeightFileException(file, "tensor " + name + ": malformed .npy header ("
          + e.getMessage() + "): " + abbreviate(header));
    }
    if (!fields.keySet().equals(Set.of("descr", "fortran_order", "shape"))) {
      throw new WeightFileException(file, "tensor " + name + ": .npy header must have exactly"
          + " the keys descr, fortran_order and shape, got " + fields.keySet());
    }
    if (!(fields.get("descr") instanceof String descr)) {
      throw new WeightFileException(file, "tensor " + name + ": unsupported dtype "
          + fields.get("descr") + "; convgen loads float16, float32, float64, int32 and int64"
          + " arrays");
    }
    if (!(fields.get("fortran_order") instanceof Boolean fortran)) {
      throw new WeightFileException(file, "tensor " + name + ": fortran_order must be True or"
          + " False, got " + fields.get("fortran_order"));
    }
    if (fortran) {
      throw new WeightFileException(file, "tensor " + name + ": Fortran-order arrays are not"
          + " supported; save numpy.ascontiguousarray(array) instead");
    }
    if (!(fields.get("shape") instanceof long[] shape)) {
      throw new WeightFileException(file, "tensor " + name + ": shape must be a tuple of"
          + " integers, got " + fields.get("shape"));
    }
    DType type = dtype(descr, file, name);
    ByteOrder order = descr.charAt(0) == '>' ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
    long count = TensorData.elementCount(shape);
    if (count < 0) {
      throw new WeightFileException(file, "tensor " + name + ": shape "
          + Arrays.toString(shape) + " has more than " + TensorData.MAX_ELEMENTS
          + " elements");
    }
    float[] values = data.read(in, type, order, (int) count, name);
    if (in.read() != -1) {
      throw new WeightFileException(file, "tensor " + name + ": unexpected bytes after the "
          + count + " elements its header declares");
    }
    return new Tensor(name, TensorData.toInts(shape), values);
  }

  private static DType dtype(String descr, String file, String name) throws WeightFileException {
    String type = descr.length() == 3 && "<>=|".indexOf(descr.charAt(0)) >= 0
        ? descr.substring(1) : "";
    switch (type) {
      case "f2":
        return DType.F16;
      case "f4":
        return DType.F32;
      case "f8":
        return DType.F64;
      case "i4":
        return DType.I32;
      case "i8":
        return DType.I64;
      default:
        throw new WeightFileException(file, "tensor " + name + ": unsupported dtype '" + descr
            + "'; convgen loads float16, float32, float64, int32 and int64 arrays"
            + " (use array.astype(numpy.float32))");
    }
  }

  /** The header length: an unsigned 2-byte (version 1) or 4-byte little-endian integer. */
  private static int headerLength(InputStream in, int bytes, String file, String name)
      throws IOException {
    byte[] field = in.readNBytes(bytes);
    if (field.length < bytes) {
      throw new WeightFileException(file, "tensor " + name + ": .npy header length is truncated");
    }
    ByteBuffer buffer = ByteBuffer.wrap(field).order(ByteOrder.LITTLE_ENDIAN);
    return bytes == 2 ? buffer.getShort() & 0xffff : buffer.getInt();
  }

  private static String abbreviate(String text) {
    return text.length() <= 200 ? text : text.substring(0, 200) + "...";
  }

  /**
   * The Python literal subset of {@code .npy} headers: a dict of string keys whose values are
   * strings, {@code True}/{@code False}, or tuples of non-negative integers.
   */
  private static final class Literal {

    private final String text;
    private int at;

    Literal(String text) {
      this.text = text;
    }

    Map<String, Object> dict() {
      expect('{');
      Map<String, Object> fields = new LinkedHashMap<>();
      while (!peek('}')) {
        String key = string();
        expect(':');
        Object value = value();
        if (fields.put(key, value) != null) {
          throw new IllegalArgumentException("key '" + key + "' appears twice");
        }
        if (!peek('}')) {
          expect(',');
        }
      }
      expect('}');
      skipSpaces();
      if (at != text.length()) {
        throw new IllegalArgumentException("text after the closing brace");
      }
      return fields;
    }

    private Object value() {
      skipSpaces();
      if (at >= text.length()) {
        throw new IllegalArgumentException("value missing at the end");
      }
      char c = text.charAt(at);
      if (c == '\'' || c == '"') {
        return string();
      }
      if (c == '(') {
        return tuple();
      }
      if (text.startsWith("True", at)) {
        at += 4;
        return Boolean.TRUE;
      }
      if (text.startsWith("False", at)) {
        at += 5;
        return Boolean.FALSE;
      }
      throw new IllegalArgumentException("unsupported value at offset " + at
          + " (only strings, True/False and integer tuples are read)");
    }

    private long[] tuple() {
      expect('(');
      List<Long> values = new ArrayList<>();
      while (!peek(')')) {
        values.add(integer());
        if (!peek(')')) {
          expect(',');
        }
      }
      expect(')');
      return values.stream().mapToLong(Long::longValue).toArray();
    }

    private long integer() {
      skipSpaces();
      int start = at;
      long value = 0;
      // ASCII digits only: Character.isDigit also accepts e.g. Arabic-Indic digits
      while (at < text.length() && text.charAt(at) >= '0' && text.charAt(at) <= '9') {
        value = value * 10 + (text.charAt(at++) - '0');
        if (value > Integer.MAX_VALUE) {
          throw new IllegalArgumentException("dimension at offset " + start + " exceeds "
              + Integer.MAX_VALUE);
        }
      }
      if (at == start) {
        throw new IllegalArgumentException("expected a non-negative integer at offset " + start);
      }
      if (at < text.length() && text.charAt(at) == 'L') {
        at++; // Python 2 long suffix, written by old NumPy versions
      }
      return value;
    }

    private String string() {
      skipSpaces();
      if (at >= text.length() || (text.charAt(at) != '\'' && text.charAt(at) != '"')) {
        throw new IllegalArgumentException("expected a quoted string at offset " + at);
      }
      char quote = text.charAt(at++);
      int end = text.indexOf(quote, at);
      if (end < 0) {
        throw new IllegalArgumentException("unterminated string at offset " + at);
      }
      String value = text.substring(at, end);
      if (value.indexOf('\\') >= 0) {
        throw new IllegalArgumentException("escape sequences are not supported");
      }
      at = end + 1;
      return value;
    }

    private boolean peek(char c) {
      skipSpaces();
      return at < text.length() && text.charAt(at) == c;
    }

    private void expect(char c) {
      if (!peek(c)) {
        throw new IllegalArgumentException("expected '" + c + "' at offset " + at);
      }
      at++;
    }

    private void skipSpaces() {
      while (at < text.length() && (text.charAt(at) == ' ' || text.charAt(at) == '\t'
          || text.charAt(at) == '\n' || text.charAt(at) == '\r')) {
        at++;
      }
    }
  }
}
