package dev.convgen.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.convgen.runtime.ConvLayer;
import dev.convgen.runtime.Tolerance;
import dev.convgen.runtime.binding.WeightBinder;
import dev.convgen.runtime.network.InvertedResidualBlock;
import dev.convgen.runtime.weights.Tensor;
import dev.convgen.runtime.weights.Weights;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The networks built from generated kernels against PyTorch's outputs for the same weights and
 * inputs ({@code parity/}, written by {@code tools/make_parity.py}; no Python needed here), with
 * the SIMD kernels and with the scalar ones.
 */
class PyTorchParityTest {

  static final Path PARITY = Path.of("parity");

  @ParameterizedTest(name = "simd = {0}")
  @ValueSource(booleans = {true, false})
  void mobileNetV1PrefixMatchesPyTorch(boolean simd) throws IOException {
    ConvLayer model = withSimd(simd, () -> MobileNetV1.prefix(new WeightBinder(
        Weights.load(PARITY.resolve("mobilenet_v1_prefix.safetensors"))), 5));
    float[] y = run(model, "mobilenet_v1");
    assertEquals(256 * 8 * 8, y.length);
  }

  @ParameterizedTest(name = "simd = {0}")
  @ValueSource(booleans = {true, false})
  void mbConvMatchesPyTorch(boolean simd) throws IOException {
    InvertedResidualBlock block = withSimd(simd,
        () -> MbConv.load(new WeightBinder(Weights.load(PARITY.resolve("mbconv.npz")))));
    assertTrue(block.hasResidual());
    run(block, "mbconv");
  }

  /** Runs {@code <name>_input.npy} through the model and checks {@code <name>_output.npy}. */
  static float[] run(ConvLayer model, String name) throws IOException {
    Tensor input = Weights.load(PARITY.resolve(name + "_input.npy")).get(name + "_input");
    Tensor expected = Weights.load(PARITY.resolve(name + "_output.npy")).get(name + "_output");
    int[] x = input.shape();
    float[] y = new float[expected.data().length];
    model.forward(input.data(), x[0], x[2], x[3], y);
    Tolerance.assertClose(name + " vs PyTorch", expected.data(), y, 1e-4);
    return y;
  }

  interface Loader<T> {
    T load() throws IOException;
  }

  private static <T> T withSimd(boolean simd, Loader<T> loader) throws IOException {
    System.setProperty("convgen.simd", Boolean.toString(simd));
    try {
      return loader.load();
    } finally {
      System.clearProperty("convgen.simd");
    }
  }
}
