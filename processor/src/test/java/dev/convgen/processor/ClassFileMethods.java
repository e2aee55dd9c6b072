package dev.convgen.processor;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads the bytecode length of every method in a class file (JVMS 4: constant pool, fields,
 * methods, their Code attribute), to prove generated methods stay under HotSpot's 8000-byte JIT
 * limit. Java 17 has no class-file API; this reads only what the check needs.
 */
final class ClassFileMethods {

  private ClassFileMethods() {}

  /** Method name plus descriptor -> code length in bytes. */
  static Map<String, Integer> codeLengths(byte[] classFile) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(classFile))) {
      if (in.readInt() != 0xCAFEBABE) {
        throw new IllegalArgumentException("not a class file");
      }
      in.readUnsignedShort();
      in.readUnsignedShort();
      int constants = in.readUnsignedShort();
      String[] utf8 = new String[constants];
      for (int i = 1; i < constants; i++) {
        int tag = in.readUnsignedByte();
        switch (tag) {
          case 1 -> utf8[i] = in.readUTF();
          case 3, 4, 9, 10, 11, 12, 17, 18 -> in.skipNBytes(4);
          case 5, 6 -> {
            in.skipNBytes(8);
            i++; // long and double take two slots
          }
          case 7, 8, 16, 19, 20 -> in.skipNBytes(2);
          case 15 -> in.skipNBytes(3);
          default -> throw new IllegalArgumentException("constant tag " + tag);
        }
      }
      in.skipNBytes(6); // access, this, super
      in.skipNBytes(2L * in.readUnsignedShort()); // interfaces
      int fields = in.readUnsignedShort();
      for (int f = 0; f < fields; f++) {
        in.skipNBytes(6);
        skipAttributes(in);
      }
      Map<String, Integer> lengths = new LinkedHashMap<>();
      int methods = in.readUnsignedShort();
      for (int m = 0; m < methods; m++) {
        in.readUnsignedShort();
        String name = utf8[in.readUnsignedShort()] + utf8[in.readUnsignedShort()];
        int attributes = in.readUnsignedShort();
        for (int a = 0; a < attributes; a++) {
          String attribute = utf8[in.readUnsignedShort()];
          int length = in.readInt();
          if (attribute.equals("Code")) {
            in.skipNBytes(4); // max stack, max locals
            int codeLength = in.readInt();
            lengths.put(name, codeLength);
            in.skipNBytes(length - 8);
          } else {
            in.skipNBytes(length);
          }
        }
      }
      return lengths;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void skipAttributes(DataInputStream in) throws IOException {
    int attributes = in.readUnsignedShort();
    for (int a = 0; a < attributes; a++) {
      in.skipNBytes(2);
      in.skipNBytes(in.readInt() & 0xFFFFFFFFL);
    }
  }
}
