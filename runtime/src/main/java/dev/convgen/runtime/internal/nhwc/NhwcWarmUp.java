package dev.convgen.runtime.internal.nhwc;

import dev.convgen.annotations.Activation;
import dev.convgen.runtime.ConvGeometry;

/**
 * Runs every NHWC SIMD body on tiny zero inputs, often enough that HotSpot queues each hot
 * method for C2, so a fresh JVM's first network pass finds its tiles compiled or compiling
 * instead of running them as boxed vectors ({@code network.WarmUp}). The shapes are chosen by
 * the path they take, not by any network: pointwise stages with a full panel, a 2-vector and a
 * 1-vector one (the first also pays the Vector API's own start-up, ~0.15 s, which a first pass
 * pays otherwise), a dense stride-2 stage (the in-place tiles and the im2col border), depthwise
 * 3x3 at stride 1 and 2 on small planes (padded rows) and on wide ones (direct, with border
 * pixels), and a 5x5 one (the general tap loop). {@value #CALLS_PER_BODY} calls each, one to a
 * few tiles or rows per call: C2 takes a method after 600 calls (HotSpot's
 * Tier4MinInvocationThreshold) and 15,000 calls plus loop steps. Fewer calls (150) left the first
 * MobileNet-v1 pass at 0.30-0.37 s instead of 0.14-0.2 s.
 */
final class NhwcWarmUp {

  private static final int CALLS_PER_BODY = 300;

  private NhwcWarmUp() {}

  static void run() {
    int l = NhwcGemm.L;
    Activation relu6 = Activation.RELU6;
    for (int vectors : new int[] {NhwcGemm.WIDE, 2, 1}) {
      ConvGeometry pw = ConvGeometry.pointwise(l, vectors * l, 1, 1);
      warm(new NhwcPointwise(pw, zeros(pw), null, relu6), pw, 2, 6);
    }
    ConvGeometry dense = new ConvGeometry(3, 2 * l, 1, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1);
    warm(new NhwcDense(dense, zeros(dense), null, relu6), dense, 8, 16);
    for (int stride = 1; stride <= 2; stride++) {
      ConvGeometry dw = ConvGeometry.depthwise(2 * l, 1, 3, 3, stride, stride, 1, 1, 1, 1, 1, 1);
      warm(new NhwcDepthwise(dw, zeros(dw), null, relu6), dw, 8, 12);
      ConvGeometry wide = ConvGeometry.depthwise(l, 1, 3, 3, stride, stride, 1, 1, 1, 1, 1, 1);
      warm(new NhwcDepthwise(wide, zeros(wide), null, relu6), wide, 3,
          NhwcDepthwise.PADDED_INPUT_WIDTH + 12);
    }
    ConvGeometry fiveByFive = ConvGeometry.depthwise(l, 1, 5, 5, 1, 1, 2, 2, 2, 2, 1, 1);
    warm(new NhwcDepthwise(fiveByFive, zeros(fiveByFive), null, relu6), fiveByFive, 4, 12);
  }

  private static float[] zeros(ConvGeometry g) {
    return new float[g.outChannels() * g.inChannels() / g.groups() * g.kernelH() * g.kernelW()];
  }

  private static void warm(NhwcKernel body, ConvGeometry g, int height, int width) {
    float[] input = new float[g.inChannels() * height * width];
    float[] output = new float[g.outChannels() * g.outputHeight(height) * g.outputWidth(width)];
    int units = body.unitsPerImage(height, width);
    for (int i = 0; i < CALLS_PER_BODY; i++) {
      body.compute(input, 0, output, 0, height, width, 0, units);
    }
  }
}
