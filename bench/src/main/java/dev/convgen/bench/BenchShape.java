package dev.convgen.bench;

import dev.convgen.annotations.Activation;
import dev.convgen.runtime.ConvKernel;
import dev.convgen.runtime.ConvLayer;
import dev.convgen.runtime.kernels.GenericKernels;
import dev.convgen.runtime.network.SeparableBlock;
import java.util.Random;

/**
 * Every benchmarked shape: its label, batch and input size, how many times it occurs in the
 * MobileNet-v1 body (0 for the seed shapes), and its generated layer. The generic layers are
 * built from the generated layer's geometry and the same weights.
 */
public enum BenchShape {
  PW_8x32x56x56_64("pointwise 8x32x56x56 -> 64", 8, 56, 0),
  PW_8x32x56x56_128("pointwise 8x32x56x56 -> 128", 8, 56, 0),
  PW_8x32x56x56_256("pointwise 8x32x56x56 -> 256", 8, 56, 0),
  PW_8x32x56x56_512("pointwise 8x32x56x56 -> 512", 8, 56, 0),
  PW_S2_8x32x56x56_64("pointwise s2 8x32x56x56 -> 64", 8, 56, 0),
  PW_1x32x32x32_64("pointwise 1x32x32x32 -> 64", 1, 32, 0),
  DW_8x32x56x56("depthwise 3x3 8x32x56x56", 8, 56, 0),
  DS_8x32x56x56_64("separable 8x32x56x56 -> 64", 8, 56, 0),
  DS_ANYSIZE_8x32x56x56_64("separable 8x32x56x56 -> 64, H/W at run time", 8, 56, 0),
  DS_1x32x32x32_64("separable 1x32x32x32 -> 64", 1, 32, 0),
  STD_8x32x56x56_64("standard 3x3 8x32x56x56 -> 64", 8, 56, 0),
  STD_1x32x32x32_64("standard 3x3 1x32x32x32 -> 64", 1, 32, 0),
  /** MobileNet-v1's first layer, a dense 3x3 stride-2 convolution on the RGB image. */
  STEM("mbv1 stem 3->32 s2 224", 1, 224, 0),
  MB1("mbv1 32->64 s1 112", 1, 112, 1),
  MB2("mbv1 64->128 s2 112", 1, 112, 1),
  MB3("mbv1 128->128 s1 56", 1, 56, 1),
  MB4("mbv1 128->256 s2 56", 1, 56, 1),
  MB5("mbv1 256->256 s1 28", 1, 28, 1),
  MB6("mbv1 256->512 s2 28", 1, 28, 1),
  MB7("mbv1 512->512 s1 14 (x5)", 1, 14, 5),
  MB12("mbv1 512->1024 s2 14", 1, 14, 1),
  MB13("mbv1 1024->1024 s1 7", 1, 7, 1),
  PW_8x32x56x56_64_FULL("pointwise 8x32x56x56 -> 64 [FULL unroll]", 8, 56, 0),
  PW_1x32x32x32_64_FULL("pointwise 1x32x32x32 -> 64 [FULL unroll]", 1, 32, 0),
  DS_8x32x56x56_64_FULL("separable 8x32x56x56 -> 64 [FULL unroll]", 8, 56, 0),
  DS_1x32x32x32_64_FULL("separable 1x32x32x32 -> 64 [FULL unroll]", 1, 32, 0),
  MB7_FULL("mbv1 512->512 s1 14 [FULL unroll]", 1, 14, 0);

  final String label;
  final int batch;
  final int size;
  /** Occurrences in the 13 separable blocks of MobileNet-v1. */
  final int mobileNetRepeats;

  BenchShape(String label, int batch, int size, int mobileNetRepeats) {
    this.label = label;
    this.batch = batch;
    this.size = size;
    this.mobileNetRepeats = mobileNetRepeats;
  }

