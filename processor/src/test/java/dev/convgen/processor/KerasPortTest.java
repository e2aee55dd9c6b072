package dev.convgen.processor;

import com.google.testing.compile.Compilation;
import dev.convgen.runtime.ConvKernel;
import dev.convgen.runtime.Tolerance;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The README's porting guide, checked: Keras-layout weights (HWIO convolution kernels, depthwise
 * {@code [kh, kw, C, M]}) converted as the guide says, run by kernels declared as the guide says
 * ({@code autoPad = SAME_UPPER} for {@code padding="same"}), equal TensorFlow's semantics computed
 * here directly in NHWC with the Keras layouts.
 */
class KerasPortTest {

  private final Random random = new Random(17);

  @Test
  void convolutionsPortedByTheGuideMatchTensorFlowSemantics() throws Exception {
    Compilation compilation = SpecCompiler.compile(List.of(
        "@ConvSpec(name = \"Conv\", in = 3, out = 4, kind = Kind.DENSE, kernel = 3, stride = 2,"
            + " autoPad = AutoPad.SAME_UPPER, bias = false)",
        "@ConvSpec(name = \"Dw\", in = 3, multiplier = 2, kind = Kind.DEPTHWISE, kernel = 3,"
            + " stride = 2, autoPad = AutoPad.SAME_UPPER, bias = false)"), true);
    ClassLoader classes = SpecCompiler.load(compilation);
    int in = 3;
    for (int[] size : new int[][] {{8, 8}, {7, 9}}) {
      int h = size[0];
      int w = size[1];
      float[] nhwc = Tolerance.random(random, h * w * in);
      // Conv2D(4, 3, strides=2, padding="same"): kernel HWIO [3, 3, 3, 4]
      float[] hwio = Tolerance.random(random, 3 * 3 * in * 4);
      float[] oihw = new float[hwio.length];
      for (int kh = 0; kh < 3; kh++) {
        for (int kw = 0; kw < 3; kw++) {
          for (int i = 0; i < in; i++) {
            for (int o = 0; o < 4; o++) {
              oihw[((o * in + i) * 3 + kh) * 3 + kw] = hwio[((kh * 3 + kw) * in + i) * 4 + o];
            }
          }
        }
      }
      ConvKernel conv = (ConvKernel) classes.loadClass("test.Holder_Conv").getConstructors()[0]
          .newInstance((Object) oihw);
      compare(conv, nhwc, h, w, tensorFlow(nhwc, h, w, in, hwio, 4, false));
      // DepthwiseConv2D(3, strides=2, depth_multiplier=2, padding="same"): [3, 3, C, M]
      float[] kkcm = Tolerance.random(random, 3 * 3 * in * 2);
      float[] depthwise = new float[kkcm.length];
      for (int kh = 0; kh < 3; kh++) {
        for (int kw = 0; kw < 3; kw++) {
          for (int c = 0; c < in; c++) {
            for (int m = 0; m < 2; m++) { // transpose(2, 3, 0, 1).reshape(C * M, 1, kh, kw)
              depthwise[((c * 2 + m) * 3 + kh) * 3 + kw] = kkcm[((kh * 3 + kw) * in + c) * 2 + m];
            }
          }
        }
      }
      ConvKernel dw = (ConvKernel) classes.loadClass("test.Holder_Dw").getConstructors()[0]
          .newInstance((Object) depthwise);
      compare(dw, nhwc, h, w, tensorFlow(nhwc, h, w, in, kkcm, 2, true));
    }
  }

  /** Runs the NCHW kernel on the NHWC image, transposed both ways as the guide says. */
  private static void compare(ConvKernel kernel, float[] nhwc, int h, int w, float[] expected) {
    int in = kernel.inChannels();
    float[] nchw = new float[nhwc.length];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        for (int c = 0; c < in; c++) {
          nchw[(c * h + y) * w + x] = nhwc[(y * w + x) * in + c];
        }
      }
    }
    int outH = kernel.outputHeight(h);
    int outW = kernel.outputWidth(w);
    int out = kernel.outChannels();
    float[] nchwOut = new float[out * outH * outW];
    kernel.forward(nchw, 1, h, w, nchwOut);
    float[] nhwcOut = new float[nchwOut.length];
    for (int y = 0; y < outH; y++) {
      for (int x = 0; x < outW; x++) {
        for (int c = 0; c < out; c++) {
          nhwcOut[(y * outW + x) * out + c] = nchwOut[(c * outH + y) * outW + x];
        }
      }
    }
    Tolerance.assertClose("Keras port " + h + "x" + w, expected, nhwcOut, 1e-5);
  }

  /**
   * TensorFlow's {@code conv2d} / {@code depthwise_conv2d} with {@code padding="SAME"}, stride 2,
   * 3x3, NHWC input; kernel HWIO, or for depthwise {@code [kh, kw, C, M]} with output channel
   * {@code c * M + m}.
   */
  private static float[] tensorFlow(float[] x, int h, int w, int in, float[] kernel, int outOrM,
      boolean depthwise) {
    int outH = (h + 1) / 2;
    int outW = (w + 1) / 2;
    int padTop = Math.max((outH - 1) * 2 + 3 - h, 0) / 2;
    int padLeft = Math.max((outW - 1) * 2 + 3 - w, 0) / 2;
    int out = depthwise ? in * outOrM : outOrM;
    float[] y = new float[outH * outW * out];
    for (int i = 0; i < outH; i++) {
      for (int j = 0; j < outW; j++) {
        for (int o = 0; o < out; o++) {
          double sum = 0;
          for (int kh = 0; kh < 3; kh++) {
            for (int kw = 0; kw < 3; kw++) {
              int yy = i * 2 - padTop + kh;
              int xx = j * 2 - padLeft + kw;
              if (yy < 0 || yy >= h || xx < 0 || xx >= w) {
                continue;
              }
              if (depthwise) {
                int c = o / outOrM;
                sum += x[(yy * w + xx) * in + c] * kernel[((kh * 3 + kw) * in + c) * outOrM
                    + o % outOrM];
              } else {
                for (int c = 0; c < in; c++) {
                  sum += x[(yy * w + xx) * in + c] * kernel[((kh * 3 + kw) * in + c) * out + o];
                }
              }
            }
          }
          y[(i * outW + j) * out + o] = (float) sum;
        }
      }
    }
    return y;
  }
}
