package dev.convgen.samples;

import dev.convgen.annotations.ConvSpec;
import dev.convgen.annotations.Kind;

/** The seeds' layers, declared the way a user declares them. */
@ConvSpec(name = "Pointwise", in = 32, out = 64)
@ConvSpec(name = "PointwiseStride2", in = 32, out = 64, stride = 2)
@ConvSpec(in = 32, out = 64, kernel = 3, stride = 1) // the mission's line: padding kernel/2 = 1
@ConvSpec(name = "Separable56", in = 32, out = 64, kernel = 3, padding = 1, height = 56, width = 56)
@ConvSpec(name = "Depthwise56", in = 32, kind = Kind.DEPTHWISE, kernel = 3, bias = false,
    height = 56, width = 56)
@ConvSpec(name = "Separable32", in = 32, out = 64, kernel = 3, bias = false, height = 32, width = 32)
// The standard convolutions the separable blocks replace (seed material: 18432 vs 2336 parameters).
@ConvSpec(name = "Standard56", in = 32, out = 64, kind = Kind.DENSE, kernel = 3, height = 56,
    width = 56)
@ConvSpec(name = "Standard32", in = 32, out = 64, kind = Kind.DENSE, kernel = 3, bias = false,
    height = 32, width = 32)
public final class SeedLayers {
  private SeedLayers() {}
}