  /** The name the peers' scripts print for this shape (PyTorch, ONNX Runtime), or null. */
  String[] peerNames() {
    return switch (this) {
      case PW_8x32x56x56_64 -> new String[] {"seed0 pw 8x32x56x56->64", "seed0_pw"};
      case DW_8x32x56x56 -> new String[] {"seed1 dw3x3 8x32x56x56", "seed1_dw"};
      case DS_8x32x56x56_64 -> new String[] {"seed1 ds 8x32x56x56->64", "seed1_ds"};
      case PW_1x32x32x32_64 -> new String[] {"seed2 pw 1x32x32x32->64", "seed2_pw"};
      case DS_1x32x32x32_64 -> new String[] {"seed2 ds 1x32x32x32->64", "seed2_ds"};
      case STEM -> new String[] {"mbv1 stem 3->32 s2 224x224", "mbv1_stem_3_32_s2_224"};
      case STD_8x32x56x56_64 -> new String[] {"std 3x3 8x32x56x56->64", "std_8x32x56x56_64"};
      case STD_1x32x32x32_64 -> new String[] {"std 3x3 1x32x32x32->64", "std_1x32x32x32_64"};
      default -> {
        if (mobileNetRepeats == 0) {
          yield new String[0];
        }
        String[] f = label.split("[ >-]+"); // mbv1, in, out, sN, size
        yield new String[] {
            "mbv1 ds " + f[1] + "->" + f[2] + " " + f[3] + " " + f[4] + "x" + f[4],
            "mbv1_ds_" + f[1] + "_" + f[2] + "_" + f[3] + "_" + f[4]};
      }
    };
  }

  /** Whether this is one of the seeds' shapes (the textbook target is over these). */
  boolean isSeed() {
    return mobileNetRepeats == 0 && this != DS_ANYSIZE_8x32x56x56_64 && !isFullUnroll()
        && !isStandard() && this != STEM;
  }

  /**
   * A standard (dense) 3x3 convolution, benchmarked beside the separable block it replaces. There
   * is no tuned generic dense kernel: its "tuned" figure is the textbook kernel's.
   */
  boolean isStandard() {
    return name().startsWith("STD_");
  }

  /** The separable block with the same channels and input as a standard shape. */
  BenchShape separableCounterpart() {
    return switch (this) {
      case STD_8x32x56x56_64 -> DS_8x32x56x56_64;
      case STD_1x32x32x32_64 -> DS_1x32x32x32_64;
      default -> throw new IllegalStateException(name() + " is not a standard convolution");
    };
  }

  /** A variant generated with {@code Unroll.FULL}, to compare with the planner's choice. */
  boolean isFullUnroll() {
    return name().endsWith("_FULL");
  }

  /** A random input of this shape for {@code layer}. */
  float[] input(ConvLayer layer) {
    Random random = new Random(7);
    float[] input = new float[batch * layer.inChannels() * size * size];
    for (int i = 0; i < input.length; i++) {
      input[i] = random.nextFloat() * 2 - 1;
    }
    return input;
  }

  /** An output array sized for {@code layer} on this shape. */
  float[] output(ConvLayer layer) {
    return new float[batch * layer.outChannels() * layer.outputHeight(size)
        * layer.outputWidth(size)];
  }

