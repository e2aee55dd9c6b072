package dev.convgen.runtime.weights;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Reading the files NumPy and safetensors write (fixtures made by
 * {@code samples/tools/make_weight_fixtures.py}), and refusing broken ones with a clear message.
 */
class WeightsTest {

  @TempDir Path temp;

  /** The fixture script's values: {@code (arange(n) % 23 - 11) * 0.25}, exact in every dtype. */
  static float[] expected(int n) {
    float[] values = new float[n];
    for (int i = 0; i < n; i++) {
      values[i] = (i % 23 - 11) * 0.25f;
    }
    return values;
  }

  static Path fixture(String name) {
    try {
      return Path.of(WeightsTest.class.getResource("/weights/" + name).toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void readsNpyInEveryFloatType() throws IOException {
    Weights weights = Weights.load(fixture("f32.npy"), fixture("f16.npy"),
        fixture("f64_big_endian.npy"), fixture("scalar.npy"));
    assertEquals(List.of("f32", "f16", "f64_big_endian", "scalar"), List.copyOf(weights.names()));
    assertTensor(weights.get("f32"), new int[] {4, 3, 2, 2});
    assertTensor(weights.get("f16"), new int[] {5, 7});
    assertTensor(weights.get("f64_big_endian"), new int[] {3, 2});
    assertTensor(weights.get("scalar"), new int[] {});
  }

  @ParameterizedTest
  @ValueSource(strings = {"stored.npz", "compressed.npz"})
  void readsNpz(String file) throws IOException {
    Weights weights = Weights.load(fixture(file));
    assertEquals(3, weights.size());
    assertTensor(weights.get("conv.weight"), new int[] {8, 2, 3, 3});
    assertTensor(weights.get("conv.bias"), new int[] {8});
    assertTensor(weights.get("empty"), new int[] {0, 4});
  }

  @Test
  void readsSafetensorsInEveryFloatType() throws IOException {
    Weights weights = Weights.load(fixture("mixed.safetensors"));
    assertTensor(weights.get("a.f32"), new int[] {6, 5});
    assertTensor(weights.get("b.f16"), new int[] {4, 4});
    assertTensor(weights.get("c.bf16"), new int[] {2, 3, 4});
    assertTensor(weights.get("d.f64"), new int[] {7});
  }

  @Test
  void readsIntegerTensorsAsFloat() throws IOException {
    float[] expected = expected(6);
    for (int i = 0; i < 6; i++) {
      expected[i] = (long) expected[i] * 4; // the fixture: values.astype(int64) * 4
    }
    assertArrayEquals(expected, Weights.load(fixture("int64.npy")).get("int64").data());
  }

  @Test
  void halfPrecisionConversionIsExact() {
    assertEquals(1.0f, DType.halfToFloat((short) 0x3c00));
    assertEquals(-2.0f, DType.halfToFloat((short) 0xc000));
    assertEquals(65504f, DType.halfToFloat((short) 0x7bff));
    assertEquals(0x1p-24f, DType.halfToFloat((short) 0x0001)); // smallest subnormal
    assertEquals(Float.floatToIntBits(-0.0f), Float.floatToIntBits(DType.halfToFloat((short) 0x8000)));
    assertEquals(Float.POSITIVE_INFINITY, DType.halfToFloat((short) 0x7c00));
    assertTrue(Float.isNaN(DType.halfToFloat((short) 0x7e00)));
  }

  @Test
  void refusesFortranOrderIntegersAndUnknownFiles() throws IOException {
    assertFileError(fixture("fortran.npy"), "Fortran-order arrays are not supported");
    assertFileError(fixture("complex.npy"), "unsupported dtype '<c8'");
    Path pickle = Files.write(temp.resolve("model.pth"), new byte[] {(byte) 0x80, 2});
    assertFileError(pickle, "torch.save .pt/.pth files are pickles and are not read");
  }

  @Test
  void refusesTheSameTensorInTwoFiles() throws IOException {
    Path copy = Files.copy(fixture("f32.npy"), temp.resolve("f32.npy"));
    Path dir = Files.createDirectory(temp.resolve("other"));
    Path again = Files.copy(copy, dir.resolve("f32.npy"));
    assertFileError(copy, again, "tensor f32 is also defined in an earlier file");
  }

  /** Broken .npy files, each with the message it must give. */
  @Test
  void refusesBrokenNpy() throws IOException {
    byte[] valid = Files.readAllBytes(fixture("f32.npy"));
    assertFileError(npy("truncated", java.util.Arrays.copyOf(valid, valid.length - 5)),
        "data ends after 187 of 192 bytes (truncated file?)");
    byte[] magic = valid.clone();
    magic[1] = 'X';
    assertFileError(npy("magic", magic), "not a .npy array");
    assertFileError(npy("short", java.util.Arrays.copyOf(valid, 9)), "header length is truncated");
    byte[] version = valid.clone();
    version[6] = 9;
    assertFileError(npy("version", version), "unsupported .npy version 9.0");
    byte[] extra = java.util.Arrays.copyOf(valid, valid.length + 4);
    assertFileError(npy("extra", extra), "unexpected bytes after the 48 elements");
    assertFileError(npy("huge", npyWithHeader("{'descr': '<f4', 'fortran_order': False,"
        + " 'shape': (65536, 65536, 4), }")), "has more than 2147483639 elements");
    assertFileError(npy("claims", npyWithHeader("{'descr': '<f4', 'fortran_order': False,"
        + " 'shape': (1000000000,), }")), "data ends after 0 of 4000000000 bytes");
    assertFileError(npy("keys", npyWithHeader("{'descr': '<f4', 'shape': (2,), }")),
        "must have exactly the keys descr, fortran_order and shape");
    assertFileError(npy("struct", npyWithHeader("{'descr': [('a', '<f4')],"
        + " 'fortran_order': False, 'shape': (2,), }")), "malformed .npy header");
    assertFileError(npy("negative", npyWithHeader("{'descr': '<f4', 'fortran_order': False,"
        + " 'shape': (-2,), }")), "expected a non-negative integer");
    ByteBuffer longHeader = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN)
        .put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 2, 0}).putInt(Integer.MAX_VALUE);
    assertFileError(npy("header", longHeader.array()), "header length 2147483647 exceeds 65536");
  }

