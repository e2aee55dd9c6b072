package dev.convgen.runtime.weights;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mutation fuzzing of the weight readers: valid files (the test fixtures) with bytes flipped,
 * overwritten with extreme values, inserted, deleted or cut off. Each mutated file must either
 * load into well-formed tensors or be refused with a {@link WeightFileException}; any other
 * exception (or error) fails and names the seed and the iteration to replay.
 *
 * <p>{@code -Dconvgen.fuzz.files=N} (default 3000) and {@code -Dconvgen.fuzz.seed=S}.
 */
class WeightFileFuzzTest {

  private static final int FILES = Integer.getInteger("convgen.fuzz.files", 3000);
  private static final long SEED = Long.getLong("convgen.fuzz.seed", 20261122L);
  private static final List<String> FIXTURES = List.of("f32.npy", "f16.npy",
      "f64_big_endian.npy", "scalar.npy", "stored.npz", "compressed.npz", "mixed.safetensors");

  @TempDir Path temp;

  @Test
  void mutatedFilesLoadOrFailCleanly() throws IOException {
    Random random = new Random(SEED);
    int refused = 0;
    for (int i = 0; i < FILES; i++) {
      String name = FIXTURES.get(i % FIXTURES.size());
      byte[] original = Files.readAllBytes(WeightsTest.fixture(name));
      byte[] mutated = mutate(original, random);
      Path file = Files.write(temp.resolve(i + "-" + name), mutated);
      try {
        Weights weights = Weights.load(file);
        for (String tensorName : weights.names()) {
          Tensor tensor = weights.get(tensorName);
          long count = Arrays.stream(tensor.shape()).asLongStream().reduce(1, (a, b) -> a * b);
          assertEquals(count, tensor.data().length, "seed " + SEED + ", iteration " + i);
        }
      } catch (WeightFileException expected) {
        refused++;
      } catch (Throwable unexpected) {
        fail("seed " + SEED + ", iteration " + i + " (" + name + "): " + unexpected, unexpected);
      } finally {
        Files.delete(file);
      }
    }
    // Most mutations must break something the readers check; if not, the checks are not running.
    if (refused < FILES / 4) {
      fail("only " + refused + " of " + FILES + " mutated files were refused");
    }
  }

  /** One to four random edits. */
  private static byte[] mutate(byte[] bytes, Random random) {
    byte[] b = bytes.clone();
    int edits = 1 + random.nextInt(4);
    for (int e = 0; e < edits && b.length > 0; e++) {
      // Headers hold most of the structure: aim half of the edits at the first 128 bytes.
      int at = random.nextBoolean() ? random.nextInt(Math.min(b.length, 128))
          : random.nextInt(b.length);
      switch (random.nextInt(6)) {
        case 0 -> b[at] ^= (byte) (1 << random.nextInt(8));
        case 1 -> b[at] = new byte[] {0, (byte) 0xff, 0x7f, (byte) 0x80, '9', ','}[random.nextInt(6)];
        case 2 -> b = Arrays.copyOf(b, at); // truncate
        case 3 -> { // delete a run
          int length = Math.min(b.length - at, 1 + random.nextInt(16));
          byte[] shorter = new byte[b.length - length];
          System.arraycopy(b, 0, shorter, 0, at);
          System.arraycopy(b, at + length, shorter, at, b.length - at - length);
          b = shorter;
        }
        case 4 -> { // insert random bytes
          byte[] insert = new byte[1 + random.nextInt(16)];
          random.nextBytes(insert);
          byte[] longer = new byte[b.length + insert.length];
          System.arraycopy(b, 0, longer, 0, at);
          System.arraycopy(insert, 0, longer, at, insert.length);
          System.arraycopy(b, at, longer, at + insert.length, b.length - at);
          b = longer;
        }
        default -> { // a large little-endian number, as a size or offset field would hold
          for (int k = 0; k < 4 && at + k < b.length; k++) {
            b[at + k] = (byte) (random.nextBoolean() ? 0xff : 0x7f);
          }
        }
      }
    }
    return b;
  }
}
