package test;

import dev.convgen.annotations.Activation;
import dev.convgen.runtime.ConvGeometry;
import dev.convgen.runtime.binding.StageWeights;
import dev.convgen.runtime.binding.WeightBinder;
import dev.convgen.runtime.internal.Arguments;
import dev.convgen.runtime.internal.UnitKernel;
import dev.convgen.runtime.internal.nhwc.NhwcKernel;
import dev.convgen.runtime.internal.nhwc.NhwcKernels;
import java.util.Objects;
import javax.annotation.processing.Generated;

/**
 * Depthwise 3x3, 16 -> 16 channels, stride 2x2, padding (top, left, bottom, right) [1, 1, 1, 1], dilation 1x1, with bias, activation NONE, generated from
 * {@code @ConvSpec(name="DepthwiseStride2", in=16, kind=DEPTHWISE, kernel={3}, stride={2}, height=14, width=14)} on {@code test.Holder}.
 *
 * <p>Input size fixed at compile time: 14x14 (output 7x7); batch is a run-time argument.
 *
 * <p>Plan: NCHW, work unit 1 input channel; interior/border split at compile time, all 9 taps unrolled, bias and activation fused into the store; in networks NHWC (the runtime's SIMD kernel with channels in lanes, from one vector of output channels; NCHW calls too, between transpositions).
 */
@Generated("dev.convgen.processor.ConvSpecProcessor")
public final class Holder_DepthwiseStride2 extends UnitKernel {
    /**
     * The shape this kernel was generated for: depthwise 16->16 k3x3 s2x2 p1,1,1,1 d1x1.
     */
    public static final ConvGeometry GEOMETRY = ConvGeometry.depthwise(16, 1, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1);

    private final float[] weight;

    private final float[] bias;

    /**
     * The NHWC implementation networks use, or null at this width.
     */
    private final NhwcKernel nhwc;

    /**
     * Copies and packs the weights; the arrays are not retained.
     *
     * @param weight PyTorch layout [16, 1, 3, 3]
     * @param bias 16 floats, one per output channel
     */
    public Holder_DepthwiseStride2(float[] weight, float[] bias) {
        // geometry, bias, activation, fixed height and width (0: any), work units per image
        super(GEOMETRY, true, Activation.NONE, 14, 14, 16);
        Arguments.checkWeights(GEOMETRY, weight);
        this.weight = weight.clone();
        this.bias = Arguments.checkBias(GEOMETRY, bias).clone();
        this.nhwc = NhwcKernels.create(GEOMETRY, weight, bias, Activation.NONE);
    }

    @Override
    protected NhwcKernel nhwc() {
        return nhwc;
    }

    @Override
    protected boolean nchwThroughNhwc() {
        return true;
    }

    /**
     * Input channels {@code [firstUnit, lastUnit)} (each with its 1 output channel(s)) of one image, scalar.
     */
    @Override
    public void image(float[] input, int inputOffset, float[] output, int outputOffset, int height,
            int width, int firstUnit, int lastUnit) {
        for (int c = firstUnit; c < lastUnit; c++) {
            int xo = inputOffset + c * 196;
            plane(input, xo, output, outputOffset + c * 49, c);
        }
    }

    /**
     * Output channel {@code k} of one image, reading input plane {@code xo}.
     */
    private void plane(float[] input, int xo, float[] output, int yo, int k) {
        float bk = bias[k];
        int wo = k * 9;
        float w0 = weight[wo];
        float w1 = weight[wo + 1];
        float w2 = weight[wo + 2];
        float w3 = weight[wo + 3];
        float w4 = weight[wo + 4];
        float w5 = weight[wo + 5];
        float w6 = weight[wo + 6];
        float w7 = weight[wo + 7];
        float w8 = weight[wo + 8];
        for (int i = 0; i < 1; i++) {
            borderRow(input, xo, output, yo, i, k);
        }
        for (int i = 1; i < 7; i++) {
            int yr = yo + i * 7;
            for (int j = 0; j < 1; j++) {
                output[yr + j] = borderPixel(input, xo, i, j, k);
            }
            int xp = xo + i * 28 - 15;
            for (int j = 1; j < 7; j++) {
                int x = xp + j * 2;
                float acc = bk;
                acc += w0 * input[x];
                acc += w1 * input[x + 1];
                acc += w2 * input[x + 2];
                acc += w3 * input[x + 14];
                acc += w4 * input[x + 15];
                acc += w5 * input[x + 16];
                acc += w6 * input[x + 28];
                acc += w7 * input[x + 29];
                acc += w8 * input[x + 30];
                output[yr + j] = acc;
            }
            for (int j = 7; j < 7; j++) {
                output[yr + j] = borderPixel(input, xo, i, j, k);
            }
        }
    }

    private void borderRow(float[] input, int xo, float[] output, int yo, int i, int k) {
        int yr = yo + i * 7;
        for (int j = 0; j < 7; j++) {
            output[yr + j] = borderPixel(input, xo, i, j, k);
        }
    }

    private float borderPixel(float[] input, int xo, int i, int j, int k) {
        float acc = bias[k];
        int ih0 = i * 2 - 1;
        int iw0 = j * 2 - 1;
        for (int r = 0; r < 3; r++) {
            int ih = ih0 + r;
            if (ih < 0 || ih >= 14) {
                continue;
            }
            int xr = xo + ih * 14;
            int wr = (k * 3 + r) * 3;
            if (iw0 >= 0 && iw0 < 14) {
                acc += weight[wr] * input[xr + iw0];
            }
            if (iw0 + 1 >= 0 && iw0 + 1 < 14) {
                acc += weight[wr + 1] * input[xr + (iw0 + 1)];
            }
            if (iw0 + 2 >= 0 && iw0 + 2 < 14) {
                acc += weight[wr + 2] * input[xr + (iw0 + 2)];
            }
        }
        return acc;
    }

    /**
     * Builds this kernel from the tensors named {@code DepthwiseStride2.*}; see {@link #load(WeightBinder, String)}.
     */
    public static Holder_DepthwiseStride2 load(WeightBinder weights) {
        return load(weights, "DepthwiseStride2");
    }

    /**
     * Builds this kernel from tensor {@code <prefix>.weight} [16, 1, 3, 3] and {@code <prefix>.bias} or a BatchNorm {@code <prefix>.bn.*}, BatchNorm folded in (naming and checks: {@link WeightBinder}).
     */
    public static Holder_DepthwiseStride2 load(WeightBinder weights, String prefix) {
        Objects.requireNonNull(prefix, "prefix");
        StageWeights stage = weights.stage(prefix, GEOMETRY, true, "Holder_DepthwiseStride2");
        return new Holder_DepthwiseStride2(stage.weight(), stage.bias());
    }
}
