package dev.convgen.samples;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.convgen.runtime.Tolerance;
import java.lang.management.ManagementFactory;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A generated kernel holds one copy of its weights until asked for another layout: building
 * MobileNet-v1's 512 -> 512 pointwise stage (1 MB of weights) allocates about 1 MB, whether it
 * keeps them for its NHWC body (SIMD; the NCHW copy is made on its first NCHW call) or for its
 * scalar NCHW code (no SIMD). It allocated 2 MB when it packed both layouts at construction.
 */
class WeightMemoryTest {

  @ParameterizedTest(name = "simd = {0}")
  @ValueSource(booleans = {true, false})
  void aPointwiseStageIsBuiltWithOneCopyOfItsWeights(boolean simd) {
    Random random = new Random(5);
    float[] weight = Tolerance.random(random, 512 * 512);
    float[] bias = Tolerance.random(random, 512);
    new MobileNetV1_block512.Pointwise(weight, bias); // classes loaded and initialized first
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long id = Thread.currentThread().getId();
    long allocated;
    System.setProperty("convgen.simd", Boolean.toString(simd));
    try {
      long before = threads.getThreadAllocatedBytes(id);
      new MobileNetV1_block512.Pointwise(weight, bias);
      allocated = threads.getThreadAllocatedBytes(id) - before;
    } finally {
      System.clearProperty("convgen.simd");
    }
    long weightBytes = 4L * weight.length;
    assertTrue(allocated >= weightBytes && allocated < weightBytes * 5 / 4,
        "building the stage allocated " + allocated + " bytes for " + weightBytes
            + " bytes of weights");
  }
}
