package dev.convgen.runtime;

import java.util.Objects;

/** A layer with the name it has in its model (and in the model's weight file). */
public record NamedLayer(String name, ConvLayer layer) {

  public NamedLayer {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(layer, "layer");
  }
}
