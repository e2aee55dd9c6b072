package dev.convgen.bench;

import dev.convgen.annotations.ConvSpec;
import dev.convgen.annotations.Kind;

/** The seeds' shapes, declared as a user would; sizes fixed so borders resolve at compile time. */
@ConvSpec(name = "Pointwise56", in = 32, out = 64, height = 56, width = 56)
@ConvSpec(name = "Pointwise56s2", in = 32, out = 64, stride = 2, height = 56, width = 56)
@ConvSpec(name = "Depthwise56", in = 32, kind = Kind.DEPTHWISE, kernel = 3, bias = false,
    height = 56, width = 56)
@ConvSpec(name = "Separable56", in = 32, out = 64, kernel = 3, height = 56, width = 56)
@ConvSpec(name = "Separable32", in = 32, out = 64, kernel = 3, height = 32, width = 32)
@ConvSpec(name = "SeparableAnySize", in = 32, out = 64, kernel = 3)
final class BenchLayers {
  private BenchLayers() {}
}