  /** Broken safetensors files, each with the message it must give. */
  @Test
  void refusesBrokenSafetensors() throws IOException {
    String ok = "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}";
    assertEquals(1, Weights.load(safetensors("ok", ok, 8)).size());
    assertFileError(safetensors("overlap", "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],"
        + "\"data_offsets\":[0,8]},\"b\":{\"dtype\":\"F32\",\"shape\":[1],"
        + "\"data_offsets\":[4,8]}}", 8), "(overlapping tensors)");
    assertFileError(safetensors("hole", "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],"
        + "\"data_offsets\":[4,8]}}", 8), "(a hole in the data)");
    assertFileError(safetensors("past", ok, 4), "lies past the 4 data bytes");
    assertFileError(safetensors("trailing", ok, 12), "cover 8 of the 12 data bytes");
    assertFileError(safetensors("span", "{\"a\":{\"dtype\":\"F32\",\"shape\":[3],"
        + "\"data_offsets\":[0,8]}}", 8), "do not span the 12 bytes");
    assertFileError(safetensors("dtype", "{\"a\":{\"dtype\":\"U8\",\"shape\":[8],"
        + "\"data_offsets\":[0,8]}}", 8), "unsupported dtype U8");
    assertFileError(safetensors("dup", "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],"
        + "\"data_offsets\":[0,8]},\"a\":{\"dtype\":\"F32\",\"shape\":[0],"
        + "\"data_offsets\":[8,8]}}", 8), "tensor a appears twice");
    assertFileError(safetensors("json", "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],", 8),
        "malformed safetensors header");
    assertFileError(safetensors("huge", "{\"a\":{\"dtype\":\"F32\",\"shape\":[65536,65536],"
        + "\"data_offsets\":[0,17179869184]}}", 8), "has more than 2147483639 elements");
    Path size = temp.resolve("size.safetensors");
    Files.write(size, ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN)
        .putLong(1L << 40).array());
    assertFileError(size, "header size 1099511627776 is impossible for a file of 16 bytes");
    assertFileError(Files.write(temp.resolve("tiny.safetensors"), new byte[3]),
        "too short for a safetensors file");
  }

  @Test
  void refusesBrokenNpz() throws IOException {
    assertFileError(Files.write(temp.resolve("junk.npz"), "not a zip".getBytes(
        StandardCharsets.US_ASCII)), "not a valid .npz (zip) archive");
    byte[] valid = Files.readAllBytes(fixture("compressed.npz"));
    Path cut = Files.write(temp.resolve("cut.npz"), java.util.Arrays.copyOf(valid, 300));
    assertFileError(cut, "not a valid .npz (zip) archive");
  }

  /** NumPy refuses an entry whose CRC-32 does not match; so must we (one flipped byte). */
  @Test
  void npzEntriesAreCrcChecked() throws IOException {
    byte[] npy = Files.readAllBytes(fixture("f32.npy"));
    byte[] stored = zip(npy, ZipEntry.STORED);
    assertEquals(1, Weights.load(Files.write(temp.resolve("ok.npz"), stored)).size());
    int data = indexOf(stored, npy) + npy.length - 3; // a byte of the last float
    stored[data] ^= 0x40;
    assertFileError(Files.write(temp.resolve("flipped.npz"), stored), "tensor a: bad CRC-32");
    byte[] deflated = zip(npy, ZipEntry.DEFLATED);
    int central = indexOf(deflated, new byte[] {'P', 'K', 1, 2}); // central directory record
    deflated[central + 16] ^= 0x01; // its CRC-32 field
    assertFileError(Files.write(temp.resolve("crc.npz"), deflated), "tensor a: bad CRC-32");
  }

  /**
   * 16 MiB of a repeating pattern compress to well under 100 KB: refused by default, read with a
   * raised limit, every value intact (the array grows past the file's size as the bytes arrive).
   */
  @Test
  void compressedNpzInflationIsBounded() throws IOException {
    byte[] header = npyWithHeader("{'descr': '<f4', 'fortran_order': False,"
        + " 'shape': (4194304,), }");
    ByteBuffer npy = ByteBuffer.allocate(header.length + (16 << 20)).order(ByteOrder.LITTLE_ENDIAN)
        .put(header);
    for (int i = 0; i < 4194304; i++) {
      npy.putFloat(i % 7 - 3.5f);
    }
    Path bomb = Files.write(temp.resolve("bomb.npz"), zip(npy.array(), ZipEntry.DEFLATED));
    assertTrue(Files.size(bomb) < 100_000, "compressed size " + Files.size(bomb));
    assertFileError(bomb, "tensor a: the archive inflates past " + Math.max(1 << 20, 64 * Files.size(bomb)) + " bytes");
    float[] values = Weights.load(32 << 20, bomb).get("a").data();
    assertEquals(4194304, values.length);
    for (int i = 0; i < values.length; i++) {
      if (values[i] != i % 7 - 3.5f) {
        assertEquals(i % 7 - 3.5f, values[i], "value " + i);
      }
    }
  }

  @Test
  void directoriesLinkLoopsFifosAndMissingFilesAreWeightFileErrors() throws Exception {
    assertFileError(Files.createDirectory(temp.resolve("dir.npy")), "is a directory");
    Path a = temp.resolve("a.npz");
    Path b = temp.resolve("b.npz");
    Files.createSymbolicLink(a, b);
    Files.createSymbolicLink(b, a);
    assertFileError(a, "not a regular file");
    assertFileError(temp.resolve("missing.safetensors"), "no such file");
    Path fifo = temp.resolve("fifo.npy");
    if (new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor() == 0) {
      assertFileError(fifo, "not a regular file"); // used to block forever
    }
  }

  /** Python reads (٣,) as 3; Character.isDigit read it as 1587. Only ASCII digits count. */
  @Test
  void npyShapesTakeOnlyAsciiDigits() throws IOException {
    byte[] header = ("{'descr': '<f4', 'fortran_order': False, 'shape': (\u0663,), }")
        .getBytes(StandardCharsets.UTF_8);
    byte[] v3 = ByteBuffer.allocate(12 + header.length + 12).order(ByteOrder.LITTLE_ENDIAN)
        .put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 3, 0})
        .putInt(header.length).put(header).array();
    assertFileError(npy("arabic", v3), "expected a non-negative integer");
  }

  /** A large header of padding spaces is read as it streams in, not held whole in memory. */
  @Test
  void paddedSafetensorsHeaderStreams() throws IOException {
    String ok = "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}";
    assertEquals(2, Weights.load(safetensors("padded", ok + " ".repeat(4 << 20), 8))
        .get("a").data().length);
  }

  private static byte[] zip(byte[] npy, int method) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
      ZipEntry entry = new ZipEntry("a.npy");
      entry.setMethod(method);
      if (method == ZipEntry.STORED) {
        CRC32 crc = new CRC32();
        crc.update(npy);
        entry.setSize(npy.length);
        entry.setCrc(crc.getValue());
      }
      zip.putNextEntry(entry);
      zip.write(npy);
      zip.closeEntry();
    }
    return bytes.toByteArray();
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    throw new AssertionError("not found");
  }

  private Path npy(String name, byte[] bytes) throws IOException {
    return Files.write(temp.resolve(name + ".npy"), bytes);
  }

  /** A version-1.0 .npy file with the given header and no data. */
  static byte[] npyWithHeader(String header) {
    byte[] text = header.getBytes(StandardCharsets.ISO_8859_1);
    return ByteBuffer.allocate(10 + text.length).order(ByteOrder.LITTLE_ENDIAN)
        .put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0})
        .putShort((short) text.length).put(text).array();
  }

  private Path safetensors(String name, String header, int dataBytes) throws IOException {
    byte[] text = header.getBytes(StandardCharsets.UTF_8);
    return Files.write(temp.resolve(name + ".safetensors"),
        ByteBuffer.allocate(8 + text.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN)
            .putLong(text.length).put(text).array());
  }

  private static void assertTensor(Tensor tensor, int[] shape) {
    assertArrayEquals(shape, tensor.shape(), tensor.name());
    assertArrayEquals(expected(tensor.data().length), tensor.data(), tensor.name());
  }

  private static void assertFileError(Path file, String message) {
    WeightFileException e = assertThrows(WeightFileException.class, () -> Weights.load(file));
    assertTrue(e.getMessage().startsWith(file.toString()), e.getMessage());
    assertTrue(e.getMessage().contains(message), e.getMessage());
  }

  private static void assertFileError(Path first, Path second, String message) {
    WeightFileException e =
        assertThrows(WeightFileException.class, () -> Weights.load(first, second));
    assertTrue(e.getMessage().contains(message), e.getMessage());
  }
}
