package test;

import dev.convgen.annotations.Activation;
import dev.convgen.runtime.ConvGeometry;
import dev.convgen.runtime.binding.StageWeights;
import dev.convgen.runtime.binding.WeightBinder;
import dev.convgen.runtime.internal.Arguments;
import dev.convgen.runtime.internal.PlaneInterior;
import dev.convgen.runtime.internal.UnitKernel;
import java.util.Arrays;
import java.util.Objects;
import javax.annotation.processing.Generated;

/**
 * Dense 3x3, 3 -> 8 channels, stride 2x2, padding (top, left, bottom, right) [1, 1, 1, 1], dilation 1x1, with bias, activation RELU, generated from
 * {@code @ConvSpec(name="Dense", in=3, out=8, kind=DENSE, kernel={3}, stride={2}, activation=RELU)} on {@code test.Holder}.
 *
 * <p>Batch, height and width are run-time arguments.
 *
 * <p>Plan: NCHW, work unit 1 output channel; interior/border split at run time, all 9 taps unrolled, bias fill then one pass per input channel, activation pass.
 */
@Generated("dev.convgen.processor.ConvSpecProcessor")
public final class Holder_Dense extends UnitKernel {
    /**
     * The shape this kernel was generated for: dense 3->8 k3x3 s2x2 p1,1,1,1 d1x1.
     */
    public static final ConvGeometry GEOMETRY = new ConvGeometry(3, 8, 1, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1);

    private final float[] weight;

    private final float[] bias;

    /**
     * Copies and packs the weights; the arrays are not retained.
     *
     * @param weight PyTorch layout [8, 3, 3, 3]
     * @param bias 8 floats, one per output channel
     */
    public Holder_Dense(float[] weight, float[] bias) {
        // geometry, bias, activation, fixed height and width (0: any), work units per image
        super(GEOMETRY, true, Activation.RELU, 0, 0, 8);
        Arguments.checkWeights(GEOMETRY, weight);
        this.weight = weight.clone();
        this.bias = Arguments.checkBias(GEOMETRY, bias).clone();
    }

    /**
     * Output channels {@code [firstUnit, lastUnit)} of one image, scalar.
     */
    @Override
    public void image(float[] input, int inputOffset, float[] output, int outputOffset, int height,
            int width, int firstUnit, int lastUnit) {
        int outH = GEOMETRY.outputHeight(height);
        int outW = GEOMETRY.outputWidth(width);
        // interior: output rows/columns whose taps all fall inside the input
        int rowLo = PlaneInterior.rowLo(GEOMETRY, outH);
        int rowHi = PlaneInterior.rowHi(GEOMETRY, height, outH);
        int colLo = PlaneInterior.colLo(GEOMETRY, outW);
        int colHi = PlaneInterior.colHi(GEOMETRY, width, outW);
        int inPlane = height * width;
        int outPlane = outH * outW;
        for (int k = firstUnit; k < lastUnit; k++) {
            int yo = outputOffset + k * outPlane;
            Arrays.fill(output, yo, yo + outPlane, bias[k]);
            int xo = inputOffset;
            for (int c = 0; c < 3; c++) {
                plane(input, xo + c * inPlane, output, yo, k * 3 + c, height, width, outH, outW, rowLo, rowHi, colLo, colHi);
            }
            for (int p = yo; p < yo + outPlane; p++) {
                float v = output[p];
                output[p] = Math.max(v, 0f);
            }
        }
    }

    /**
     * Adds filter {@code k} applied to input plane {@code xo} to output plane {@code yo}.
     */
    private void plane(float[] input, int xo, float[] output, int yo, int k, int height, int width,
            int outH, int outW, int rowLo, int rowHi, int colLo, int colHi) {
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
        int row1 = width;
        int row2 = width * 2;
        for (int i = 0; i < rowLo; i++) {
            borderRow(input, xo, output, yo, i, k, height, width);
        }
        for (int i = rowLo; i < rowHi; i++) {
            int yr = yo + i * outW;
            for (int j = 0; j < colLo; j++) {
                output[yr + j] += borderPixel(input, xo, i, j, k, height, width);
            }
            int xp = xo + (i * 2 - 1) * width - 1;
            for (int j = colLo; j < colHi; j++) {
                int x = xp + j * 2;
                float acc = output[yr + j];
                acc += w0 * input[x];
                acc += w1 * input[x + 1];
                acc += w2 * input[x + 2];
                acc += w3 * input[x + row1];
                acc += w4 * input[x + row1 + 1];
                acc += w5 * input[x + row1 + 2];
                acc += w6 * input[x + row2];
                acc += w7 * input[x + row2 + 1];
                acc += w8 * input[x + row2 + 2];
                output[yr + j] = acc;
            }
            for (int j = colHi; j < outW; j++) {
                output[yr + j] += borderPixel(input, xo, i, j, k, height, width);
            }
        }
        for (int i = rowHi; i < outH; i++) {
            borderRow(input, xo, output, yo, i, k, height, width);
        }
    }

    private void borderRow(float[] input, int xo, float[] output, int yo, int i, int k, int height,
            int width) {
        int outW = GEOMETRY.outputWidth(width);
        int yr = yo + i * outW;
        for (int j = 0; j < outW; j++) {
            output[yr + j] += borderPixel(input, xo, i, j, k, height, width);
        }
    }

    private float borderPixel(float[] input, int xo, int i, int j, int k, int height, int width) {
        float acc = 0f;
        int ih0 = i * 2 - 1;
        int iw0 = j * 2 - 1;
        for (int r = 0; r < 3; r++) {
            int ih = ih0 + r;
            if (ih < 0 || ih >= height) {
                continue;
            }
            int xr = xo + ih * width;
            int wr = (k * 3 + r) * 3;
            if (iw0 >= 0 && iw0 < width) {
                acc += weight[wr] * input[xr + iw0];
            }
            if (iw0 + 1 >= 0 && iw0 + 1 < width) {
                acc += weight[wr + 1] * input[xr + (iw0 + 1)];
            }
            if (iw0 + 2 >= 0 && iw0 + 2 < width) {
                acc += weight[wr + 2] * input[xr + (iw0 + 2)];
            }
        }
        return acc;
    }

    /**
     * Builds this kernel from the tensors named {@code Dense.*}; see {@link #load(WeightBinder, String)}.
     */
    public static Holder_Dense load(WeightBinder weights) {
        return load(weights, "Dense");
    }

    /**
     * Builds this kernel from tensor {@code <prefix>.weight} [8, 3, 3, 3] and {@code <prefix>.bias} or a BatchNorm {@code <prefix>.bn.*}, BatchNorm folded in (naming and checks: {@link WeightBinder}).
     */
    public static Holder_Dense load(WeightBinder weights, String prefix) {
        Objects.requireNonNull(prefix, "prefix");
        StageWeights stage = weights.stage(prefix, GEOMETRY, true, "Holder_Dense");
        return new Holder_Dense(stage.weight(), stage.bias());
    }
}
