package dev.convgen.runtime;

import com.google.gson.Gson;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * One of ONNX's own Conv2d conformance cases (copied from ONNX's backend tests into
 * {@code src/test/resources/conformance}): attributes, weights, bias, input and expected output.
 */
public record ConformanceCase(String name, ConvGeometry geometry, float[] weight, float[] bias,
    int[] inputShape, float[] input, float[] expected) {

  /** Every case shipped with the tests. */
  public static final List<String> NAMES = List.of(
      "test_Conv2d", "test_Conv2d_depthwise", "test_Conv2d_depthwise_padded",
      "test_Conv2d_depthwise_strided", "test_Conv2d_depthwise_with_multiplier",
      "test_Conv2d_dilated", "test_Conv2d_groups", "test_Conv2d_no_bias",
      "test_Conv2d_padding", "test_Conv2d_strided");

  public static ConformanceCase load(String name) {
    try (Reader reader = new InputStreamReader(
        ConformanceCase.class.getResourceAsStream("/conformance/" + name + ".json"),
        StandardCharsets.UTF_8)) {
      JsonObject json = new Gson().fromJson(reader, JsonObject.class);
      int[] w = ints(json.getAsJsonArray("w_shape"));
      int[] kernel = ints(json.getAsJsonArray("kernel"));
      int[] strides = ints(json.getAsJsonArray("strides"));
      int[] pads = ints(json.getAsJsonArray("pads")); // ONNX order: top, left, bottom, right
      int[] dilations = ints(json.getAsJsonArray("dilations"));
      int[] x = ints(json.getAsJsonArray("x_shape"));
      int group = json.get("group").getAsInt();
      ConvGeometry geometry = new ConvGeometry(x[1], w[0], group, kernel[0], kernel[1],
          strides[0], strides[1], pads[0], pads[1], pads[2], pads[3], dilations[0], dilations[1]);
      JsonElement bias = json.get("b");
      return new ConformanceCase(name, geometry, floats(json.getAsJsonArray("w")),
          bias == null || bias.isJsonNull() ? null : floats(bias.getAsJsonArray()),
          x, floats(json.getAsJsonArray("x")), floats(json.getAsJsonArray("y")));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static int[] ints(JsonArray array) {
    int[] values = new int[array.size()];
    for (int i = 0; i < values.length; i++) {
      values[i] = array.get(i).getAsInt();
    }
    return values;
  }

  private static float[] floats(JsonArray array) {
    float[] values = new float[array.size()];
    for (int i = 0; i < values.length; i++) {
      values[i] = array.get(i).getAsFloat();
    }
    return values;
  }

  @Override
  public String toString() {
    return name;
  }
}
