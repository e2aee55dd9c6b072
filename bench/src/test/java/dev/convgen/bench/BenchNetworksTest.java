package dev.convgen.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.convgen.runtime.network.Sequential;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BenchNetworksTest {

  /**
   * {@code mobilenet-v1-blocks} is MobileNet-v1's blocks 1-13 and nothing else: fed the stem's
   * output of a whole-network pass, it gives that pass's block 13 output (the same kernels, so the
   * same floats).
   */
  @Test
  void blocksAreTheWholeNetworksBlocks() {
    Sequential whole = BenchNetworks.byName("mobilenet-v1");
    Sequential blocks = BenchNetworks.byName("mobilenet-v1-blocks");
    int size = BenchNetworks.inputSize("mobilenet-v1-blocks");
    assertEquals(224, BenchNetworks.inputSize("mobilenet-v1"));
    assertEquals(112, size);
    assertEquals(32, blocks.inChannels());
    assertEquals(1024, blocks.outChannels());
    assertEquals(7, blocks.outputHeight(size));

    float[] image = BenchNetworks.randomInput(whole, "mobilenet-v1");
    assertEquals(3 * 224 * 224, image.length);
    Map<String, float[]> seen = new HashMap<>();
    whole.forward(image, 1, 224, 224, BenchNetworks.outputArray(whole, "mobilenet-v1"),
        (name, output, batch, channels, height, width) -> seen.put(name, output.clone()));
    float[] features = BenchNetworks.outputArray(blocks, "mobilenet-v1-blocks");
    assertEquals(1024 * 7 * 7, features.length);
    blocks.forward(seen.get("stem"), 1, size, size, features);
    assertArrayEquals(seen.get("block13"), features);
  }

  @Test
  void unknownNameIsRefusedWithTheNamesTaken() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> BenchNetworks.byName("resnet"));
    assertEquals("network: expected mobilenet-v1, mobilenet-v1-blocks or mbconv, got resnet",
        e.getMessage());
  }
}
