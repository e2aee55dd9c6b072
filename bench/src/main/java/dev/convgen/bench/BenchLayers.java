package dev.convgen.bench;

import dev.convgen.annotations.ConvSpec;
import dev.convgen.annotations.Kind;
import dev.convgen.annotations.Unroll;

/**
 * The benchmarked shapes, declared as a user would: the seeds' layers and the separable blocks of
 * MobileNet-v1 at 224x224 (3x3 depthwise, padding 1, pointwise with bias, as in the peers'
 * scripts). Sizes are fixed so borders resolve at compile time; one block also leaves them open.
 */
@ConvSpec(name = "Pointwise56", in = 32, out = 64, height = 56, width = 56)
@ConvSpec(name = "Pointwise56s2", in = 32, out = 64, stride = 2, height = 56, width = 56)
@ConvSpec(name = "Pointwise56to128", in = 32, out = 128, height = 56, width = 56)
@ConvSpec(name = "Pointwise56to256", in = 32, out = 256, height = 56, width = 56)
@ConvSpec(name = "Pointwise56to512", in = 32, out = 512, height = 56, width = 56)
@ConvSpec(name = "Pointwise32", in = 32, out = 64, height = 32, width = 32)
@ConvSpec(name = "Depthwise56", in = 32, kind = Kind.DEPTHWISE, kernel = 3, bias = false,
    height = 56, width = 56)
@ConvSpec(name = "Separable56", in = 32, out = 64, kernel = 3, height = 56, width = 56)
@ConvSpec(name = "SeparableAnySize", in = 32, out = 64, kernel = 3)
@ConvSpec(name = "Separable32", in = 32, out = 64, kernel = 3, height = 32, width = 32)
// The standard 3x3 convolutions the separable blocks replace, same channels.
@ConvSpec(name = "Standard56", in = 32, out = 64, kind = Kind.DENSE, kernel = 3, height = 56,
    width = 56)
@ConvSpec(name = "Standard32", in = 32, out = 64, kind = Kind.DENSE, kernel = 3, height = 32,
    width = 32)
@ConvSpec(name = "Stem", in = 3, out = 32, kind = Kind.DENSE, kernel = 3, stride = 2,
    height = 224, width = 224)
@ConvSpec(name = "Mb1", in = 32, out = 64, kernel = 3, stride = 1, height = 112, width = 112)
@ConvSpec(name = "Mb2", in = 64, out = 128, kernel = 3, stride = 2, height = 112, width = 112)
@ConvSpec(name = "Mb3", in = 128, out = 128, kernel = 3, stride = 1, height = 56, width = 56)
@ConvSpec(name = "Mb4", in = 128, out = 256, kernel = 3, stride = 2, height = 56, width = 56)
@ConvSpec(name = "Mb5", in = 256, out = 256, kernel = 3, stride = 1, height = 28, width = 28)
@ConvSpec(name = "Mb6", in = 256, out = 512, kernel = 3, stride = 2, height = 28, width = 28)
@ConvSpec(name = "Mb7", in = 512, out = 512, kernel = 3, stride = 1, height = 14, width = 14)
@ConvSpec(name = "Mb12", in = 512, out = 1024, kernel = 3, stride = 2, height = 14, width = 14)
@ConvSpec(name = "Mb13", in = 1024, out = 1024, kernel = 3, stride = 1, height = 7, width = 7)
// The same seed shapes with every input channel unrolled (Unroll.FULL), to measure what it buys.
@ConvSpec(name = "Pointwise56Full", in = 32, out = 64, height = 56, width = 56,
    unroll = Unroll.FULL)
@ConvSpec(name = "Pointwise32Full", in = 32, out = 64, height = 32, width = 32,
    unroll = Unroll.FULL)
@ConvSpec(name = "Separable56Full", in = 32, out = 64, kernel = 3, height = 56, width = 56,
    unroll = Unroll.FULL)
@ConvSpec(name = "Separable32Full", in = 32, out = 64, kernel = 3, height = 32, width = 32,
    unroll = Unroll.FULL)
@ConvSpec(name = "Mb7Full", in = 512, out = 512, kernel = 3, height = 14, width = 14,
    unroll = Unroll.FULL)
final class BenchLayers {
  private BenchLayers() {}
}
