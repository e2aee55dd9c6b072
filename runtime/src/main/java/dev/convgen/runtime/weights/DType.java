package dev.convgen.runtime.weights;

import java.nio.ByteBuffer;

/**
 * Element types convgen reads, each converted to {@code float} on load. Integer types are read for
 * tensors such as BatchNorm's {@code num_batches_tracked}, which state dicts carry along.
 */
enum DType {
  F16(2),
  BF16(2),
  F32(4),
  F64(8),
  I32(4),
  I64(8);

  private final int bytes;

  DType(int bytes) {
    this.bytes = bytes;
  }

  /** Bytes per element. */
  int bytes() {
    return bytes;
  }

  /** Converts the {@code count} elements at the buffer's position into {@code target[at..]}. */
  void decode(ByteBuffer source, float[] target, int at, int count) {
    switch (this) {
      case F32 -> source.asFloatBuffer().get(target, at, count);
      case F64 -> {
        for (int i = 0; i < count; i++) {
          target[at + i] = (float) source.getDouble(source.position() + i * 8);
        }
      }
      case F16 -> {
        for (int i = 0; i < count; i++) {
          target[at + i] = halfToFloat(source.getShort(source.position() + i * 2));
        }
      }
      case I32 -> {
        for (int i = 0; i < count; i++) {
          target[at + i] = source.getInt(source.position() + i * 4);
        }
      }
      case I64 -> {
        for (int i = 0; i < count; i++) {
          target[at + i] = source.getLong(source.position() + i * 8);
        }
      }
      case BF16 -> {
        for (int i = 0; i < count; i++) {
          target[at + i] =
              Float.intBitsToFloat((source.getShort(source.position() + i * 2) & 0xffff) << 16);
        }
      }
    }
    source.position(source.position() + count * bytes);
  }

  /** IEEE 754 binary16 to float, exact (subnormals, infinities and NaN included). */
  static float halfToFloat(short half) {
    int bits = half & 0xffff;
    int sign = (bits & 0x8000) << 16;
    int exponent = (bits >>> 10) & 0x1f;
    int mantissa = bits & 0x3ff;
    if (exponent == 0x1f) {
      return Float.intBitsToFloat(sign | 0x7f800000 | (mantissa << 13));
    }
    if (exponent == 0) {
      float magnitude = mantissa * 0x1p-24f; // subnormal (or zero): mantissa x 2^-24
      return sign == 0 ? magnitude : -magnitude;
    }
    return Float.intBitsToFloat(sign | ((exponent + 112) << 23) | (mantissa << 13));
  }
}
