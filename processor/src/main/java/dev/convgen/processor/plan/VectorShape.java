package dev.convgen.processor.plan;

/**
 * The SIMD target a schedule is planned for: vector width and the size of the register file that
 * register tiles must fit in.
 *
 * @param bits vector width, e.g. 256 ({@code FloatVector.SPECIES_256})
 * @param registers vector registers the tile may use (16 ymm with AVX2, 32 zmm with AVX-512)
 */
public record VectorShape(int bits, int registers) {

  /** AVX2: 256-bit vectors, 16 registers. */
  public static final VectorShape AVX2 = new VectorShape(256, 16);

  /** AVX-512: 512-bit vectors, 32 registers. */
  public static final VectorShape AVX512 = new VectorShape(512, 32);

  /** Float lanes per vector. */
  public int lanes() {
    return bits / Float.SIZE;
  }

  /** The {@code FloatVector} species constant, e.g. {@code SPECIES_256}. */
  public String species() {
    return "SPECIES_" + bits;
  }

  /** E.g. {@code 256-bit (8 lanes, 16 registers)}. */
  public String describe() {
    return bits + "-bit (" + lanes() + " lanes, " + registers + " registers)";
  }
}
