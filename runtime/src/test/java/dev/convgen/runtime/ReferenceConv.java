package dev.convgen.runtime;

/**
 * The textbook definition of {@code conv2d} (any groups, stride, padding, dilation), accumulated in
 * double: independent of every kernel under test.
 */
public final class ReferenceConv {

  private ReferenceConv() {}

  /** Applies {@code g} to {@code x [n, in, h, w]}; bias may be null; activation 0 none, 1 ReLU, 2 ReLU6. */
  public static float[] conv2d(ConvGeometry g, float[] x, int n, int h, int w,
      float[] weight, float[] bias, dev.convgen.annotations.Activation activation) {
    int outH = g.outputHeight(h);
    int outW = g.outputWidth(w);
    int perGroupIn = g.inChannelsPerGroup();
    int perGroupOut = g.outChannels() / g.groups();
    float[] y = new float[n * g.outChannels() * outH * outW];
    for (int b = 0; b < n; b++) {
      for (int k = 0; k < g.outChannels(); k++) {
        int group = k / perGroupOut;
        for (int i = 0; i < outH; i++) {
          for (int j = 0; j < outW; j++) {
            double sum = bias == null ? 0 : bias[k];
            for (int ci = 0; ci < perGroupIn; ci++) {
              int c = group * perGroupIn + ci;
              for (int r = 0; r < g.kernelH(); r++) {
                for (int s = 0; s < g.kernelW(); s++) {
                  int ih = i * g.strideH() - g.padTop() + r * g.dilationH();
                  int iw = j * g.strideW() - g.padLeft() + s * g.dilationW();
                  if (ih >= 0 && ih < h && iw >= 0 && iw < w) {
                    sum += (double) weight[((k * perGroupIn + ci) * g.kernelH() + r) * g.kernelW() + s]
                        * x[((b * g.inChannels() + c) * h + ih) * w + iw];
                  }
                }
              }
            }
            float value = (float) sum;
            switch (activation) {
              case RELU:
                value = value > 0 ? value : (Float.isNaN(value) ? value : 0f);
                break;
              case RELU6:
                value = Float.isNaN(value) ? value : value < 0 ? 0f : value > 6 ? 6f : value;
                break;
              default:
                break;
            }
            y[((b * g.outChannels() + k) * outH + i) * outW + j] = value;
          }
        }
      }
    }
    return y;
  }
}
