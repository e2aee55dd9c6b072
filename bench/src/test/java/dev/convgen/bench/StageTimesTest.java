package dev.convgen.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.convgen.runtime.ConvLayer;
import dev.convgen.runtime.NamedLayer;
import dev.convgen.runtime.network.LayerTable;
import dev.convgen.runtime.network.Sequential;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class StageTimesTest {

  /**
   * The layers whose times {@code StageTimes} sums are the network's own parts, in order, each
   * with exactly the stages that part's table lists: the sum is the one issue 13's target names.
   */
  @ParameterizedTest
  @ValueSource(strings = {"mobilenet-v1", "mbconv", "mobilenet-v1-blocks"})
  void layersAreTheNetworksParts(String network) {
    Sequential model = BenchNetworks.byName(network);
    int h = BenchNetworks.inputSize(network);
    int w = h;
    List<LayerTable.Row> stages = LayerTable.rows(model, h, w);
    List<int[]> layers = StageTimes.layers(stages);
    List<NamedLayer> parts = model.parts();
    assertEquals(parts.size(), layers.size());
    for (int i = 0; i < parts.size(); i++) {
      ConvLayer part = parts.get(i).layer();
      int[] range = layers.get(i);
      assertEquals(LayerTable.rows(part, h, w).size(), range[1] - range[0],
          parts.get(i).name());
      assertEquals(h, stages.get(range[0]).height(), parts.get(i).name());
      for (int s = range[0]; s < range[1]; s++) {
        String stage = stages.get(s).name();
        assertTrue(stage.equals(parts.get(i).name())
            || stage.startsWith(parts.get(i).name() + "."), stage);
      }
      h = part.outputHeight(h);
      w = part.outputWidth(w);
    }
    assertEquals(stages.size(), layers.get(layers.size() - 1)[1]);
  }
}