  /** The generated layer with random weights (seeded: the same for every implementation). */
  ConvLayer specialized() {
    Weights w = new Weights(this);
    return switch (this) {
      case PW_8x32x56x56_64 -> new BenchLayers_Pointwise56(w.pw(32, 64), w.bias(64));
      case PW_8x32x56x56_128 -> new BenchLayers_Pointwise56to128(w.pw(32, 128), w.bias(128));
      case PW_8x32x56x56_256 -> new BenchLayers_Pointwise56to256(w.pw(32, 256), w.bias(256));
      case PW_8x32x56x56_512 -> new BenchLayers_Pointwise56to512(w.pw(32, 512), w.bias(512));
      case PW_S2_8x32x56x56_64 -> new BenchLayers_Pointwise56s2(w.pw(32, 64), w.bias(64));
      case PW_1x32x32x32_64 -> new BenchLayers_Pointwise32(w.pw(32, 64), w.bias(64));
      case DW_8x32x56x56 -> new BenchLayers_Depthwise56(w.dw(32));
      case DS_8x32x56x56_64 -> new BenchLayers_Separable56(w.dw(32), w.pw(32, 64), w.bias(64));
      case DS_ANYSIZE_8x32x56x56_64 ->
          new BenchLayers_SeparableAnySize(w.dw(32), w.pw(32, 64), w.bias(64));
      case DS_1x32x32x32_64 -> new BenchLayers_Separable32(w.dw(32), w.pw(32, 64), w.bias(64));
      case STD_8x32x56x56_64 -> new BenchLayers_Standard56(w.dense(32, 64), w.bias(64));
      case STD_1x32x32x32_64 -> new BenchLayers_Standard32(w.dense(32, 64), w.bias(64));
      case STEM -> new BenchLayers_Stem(w.dense(3, 32), w.bias(32));
      case MB1 -> new BenchLayers_Mb1(w.dw(32), w.pw(32, 64), w.bias(64));
      case MB2 -> new BenchLayers_Mb2(w.dw(64), w.pw(64, 128), w.bias(128));
      case MB3 -> new BenchLayers_Mb3(w.dw(128), w.pw(128, 128), w.bias(128));
      case MB4 -> new BenchLayers_Mb4(w.dw(128), w.pw(128, 256), w.bias(256));
      case MB5 -> new BenchLayers_Mb5(w.dw(256), w.pw(256, 256), w.bias(256));
      case MB6 -> new BenchLayers_Mb6(w.dw(256), w.pw(256, 512), w.bias(512));
      case MB7 -> new BenchLayers_Mb7(w.dw(512), w.pw(512, 512), w.bias(512));
      case MB12 -> new BenchLayers_Mb12(w.dw(512), w.pw(512, 1024), w.bias(1024));
      case MB13 -> new BenchLayers_Mb13(w.dw(1024), w.pw(1024, 1024), w.bias(1024));
      case PW_8x32x56x56_64_FULL -> new BenchLayers_Pointwise56Full(w.pw(32, 64), w.bias(64));
      case PW_1x32x32x32_64_FULL -> new BenchLayers_Pointwise32Full(w.pw(32, 64), w.bias(64));
      case DS_8x32x56x56_64_FULL ->
          new BenchLayers_Separable56Full(w.dw(32), w.pw(32, 64), w.bias(64));
      case DS_1x32x32x32_64_FULL ->
          new BenchLayers_Separable32Full(w.dw(32), w.pw(32, 64), w.bias(64));
      case MB7_FULL -> new BenchLayers_Mb7Full(w.dw(512), w.pw(512, 512), w.bias(512));
    };
  }

  /** The same math with run-time shapes: {@code tuned} or textbook generic kernels. */
  ConvLayer generic(boolean tuned) {
    ConvLayer specialized = specialized();
    Weights w = new Weights(this);
    if (specialized instanceof SeparableBlock block) {
      int in = block.inChannels();
      float[] dw = w.dw(in);
      float[] pw = w.pw(in, block.outChannels());
      float[] bias = w.bias(block.outChannels());
      return new SeparableBlock(
          stage(block.depthwise(), dw, null, tuned), stage(block.pointwise(), pw, bias, tuned));
    }
    ConvKernel kernel = (ConvKernel) specialized;
    if (kernel.geometry().isPointwise()) {
      return stage(kernel, w.pw(kernel.inChannels(), kernel.outChannels()),
          w.bias(kernel.outChannels()), tuned);
    }
    if (isStandard() || this == STEM) {
      return stage(kernel, w.dense(kernel.inChannels(), kernel.outChannels()),
          w.bias(kernel.outChannels()), tuned);
    }
    return stage(kernel, w.dw(kernel.inChannels()), null, tuned);
  }

  private static ConvKernel stage(ConvKernel like, float[] weight, float[] bias, boolean tuned) {
    return tuned ? GenericKernels.tuned(like.geometry(), weight, bias, Activation.NONE)
        : GenericKernels.create(like.geometry(), weight, bias, Activation.NONE);
  }

  /** Weights drawn in a fixed order from a seed, so every implementation gets the same. */
  private static final class Weights {
    private final Random random;

    Weights(BenchShape shape) {
      random = new Random(shape.ordinal());
    }

    float[] dw(int channels) {
      return values(channels * 9);
    }

    float[] pw(int in, int out) {
      return values(in * out);
    }

    float[] dense(int in, int out) {
      return values(in * out * 9);
    }

    float[] bias(int out) {
      return values(out);
    }

    private float[] values(int length) {
      float[] values = new float[length];
      for (int i = 0; i < length; i++) {
        values[i] = random.nextFloat() * 2 - 1;
      }
      return values;
    }
  }
}
