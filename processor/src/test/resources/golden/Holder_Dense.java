package test;

import dev.convgen.annotations.Activation;
import dev.convgen.runtime.ConvGeometry;
import dev.convgen.runtime.Vectorization;
import dev.convgen.runtime.binding.StageWeights;
import dev.convgen.runtime.binding.WeightBinder;
import dev.convgen.runtime.internal.Arguments;
import dev.convgen.runtime.internal.Im2col;
import dev.convgen.runtime.internal.ImageKernel;
import dev.convgen.runtime.internal.PlaneInterior;
import dev.convgen.runtime.internal.UnitKernel;
import dev.convgen.runtime.internal.WeightPacking;
import dev.convgen.runtime.internal.WeightsOnDemand;
import dev.convgen.runtime.internal.nhwc.NhwcKernel;
import dev.convgen.runtime.internal.nhwc.NhwcKernels;
import java.util.Arrays;
import java.util.Objects;
import javax.annotation.processing.Generated;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Dense 3x3, 3 -> 8 channels, stride 2x2, padding (top, left, bottom, right) [1, 1, 1, 1], dilation 1x1, with bias, activation RELU, generated from
 * {@code @ConvSpec(name="Dense", in=3, out=8, kind=DENSE, kernel={3}, stride={2}, activation=RELU)} on {@code test.Holder}.
 *
 * <p>Batch, height and width are run-time arguments.
 *
 * <p>Plan: NCHW, work unit 4 output channels; interior/border split at run time, all 9 taps unrolled, bias fill then one pass per input channel, activation pass; SIMD 256-bit (8 lanes, 16 registers): im2col panels of 27 rows x 592 pixels times the weights, register tile 4 channels x 16 pixels; SIMD 512-bit (16 lanes, 32 registers): im2col panels of 27 rows x 576 pixels times the weights, register tile 4 channels x 32 pixels; in networks NHWC (the runtime's SIMD kernel with channels in lanes, from one vector of output channels; NCHW calls too, between transpositions).
 */
@Generated("dev.convgen.processor.ConvSpecProcessor")
public final class Holder_Dense extends UnitKernel {
    /**
     * The shape this kernel was generated for: dense 3->8 k3x3 s2x2 p1,1,1,1 d1x1.
     */
    public static final ConvGeometry GEOMETRY = new ConvGeometry(3, 8, 1, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1);

    /**
     * The weights as the NCHW code reads them: made at construction when this JVM gives the kernel
     * no NHWC body, else from the NHWC body's on the first NCHW call (networks run NHWC only).
     */
    private final WeightsOnDemand weight;

    private final float[] bias;

    /**
     * The NHWC implementation networks use, or null at this width.
     */
    private final NhwcKernel nhwc;

    /**
     * The SIMD implementation, or null to run the scalar code.
     */
    private final ImageKernel simd;

    /**
     * Copies and packs the weights; the arrays are not retained.
     *
     * @param weight PyTorch layout [8, 3, 3, 3]
     * @param bias 8 floats, one per output channel
     */
    public Holder_Dense(float[] weight, float[] bias) {
        // geometry, bias, activation, fixed height and width (0: any), work units per image
        super(GEOMETRY, true, Activation.RELU, 0, 0, 2);
        Arguments.checkWeights(GEOMETRY, weight);
        this.bias = Arguments.checkBias(GEOMETRY, bias).clone();
        this.nhwc = NhwcKernels.create(GEOMETRY, weight, bias, Activation.RELU);
        this.weight = new WeightsOnDemand(weight, nhwc, Holder_Dense::pack);
        int bits = Vectorization.bits();
        this.simd = bits == 256 ? new Simd256() : bits == 512 ? new Simd512() : null;
    }

    /**
     * PyTorch-layout weights as the NCHW code reads them.
     */
    private static float[] pack(float[] weight) {
        return weight.clone();
    }

    @Override
    protected NhwcKernel nhwc() {
        return nhwc;
    }

    @Override
    protected boolean nchwThroughNhwc() {
        return true;
    }

    @Override
    protected ImageKernel simd() {
        return simd;
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
        for (int u = firstUnit; u < lastUnit; u++) {
            int group = u / 2;
            int from = group * 8 + (u - group * 2) * 4;
            for (int k = from; k < Math.min(from + 4, group * 8 + 8); k++) {
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
    }

    /**
     * Adds filter {@code k} applied to input plane {@code xo} to output plane {@code yo}.
     */
    private void plane(float[] input, int xo, float[] output, int yo, int k, int height, int width,
            int outH, int outW, int rowLo, int rowHi, int colLo, int colHi) {
        float[] weight = this.weight.get();
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
        float[] weight = this.weight.get();
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

    /**
     * SIMD implementation with 256-bit vectors of 8 floats.
     * As a matrix product: im2col panels of 27 rows x 592 pixels, register tile 4 channels x 16 pixels.
     */
    private final class Simd256 implements ImageKernel {
        private static final VectorSpecies<Float> F = FloatVector.SPECIES_256;

        /**
         * This thread's im2col panel.
         */
        private static final ThreadLocal<float[]> PANEL = ThreadLocal.withInitial(() -> new float[15984]);

        /**
         * The weights packed per group in blocks of 4 output channels, on the first call if the
         * kernel has an NHWC body.
         */
        private final WeightsOnDemand packed = new WeightsOnDemand(nhwc == null ? weight.get() : null, nhwc,
            w -> WeightPacking.packGrouped(w, 1, 8, 27, 4));

        @Override
        public String implementation() {
            return "SIMD 256-bit";
        }

        /**
         * Output channel blocks {@code [firstUnit, lastUnit)} of one image, as a matrix product over im2col panels.
         */
        @Override
        public void image(float[] input, int inputOffset, float[] output, int outputOffset,
                int height, int width, int firstUnit, int lastUnit) {
            int outW = GEOMETRY.outputWidth(width);
            int pixels = GEOMETRY.outputHeight(height) * outW;
            float[] panel = PANEL.get();
            for (int t = 0; t < pixels; t += 592) {
                int valid = Math.min(592, pixels - t);
                for (int u = firstUnit; u < lastUnit; ) {
                    int group = u / 2;
                    Im2col.fill(GEOMETRY, input, inputOffset + group * height * width * 3, 3, height, width, outW, t, valid, panel, 592);
                    for (int end = Math.min(lastUnit, (group + 1) * 2); u < end; u++) {
                        int k = group * 8 + (u - group * 2) * 4;
                        int yo = outputOffset + t + k * pixels;
                        if (valid >= 16) {
                            for (int p = 0; p < valid; p += 16) {
                                // a last partial block overlaps the previous one: no scalar tail
                                int j = Math.min(p, valid - 16);
                                block(panel, j, output, yo + j, k, pixels);
                            }
                        } else {
                            // fewer pixels than one register tile: scalar
                            for (int c = k; c < Math.min(k + 4, (group + 1) * 8); c++) {
                                for (int j = 0; j < valid; j++) {
                                    output[yo + j + (c - k) * pixels] = single(panel, j, c);
                                }
                            }
                        }
                    }
                }
            }
        }

        private void block(float[] input, int xc, float[] output, int yk, int k, int plane) {
            int wp = k * 27;
            FloatVector a0_0 = FloatVector.broadcast(F, bias[k]);
            FloatVector a0_1 = a0_0;
            FloatVector a1_0 = FloatVector.broadcast(F, bias[k + 1]);
            FloatVector a1_1 = a1_0;
            FloatVector a2_0 = FloatVector.broadcast(F, bias[k + 2]);
            FloatVector a2_1 = a2_0;
            FloatVector a3_0 = FloatVector.broadcast(F, bias[k + 3]);
            FloatVector a3_1 = a3_0;
            float[] w = packed.get();
            for (int c = 0; c < 27; c++) {
                FloatVector x0 = FloatVector.fromArray(F, input, xc);
                FloatVector x1 = FloatVector.fromArray(F, input, xc + 8);
                FloatVector w0 = FloatVector.broadcast(F, w[wp]);
                a0_0 = x0.fma(w0, a0_0);
                a0_1 = x1.fma(w0, a0_1);
                w0 = FloatVector.broadcast(F, w[wp + 1]);
                a1_0 = x0.fma(w0, a1_0);
                a1_1 = x1.fma(w0, a1_1);
                w0 = FloatVector.broadcast(F, w[wp + 2]);
                a2_0 = x0.fma(w0, a2_0);
                a2_1 = x1.fma(w0, a2_1);
                w0 = FloatVector.broadcast(F, w[wp + 3]);
                a3_0 = x0.fma(w0, a3_0);
                a3_1 = x1.fma(w0, a3_1);
                xc += 592;
                wp += 4;
            }
            a0_0.max(0f).intoArray(output, yk);
            a0_1.max(0f).intoArray(output, yk + 8);
            a1_0.max(0f).intoArray(output, yk + plane);
            a1_1.max(0f).intoArray(output, yk + plane + 8);
            a2_0.max(0f).intoArray(output, yk + plane * 2);
            a2_1.max(0f).intoArray(output, yk + plane * 2 + 8);
            a3_0.max(0f).intoArray(output, yk + plane * 3);
            a3_1.max(0f).intoArray(output, yk + plane * 3 + 8);
        }

        private float single(float[] panel, int j, int c) {
            // the first channel of c's block, and the block's width, in its group's packing
            int first = c - c % 8 % 4;
            int channels = Math.min(4, 8 - first % 8);
            int wp = first * 27 + (c - first);
            float acc = bias[c];
            float[] w = packed.get();
            for (int r = 0; r < 27; r++) {
                acc += w[wp] * panel[r * 592 + j];
                wp += channels;
            }
            return Math.max(acc, 0f);
        }
    }

    /**
     * SIMD implementation with 512-bit vectors of 16 floats.
     * As a matrix product: im2col panels of 27 rows x 576 pixels, register tile 4 channels x 32 pixels.
     */
    private final class Simd512 implements ImageKernel {
        private static final VectorSpecies<Float> F = FloatVector.SPECIES_512;

        /**
         * This thread's im2col panel.
         */
        private static final ThreadLocal<float[]> PANEL = ThreadLocal.withInitial(() -> new float[15552]);

        /**
         * The weights packed per group in blocks of 4 output channels, on the first call if the
         * kernel has an NHWC body.
         */
        private final WeightsOnDemand packed = new WeightsOnDemand(nhwc == null ? weight.get() : null, nhwc,
            w -> WeightPacking.packGrouped(w, 1, 8, 27, 4));

        @Override
        public String implementation() {
            return "SIMD 512-bit";
        }

        /**
         * Output channel blocks {@code [firstUnit, lastUnit)} of one image, as a matrix product over im2col panels.
         */
        @Override
        public void image(float[] input, int inputOffset, float[] output, int outputOffset,
                int height, int width, int firstUnit, int lastUnit) {
            int outW = GEOMETRY.outputWidth(width);
            int pixels = GEOMETRY.outputHeight(height) * outW;
            float[] panel = PANEL.get();
            for (int t = 0; t < pixels; t += 576) {
                int valid = Math.min(576, pixels - t);
                for (int u = firstUnit; u < lastUnit; ) {
                    int group = u / 2;
                    Im2col.fill(GEOMETRY, input, inputOffset + group * height * width * 3, 3, height, width, outW, t, valid, panel, 576);
                    for (int end = Math.min(lastUnit, (group + 1) * 2); u < end; u++) {
                        int k = group * 8 + (u - group * 2) * 4;
                        int yo = outputOffset + t + k * pixels;
                        if (valid >= 32) {
                            for (int p = 0; p < valid; p += 32) {
                                // a last partial block overlaps the previous one: no scalar tail
                                int j = Math.min(p, valid - 32);
                                block(panel, j, output, yo + j, k, pixels);
                            }
                        } else {
                            // fewer pixels than one register tile: scalar
                            for (int c = k; c < Math.min(k + 4, (group + 1) * 8); c++) {
                                for (int j = 0; j < valid; j++) {
                                    output[yo + j + (c - k) * pixels] = single(panel, j, c);
                                }
                            }
                        }
                    }
                }
            }
        }

        private void block(float[] input, int xc, float[] output, int yk, int k, int plane) {
            int wp = k * 27;
            FloatVector a0_0 = FloatVector.broadcast(F, bias[k]);
            FloatVector a0_1 = a0_0;
            FloatVector a1_0 = FloatVector.broadcast(F, bias[k + 1]);
            FloatVector a1_1 = a1_0;
            FloatVector a2_0 = FloatVector.broadcast(F, bias[k + 2]);
            FloatVector a2_1 = a2_0;
            FloatVector a3_0 = FloatVector.broadcast(F, bias[k + 3]);
            FloatVector a3_1 = a3_0;
            float[] w = packed.get();
            for (int c = 0; c < 27; c++) {
                FloatVector x0 = FloatVector.fromArray(F, input, xc);
                FloatVector x1 = FloatVector.fromArray(F, input, xc + 16);
                FloatVector w0 = FloatVector.broadcast(F, w[wp]);
                a0_0 = x0.fma(w0, a0_0);
                a0_1 = x1.fma(w0, a0_1);
                w0 = FloatVector.broadcast(F, w[wp + 1]);
                a1_0 = x0.fma(w0, a1_0);
                a1_1 = x1.fma(w0, a1_1);
                w0 = FloatVector.broadcast(F, w[wp + 2]);
                a2_0 = x0.fma(w0, a2_0);
                a2_1 = x1.fma(w0, a2_1);
                w0 = FloatVector.broadcast(F, w[wp + 3]);
                a3_0 = x0.fma(w0, a3_0);
                a3_1 = x1.fma(w0, a3_1);
                xc += 576;
                wp += 4;
            }
            a0_0.max(0f).intoArray(output, yk);
            a0_1.max(0f).intoArray(output, yk + 16);
            a1_0.max(0f).intoArray(output, yk + plane);
            a1_1.max(0f).intoArray(output, yk + plane + 16);
            a2_0.max(0f).intoArray(output, yk + plane * 2);
            a2_1.max(0f).intoArray(output, yk + plane * 2 + 16);
            a3_0.max(0f).intoArray(output, yk + plane * 3);
            a3_1.max(0f).intoArray(output, yk + plane * 3 + 16);
        }

        private float single(float[] panel, int j, int c) {
            // the first channel of c's block, and the block's width, in its group's packing
            int first = c - c % 8 % 4;
            int channels = Math.min(4, 8 - first % 8);
            int wp = first * 27 + (c - first);
            float acc = bias[c];
            float[] w = packed.get();
            for (int r = 0; r < 27; r++) {
                acc += w[wp] * panel[r * 576 + j];
                wp += channels;
            }
            return Math.max(acc, 0f);
        }
    }
}
