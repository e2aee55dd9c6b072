package dev.convgen.runtime.network;

import dev.convgen.runtime.ConvLayer;
import dev.convgen.runtime.NamedLayer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A model summary like PyTorch's and Keras's: one row per kernel (blocks expanded into their named
 * stages) with kind, channels, kernel and stride, output size, parameters and multiply-accumulates
 * for a given input, and the totals; then the stages a pass of that size runs together ({@link
 * #bandedPairs}).
 */
public final class LayerTable {

  /** One row: a leaf layer with its dotted name and the input size it sees. */
  public record Row(String name, ConvLayer layer, int height, int width) {}

  private LayerTable() {}

  /** The leaf layers of {@code model} in execution order, each with its input size. */
  public static List<Row> rows(ConvLayer model, int height, int width) {
    List<Row> rows = new ArrayList<>();
    collect("", model, height, width, rows);
    return rows;
  }

  private static void collect(String prefix, ConvLayer layer, int h, int w, List<Row> rows) {
    if (layer.parts().isEmpty()) {
      rows.add(new Row(prefix.isEmpty() ? layer.kind() : prefix, layer, h, w));
      return;
    }
    for (NamedLayer part : layer.parts()) {
      collect(name(prefix, part), part.layer(), h, w, rows);
      h = part.layer().outputHeight(h);
      w = part.layer().outputWidth(w);
    }
  }

  /**
   * The pointwise stages that a pass (without an observer) runs together with the depthwise stage
   * after it, band by band of rows, on an input of this size, as {@code "block2.expand +
   * block2.dw"}: the intermediate tensor is never stored whole ({@code Sequential}). With SIMD
   * only, and only where the intermediate is large (MBConv's expansions at 224x224).
   */
  public static List<String> bandedPairs(ConvLayer model, int height, int width) {
    List<String> pairs = new ArrayList<>();
    collectPairs("", model, height, width, pairs);
    return pairs;
  }

  private static void collectPairs(String prefix, ConvLayer layer, int h, int w,
      List<String> pairs) {
    ConvLayer runs = layer instanceof ParallelLayer parallel ? parallel.layer() : layer;
    // the layers that run their parts as a Sequential does
    boolean sequence = runs instanceof Sequential || runs instanceof InvertedResidualBlock;
    List<NamedLayer> parts = runs.parts();
    for (int i = 0; i < parts.size(); i++) {
      if (sequence && Sequential.bandsWithNext(parts, i, h, w)) {
        pairs.add(name(prefix, parts.get(i)) + " + " + name(prefix, parts.get(i + 1)));
      }
      ConvLayer part = parts.get(i).layer();
      collectPairs(name(prefix, parts.get(i)), part, h, w, pairs);
      h = part.outputHeight(h);
      w = part.outputWidth(w);
    }
  }

  private static String name(String prefix, NamedLayer part) {
    return prefix.isEmpty() ? part.name() : prefix + "." + part.name();
  }

  /** The table as text, for {@code batch} images of {@code height x width}. */
  public static String format(ConvLayer model, int batch, int height, int width) {
    List<Row> rows = rows(model, height, width);
    int nameWidth = Math.max(5, rows.stream().mapToInt(r -> r.name().length()).max().orElse(0));
    String format = "%-" + nameWidth + "s  %-16s %12s  %-7s %14s %11s %15s%n";
    StringBuilder table = new StringBuilder(String.format(Locale.ROOT, format, "layer", "kind",
        "in -> out", "kernel", "output", "params", "MACs"));
    table.append("-".repeat(nameWidth + 84)).append('\n');
    for (Row row : rows) {
      ConvLayer layer = row.layer();
      table.append(String.format(Locale.ROOT, format, row.name(), layer.kind(),
          layer.inChannels() + " -> " + layer.outChannels(), layer.window(),
          layer.outChannels() + "x" + layer.outputHeight(row.height()) + "x"
              + layer.outputWidth(row.width()),
          group(layer.parameterCount()), group(layer.macs(batch, row.height(), row.width()))));
    }
    table.append("-".repeat(nameWidth + 84)).append('\n');
    table.append(String.format(Locale.ROOT, format, "total", "", "", "",
        model.outChannels() + "x" + model.outputHeight(height) + "x" + model.outputWidth(width),
        group(model.parameterCount()), group(model.macs(batch, height, width))));
    table.append(String.format(Locale.ROOT, "input %dx%dx%dx%d; %.1f M parameters,"
            + " %.1f M MACs (%.2f GFLOP) per forward pass%n", batch, model.inChannels(), height,
        width, model.parameterCount() / 1e6, model.macs(batch, height, width) / 1e6,
        2 * model.macs(batch, height, width) / 1e9));
    List<String> banded = bandedPairs(model, height, width);
    if (!banded.isEmpty()) {
      table.append("run together band by band (the intermediate tensor never stored whole): ")
          .append(String.join(", ", banded)).append('\n');
    }
    return table.toString();
  }

  private static String group(long value) {
    return String.format(Locale.ROOT, "%,d", value);
  }
}
