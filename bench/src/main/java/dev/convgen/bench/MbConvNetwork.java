package dev.convgen.bench;

import static dev.convgen.annotations.Activation.RELU6;

import dev.convgen.annotations.Activation;
import dev.convgen.annotations.ConvSpec;
import dev.convgen.annotations.Kind;
import dev.convgen.runtime.ConvGeometry;
import dev.convgen.runtime.ConvKernel;
import dev.convgen.runtime.kernels.GenericKernels;
import dev.convgen.runtime.network.GlobalAveragePool;
import dev.convgen.runtime.network.InvertedResidualBlock;
import dev.convgen.runtime.network.Sequential;
import java.util.Random;

/**
 * The cold-start bench's MBConv network: the first seven inverted-residual stages of
 * MobileNet-v2 (expansion 6, ReLU6, linear projections, residuals where the shape is kept) after
 * a dense 3x3 stride-2 stem, then global pooling and a 1000-way classifier, at 224x224. Random
 * weights (BatchNorm folded away): it measures time, not accuracy.
 */
@ConvSpec(name = "stem", in = 3, out = 32, kind = Kind.DENSE, kernel = 3, stride = 2,
    activation = RELU6)
@ConvSpec(name = "b1dw", in = 32, kind = Kind.DEPTHWISE, kernel = 3, activation = RELU6)
@ConvSpec(name = "b1project", in = 32, out = 16)
@ConvSpec(name = "b2expand", in = 16, out = 96, activation = RELU6)
@ConvSpec(name = "b2dw", in = 96, kind = Kind.DEPTHWISE, kernel = 3, stride = 2,
    activation = RELU6)
@ConvSpec(name = "b2project", in = 96, out = 24)
@ConvSpec(name = "b3expand", in = 24, out = 144, activation = RELU6)
@ConvSpec(name = "b3dw", in = 144, kind = Kind.DEPTHWISE, kernel = 3, activation = RELU6)
@ConvSpec(name = "b3project", in = 144, out = 24)
@ConvSpec(name = "b4dw", in = 144, kind = Kind.DEPTHWISE, kernel = 3, stride = 2,
    activation = RELU6)
@ConvSpec(name = "b4project", in = 144, out = 32)
@ConvSpec(name = "b5expand", in = 32, out = 192, activation = RELU6)
@ConvSpec(name = "b5dw", in = 192, kind = Kind.DEPTHWISE, kernel = 3, activation = RELU6)
@ConvSpec(name = "b5project", in = 192, out = 32)
@ConvSpec(name = "b6dw", in = 192, kind = Kind.DEPTHWISE, kernel = 3, stride = 2,
    activation = RELU6)
@ConvSpec(name = "b6project", in = 192, out = 64)
@ConvSpec(name = "b7expand", in = 64, out = 384, activation = RELU6)
@ConvSpec(name = "b7dw", in = 384, kind = Kind.DEPTHWISE, kernel = 3, activation = RELU6)
@ConvSpec(name = "b7project", in = 384, out = 64)
final class MbConvNetwork {

  private MbConvNetwork() {}

  /** A generated kernel's {@code (weight, bias)} constructor. */
  private interface Stage {
    ConvKernel create(float[] weight, float[] bias);
  }

  /** The network with seeded random weights. */
  static Sequential build(long seed) {
    Random random = new Random(seed);
    return Sequential.builder()
        .add("stem", new MbConvNetwork_stem(w(random, 32 * 3 * 9, 27), b(random, 32)))
        .add("block1", new InvertedResidualBlock(null,
            new MbConvNetwork_b1dw(w(random, 32 * 9, 9), b(random, 32)),
            new MbConvNetwork_b1project(w(random, 16 * 32, 32), b(random, 16))))
        .add("block2", block(random, 16, 96, 24, MbConvNetwork_b2expand::new,
            MbConvNetwork_b2dw::new, MbConvNetwork_b2project::new))
        .add("block3", block(random, 24, 144, 24, MbConvNetwork_b3expand::new,
            MbConvNetwork_b3dw::new, MbConvNetwork_b3project::new))
        .add("block4", block(random, 24, 144, 32, MbConvNetwork_b3expand::new,
            MbConvNetwork_b4dw::new, MbConvNetwork_b4project::new))
        .add("block5", block(random, 32, 192, 32, MbConvNetwork_b5expand::new,
            MbConvNetwork_b5dw::new, MbConvNetwork_b5project::new))
        .add("block6", block(random, 32, 192, 64, MbConvNetwork_b5expand::new,
            MbConvNetwork_b6dw::new, MbConvNetwork_b6project::new))
        .add("block7", block(random, 64, 384, 64, MbConvNetwork_b7expand::new,
            MbConvNetwork_b7dw::new, MbConvNetwork_b7project::new))
        .add("pool", new GlobalAveragePool(64))
        .add("fc", GenericKernels.tuned(ConvGeometry.pointwise(64, 1000, 1, 1),
            w(random, 1000 * 64, 64), b(random, 1000), Activation.NONE))
        .build();
  }

  /** An inverted-residual block {@code in -> mid -> out} with 3x3 depthwise taps. */
  private static InvertedResidualBlock block(Random random, int in, int mid, int out,
      Stage expand, Stage depthwise, Stage project) {
    return new InvertedResidualBlock(
        expand.create(w(random, mid * in, in), b(random, mid)),
        depthwise.create(w(random, mid * 9, 9), b(random, mid)),
        project.create(w(random, out * mid, mid), b(random, out)));
  }

  /** He-scaled weights for {@code fanIn} inputs per output. */
  private static float[] w(Random random, int count, int fanIn) {
    float[] weights = new float[count];
    float scale = (float) Math.sqrt(2.0 / fanIn);
    for (int i = 0; i < count; i++) {
      weights[i] = (float) random.nextGaussian() * scale;
    }
    return weights;
  }

  private static float[] b(Random random, int count) {
    float[] bias = new float[count];
    for (int i = 0; i < count; i++) {
      bias[i] = 0.1f * (float) random.nextGaussian();
    }
    return bias;
  }
}
