package test;

import dev.convgen.annotations.Activation;
import dev.convgen.runtime.ConvGeometry;
import dev.convgen.runtime.Vectorization;
import dev.convgen.runtime.binding.StageWeights;
import dev.convgen.runtime.binding.WeightBinder;
import dev.convgen.runtime.internal.Arguments;
import dev.convgen.runtime.internal.ImageKernel;
import dev.convgen.runtime.internal.PlaneInterior;
import dev.convgen.runtime.internal.UnitKernel;
import dev.convgen.runtime.internal.WeightPacking;
import dev.convgen.runtime.internal.WeightsOnDemand;
import dev.convgen.runtime.internal.nhwc.NhwcKernel;
import dev.convgen.runtime.internal.nhwc.NhwcKernels;
import dev.convgen.runtime.network.SeparableBlock;
import java.util.Objects;
import javax.annotation.processing.Generated;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Depthwise-separable block 8 -> 16, generated from
 * {@code @ConvSpec(name="Separable", in=8, out=16, kernel={3}, depthwiseBias=true, depthwiseActivation=RELU6, activation=RELU6)} on {@code test.Holder}:
 * <ol><li>Depthwise 3x3, 8 -> 8 channels, stride 1x1, padding (top, left, bottom, right) [1, 1, 1, 1], dilation 1x1, with bias, activation RELU6<li>Pointwise 1x1, 8 -> 16 channels, stride 1x1, with bias, activation RELU6</ol>
 *
 * <p>Batch, height and width are run-time arguments.
 */
@Generated("dev.convgen.processor.ConvSpecProcessor")
public final class Holder_Separable extends SeparableBlock {
    /**
     * Builds the block from PyTorch-layout weights; the arrays are copied.
     *
     * @param depthwiseWeight [8, 1, 3, 3]
     * @param depthwiseBias [8]
     * @param pointwiseWeight [16, 8, 1, 1]
     * @param pointwiseBias [16]
     */
    public Holder_Separable(float[] depthwiseWeight, float[] depthwiseBias, float[] pointwiseWeight,
            float[] pointwiseBias) {
        super(new Depthwise(depthwiseWeight, depthwiseBias), new Pointwise(pointwiseWeight, pointwiseBias));
    }

    /**
     * Builds this block from the tensors named {@code Separable.*}; see {@link #load(WeightBinder, String)}.
     */
    public static Holder_Separable load(WeightBinder weights) {
        return load(weights, "Separable");
    }

    /**
     * Builds this block from tensors {@code <prefix>.dw.weight} [8, 1, 3, 3], {@code <prefix>.pw.weight} [16, 8, 1, 1] and the biases or BatchNorms the stages declare, BatchNorm folded in (naming and checks: {@link WeightBinder}).
     */
    public static Holder_Separable load(WeightBinder weights, String prefix) {
        Objects.requireNonNull(prefix, "prefix");
        StageWeights dw = weights.stage(prefix + ".dw", Depthwise.GEOMETRY, true, "Holder_Separable (depthwise stage)");
        StageWeights pw = weights.stage(prefix + ".pw", Pointwise.GEOMETRY, true, "Holder_Separable (pointwise stage)");
        return new Holder_Separable(dw.weight(), dw.bias(), pw.weight(), pw.bias());
    }

    /**
     * The depthwise stage: Depthwise 3x3, 8 -> 8 channels, stride 1x1, padding (top, left, bottom, right) [1, 1, 1, 1], dilation 1x1, with bias, activation RELU6.
     *
     * <p>Plan: NCHW, work unit 1 input channel; interior/border split at run time, all 9 taps unrolled, bias and activation fused into the store; SIMD 256-bit (8 lanes, 16 registers): spans of up to 8 vectors, taps in registers, interior as one flat run; SIMD 512-bit (16 lanes, 32 registers): spans of up to 8 vectors, taps in registers, interior as one flat run; in networks NHWC (the runtime's SIMD kernel with channels in lanes, from one vector of output channels).
     */
    public static final class Depthwise extends UnitKernel {
        /**
         * The shape this kernel was generated for: depthwise 8->8 k3x3 s1x1 p1,1,1,1 d1x1.
         */
        public static final ConvGeometry GEOMETRY = ConvGeometry.depthwise(8, 1, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1);

        private final float[] weight;

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
         * @param weight PyTorch layout [8, 1, 3, 3]
         * @param bias 8 floats, one per output channel
         */
        public Depthwise(float[] weight, float[] bias) {
            // geometry, bias, activation, fixed height and width (0: any), work units per image
            super(GEOMETRY, true, Activation.RELU6, 0, 0, 8);
            Arguments.checkWeights(GEOMETRY, weight);
            this.weight = weight.clone();
            this.bias = Arguments.checkBias(GEOMETRY, bias).clone();
            this.nhwc = NhwcKernels.create(GEOMETRY, weight, bias, Activation.RELU6);
            int bits = Vectorization.bits();
            this.simd = bits == 256 ? new Simd256() : bits == 512 ? new Simd512() : null;
        }

        @Override
        protected NhwcKernel nhwc() {
            return nhwc;
        }

        @Override
        protected ImageKernel simd() {
            return simd;
        }

        /**
         * Input channels {@code [firstUnit, lastUnit)} (each with its 1 output channel(s)) of one image, scalar.
         */
        @Override
        public void image(float[] input, int inputOffset, float[] output, int outputOffset,
                int height, int width, int firstUnit, int lastUnit) {
            int outH = GEOMETRY.outputHeight(height);
            int outW = GEOMETRY.outputWidth(width);
            // interior: output rows/columns whose taps all fall inside the input
            int rowLo = PlaneInterior.rowLo(GEOMETRY, outH);
            int rowHi = PlaneInterior.rowHi(GEOMETRY, height, outH);
            int colLo = PlaneInterior.colLo(GEOMETRY, outW);
            int colHi = PlaneInterior.colHi(GEOMETRY, width, outW);
            int inPlane = height * width;
            int outPlane = outH * outW;
            for (int c = firstUnit; c < lastUnit; c++) {
                int xo = inputOffset + c * inPlane;
                plane(input, xo, output, outputOffset + c * outPlane, c, height, width, outH, outW, rowLo, rowHi, colLo, colHi);
            }
        }

        /**
         * Output channel {@code k} of one image, reading input plane {@code xo}.
         */
        private void plane(float[] input, int xo, float[] output, int yo, int k, int height,
                int width, int outH, int outW, int rowLo, int rowHi, int colLo, int colHi) {
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
            int row1 = width;
            int row2 = width * 2;
            for (int i = 0; i < rowLo; i++) {
                borderRow(input, xo, output, yo, i, k, height, width);
            }
            for (int i = rowLo; i < rowHi; i++) {
                int yr = yo + i * outW;
                for (int j = 0; j < colLo; j++) {
                    output[yr + j] = borderPixel(input, xo, i, j, k, height, width);
                }
                int xp = xo + (i - 1) * width - 1;
                for (int j = colLo; j < colHi; j++) {
                    int x = xp + j;
                    float acc = bk;
                    acc += w0 * input[x];
                    acc += w1 * input[x + 1];
                    acc += w2 * input[x + 2];
                    acc += w3 * input[x + row1];
                    acc += w4 * input[x + row1 + 1];
                    acc += w5 * input[x + row1 + 2];
                    acc += w6 * input[x + row2];
                    acc += w7 * input[x + row2 + 1];
                    acc += w8 * input[x + row2 + 2];
                    output[yr + j] = Math.min(Math.max(acc, 0f), 6f);
                }
                for (int j = colHi; j < outW; j++) {
                    output[yr + j] = borderPixel(input, xo, i, j, k, height, width);
                }
            }
            for (int i = rowHi; i < outH; i++) {
                borderRow(input, xo, output, yo, i, k, height, width);
            }
        }

        private void borderRow(float[] input, int xo, float[] output, int yo, int i, int k,
                int height, int width) {
            int outW = GEOMETRY.outputWidth(width);
            int yr = yo + i * outW;
            for (int j = 0; j < outW; j++) {
                output[yr + j] = borderPixel(input, xo, i, j, k, height, width);
            }
        }

        private float borderPixel(float[] input, int xo, int i, int j, int k, int height,
                int width) {
            float acc = bias[k];
            int ih0 = i - 1;
            int iw0 = j - 1;
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
            return Math.min(Math.max(acc, 0f), 6f);
        }

        /**
         * SIMD implementation with 256-bit vectors of 8 floats.
         */
        private final class Simd256 implements ImageKernel {
            private static final VectorSpecies<Float> F = FloatVector.SPECIES_256;

            @Override
            public String implementation() {
                return "SIMD 256-bit";
            }

            /**
             * Input channels {@code [firstUnit, lastUnit)} (each with its 1 output channel(s)) of one image, SIMD.
             */
            @Override
            public void image(float[] input, int inputOffset, float[] output, int outputOffset,
                    int height, int width, int firstUnit, int lastUnit) {
                int outH = GEOMETRY.outputHeight(height);
                int outW = GEOMETRY.outputWidth(width);
                // interior: output rows/columns whose taps all fall inside the input
                int rowLo = PlaneInterior.rowLo(GEOMETRY, outH);
                int rowHi = PlaneInterior.rowHi(GEOMETRY, height, outH);
                int colLo = PlaneInterior.colLo(GEOMETRY, outW);
                int colHi = PlaneInterior.colHi(GEOMETRY, width, outW);
                int inPlane = height * width;
                int outPlane = outH * outW;
                for (int c = firstUnit; c < lastUnit; c++) {
                    int xo = inputOffset + c * inPlane;
                    plane(input, xo, output, outputOffset + c * outPlane, c, height, width, outH, outW, rowLo, rowHi, colLo, colHi);
                }
            }

            /**
             * Output channel {@code k} of one image, reading input plane {@code xo}.
             */
            private void plane(float[] input, int xo, float[] output, int yo, int k, int height,
                    int width, int outH, int outW, int rowLo, int rowHi, int colLo, int colHi) {
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
                int row1 = width;
                int row2 = width * 2;
                for (int i = 0; i < rowLo; i++) {
                    borderRow(input, xo, output, yo, i, k, height, width);
                }
                // interior rows as one flat run of pixels; wrapped edge columns fixed below
                int end = rowHi > rowLo && colHi > colLo ? (rowHi - 1) * width + colHi : rowLo * width + colLo;
                int xb = xo - width - 1;
                int j = rowLo * width + colLo;
                int yr = yo;
                while (j + 8 <= end) {
                    int vectors = Math.min((end - j) >> 3, 8);
                    span(input, xb + j, output, yr + j, vectors, k, width);
                    j += vectors * 8;
                }
                for (; j < end; j++) {
                    int x = xb + j;
                    float acc = bk;
                    acc += w0 * input[x];
                    acc += w1 * input[x + 1];
                    acc += w2 * input[x + 2];
                    acc += w3 * input[x + row1];
                    acc += w4 * input[x + row1 + 1];
                    acc += w5 * input[x + row1 + 2];
                    acc += w6 * input[x + row2];
                    acc += w7 * input[x + row2 + 1];
                    acc += w8 * input[x + row2 + 2];
                    output[yr + j] = Math.min(Math.max(acc, 0f), 6f);
                }
                for (int i = rowLo; i < rowHi; i++) {
                    int row = yo + i * width;
                    for (int c = 0; c < colLo; c++) {
                        output[row + c] = borderPixel(input, xo, i, c, k, height, width);
                    }
                    for (int c = colHi; c < width; c++) {
                        output[row + c] = borderPixel(input, xo, i, c, k, height, width);
                    }
                }
                for (int i = rowHi; i < outH; i++) {
                    borderRow(input, xo, output, yo, i, k, height, width);
                }
            }

            private void span(float[] input, int x, float[] output, int y, int vectors, int k,
                    int width) {
                int wo = k * 9;
                FloatVector vb = FloatVector.broadcast(F, bias[k]);
                FloatVector v0 = FloatVector.broadcast(F, weight[wo]);
                FloatVector v1 = FloatVector.broadcast(F, weight[wo + 1]);
                FloatVector v2 = FloatVector.broadcast(F, weight[wo + 2]);
                FloatVector v3 = FloatVector.broadcast(F, weight[wo + 3]);
                FloatVector v4 = FloatVector.broadcast(F, weight[wo + 4]);
                FloatVector v5 = FloatVector.broadcast(F, weight[wo + 5]);
                FloatVector v6 = FloatVector.broadcast(F, weight[wo + 6]);
                FloatVector v7 = FloatVector.broadcast(F, weight[wo + 7]);
                FloatVector v8 = FloatVector.broadcast(F, weight[wo + 8]);
                int row1 = width;
                int row2 = width * 2;
                for (int v = 0; v < vectors; v++) {
                    FloatVector acc = vb;
                    acc = FloatVector.fromArray(F, input, x).fma(v0, acc);
                    acc = FloatVector.fromArray(F, input, x + 1).fma(v1, acc);
                    acc = FloatVector.fromArray(F, input, x + 2).fma(v2, acc);
                    acc = FloatVector.fromArray(F, input, x + row1).fma(v3, acc);
                    acc = FloatVector.fromArray(F, input, x + row1 + 1).fma(v4, acc);
                    acc = FloatVector.fromArray(F, input, x + row1 + 2).fma(v5, acc);
                    acc = FloatVector.fromArray(F, input, x + row2).fma(v6, acc);
                    acc = FloatVector.fromArray(F, input, x + row2 + 1).fma(v7, acc);
                    acc = FloatVector.fromArray(F, input, x + row2 + 2).fma(v8, acc);
                    acc.max(0f).min(6f).intoArray(output, y);
                    x += 8;
                    y += 8;
                }
            }
        }

        /**
         * SIMD implementation with 512-bit vectors of 16 floats.
         */
        private final class Simd512 implements ImageKernel {
            private static final VectorSpecies<Float> F = FloatVector.SPECIES_512;

            @Override
            public String implementation() {
                return "SIMD 512-bit";
            }

            /**
             * Input channels {@code [firstUnit, lastUnit)} (each with its 1 output channel(s)) of one image, SIMD.
             */
            @Override
            public void image(float[] input, int inputOffset, float[] output, int outputOffset,
                    int height, int width, int firstUnit, int lastUnit) {
                int outH = GEOMETRY.outputHeight(height);
                int outW = GEOMETRY.outputWidth(width);
                // interior: output rows/columns whose taps all fall inside the input
                int rowLo = PlaneInterior.rowLo(GEOMETRY, outH);
                int rowHi = PlaneInterior.rowHi(GEOMETRY, height, outH);
                int colLo = PlaneInterior.colLo(GEOMETRY, outW);
                int colHi = PlaneInterior.colHi(GEOMETRY, width, outW);
                int inPlane = height * width;
                int outPlane = outH * outW;
                for (int c = firstUnit; c < lastUnit; c++) {
                    int xo = inputOffset + c * inPlane;
                    plane(input, xo, output, outputOffset + c * outPlane, c, height, width, outH, outW, rowLo, rowHi, colLo, colHi);
                }
            }

            /**
             * Output channel {@code k} of one image, reading input plane {@code xo}.
             */
            private void plane(float[] input, int xo, float[] output, int yo, int k, int height,
                    int width, int outH, int outW, int rowLo, int rowHi, int colLo, int colHi) {
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
                int row1 = width;
                int row2 = width * 2;
                for (int i = 0; i < rowLo; i++) {
                    borderRow(input, xo, output, yo, i, k, height, width);
                }
                // interior rows as one flat run of pixels; wrapped edge columns fixed below
                int end = rowHi > rowLo && colHi > colLo ? (rowHi - 1) * width + colHi : rowLo * width + colLo;
                int xb = xo - width - 1;
                int j = rowLo * width + colLo;
                int yr = yo;
                while (j + 16 <= end) {
                    int vectors = Math.min((end - j) >> 4, 8);
                    span(input, xb + j, output, yr + j, vectors, k, width);
                    j += vectors * 16;
                }
                for (; j < end; j++) {
                    int x = xb + j;
                    float acc = bk;
                    acc += w0 * input[x];
                    acc += w1 * input[x + 1];
                    acc += w2 * input[x + 2];
                    acc += w3 * input[x + row1];
                    acc += w4 * input[x + row1 + 1];
                    acc += w5 * input[x + row1 + 2];
                    acc += w6 * input[x + row2];
                    acc += w7 * input[x + row2 + 1];
                    acc += w8 * input[x + row2 + 2];
                    output[yr + j] = Math.min(Math.max(acc, 0f), 6f);
                }
                for (int i = rowLo; i < rowHi; i++) {
                    int row = yo + i * width;
                    for (int c = 0; c < colLo; c++) {
                        output[row + c] = borderPixel(input, xo, i, c, k, height, width);
                    }
                    for (int c = colHi; c < width; c++) {
                        output[row + c] = borderPixel(input, xo, i, c, k, height, width);
                    }
                }
                for (int i = rowHi; i < outH; i++) {
                    borderRow(input, xo, output, yo, i, k, height, width);
                }
            }

            private void span(float[] input, int x, float[] output, int y, int vectors, int k,
                    int width) {
                int wo = k * 9;
                FloatVector vb = FloatVector.broadcast(F, bias[k]);
                FloatVector v0 = FloatVector.broadcast(F, weight[wo]);
                FloatVector v1 = FloatVector.broadcast(F, weight[wo + 1]);
                FloatVector v2 = FloatVector.broadcast(F, weight[wo + 2]);
                FloatVector v3 = FloatVector.broadcast(F, weight[wo + 3]);
                FloatVector v4 = FloatVector.broadcast(F, weight[wo + 4]);
                FloatVector v5 = FloatVector.broadcast(F, weight[wo + 5]);
                FloatVector v6 = FloatVector.broadcast(F, weight[wo + 6]);
                FloatVector v7 = FloatVector.broadcast(F, weight[wo + 7]);
                FloatVector v8 = FloatVector.broadcast(F, weight[wo + 8]);
                int row1 = width;
                int row2 = width * 2;
                for (int v = 0; v < vectors; v++) {
                    FloatVector acc = vb;
                    acc = FloatVector.fromArray(F, input, x).fma(v0, acc);
                    acc = FloatVector.fromArray(F, input, x + 1).fma(v1, acc);
                    acc = FloatVector.fromArray(F, input, x + 2).fma(v2, acc);
                    acc = FloatVector.fromArray(F, input, x + row1).fma(v3, acc);
                    acc = FloatVector.fromArray(F, input, x + row1 + 1).fma(v4, acc);
                    acc = FloatVector.fromArray(F, input, x + row1 + 2).fma(v5, acc);
                    acc = FloatVector.fromArray(F, input, x + row2).fma(v6, acc);
                    acc = FloatVector.fromArray(F, input, x + row2 + 1).fma(v7, acc);
                    acc = FloatVector.fromArray(F, input, x + row2 + 2).fma(v8, acc);
                    acc.max(0f).min(6f).intoArray(output, y);
                    x += 16;
                    y += 16;
                }
            }
        }
    }

    /**
     * The pointwise stage: Pointwise 1x1, 8 -> 16 channels, stride 1x1, with bias, activation RELU6.
     *
     * <p>Plan: NCHW, work unit 4 output channels; scalar: 4 channels x 2 pixels, reduction unrolled x8; SIMD 256-bit (8 lanes, 16 registers): 4 channels x 16 pixels, pixel tiles of 1024, rolled reduction; SIMD 512-bit (16 lanes, 32 registers): 4 channels x 32 pixels, pixel tiles of 1024, rolled reduction; in networks NHWC (the runtime's SIMD kernel with channels in lanes, from one vector of output channels; NCHW weights packed on the first NCHW call).
     */
    public static final class Pointwise extends UnitKernel {
        /**
         * The shape this kernel was generated for: pointwise 8->16 k1x1 s1x1 p0,0,0,0 d1x1.
         */
        public static final ConvGeometry GEOMETRY = ConvGeometry.pointwise(8, 16, 1, 1);

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
         * @param weight PyTorch layout [16, 8, 1, 1]
         * @param bias 16 floats, one per output channel
         */
        public Pointwise(float[] weight, float[] bias) {
            // geometry, bias, activation, fixed height and width (0: any), work units per image
            super(GEOMETRY, true, Activation.RELU6, 0, 0, 4);
            Arguments.checkWeights(GEOMETRY, weight);
            this.bias = Arguments.checkBias(GEOMETRY, bias).clone();
            this.nhwc = NhwcKernels.create(GEOMETRY, weight, bias, Activation.RELU6);
            this.weight = new WeightsOnDemand(weight, nhwc, Pointwise::pack);
            int bits = Vectorization.bits();
            this.simd = bits == 256 ? new Simd256() : bits == 512 ? new Simd512() : null;
        }

        /**
         * PyTorch-layout weights as the NCHW code reads them.
         */
        private static float[] pack(float[] weight) {
            return WeightPacking.packPointwise(weight, 16, 8, 4);
        }

        @Override
        protected NhwcKernel nhwc() {
            return nhwc;
        }

        @Override
        protected ImageKernel simd() {
            return simd;
        }

        /**
         * Output channel blocks {@code [firstUnit, lastUnit)} of one image, scalar.
         */
        @Override
        public void image(float[] input, int inputOffset, float[] output, int outputOffset,
                int height, int width, int firstUnit, int lastUnit) {
            int fromChannel = firstUnit * 4;
            int toChannel = Math.min(lastUnit * 4, 16);
            int outH = GEOMETRY.outputHeight(height);
            int outW = GEOMETRY.outputWidth(width);
            int inPlane = height * width;
            int outPlane = outH * outW;
            float[] w = weight.get();
            float[] b = this.bias;
            int mainEnd = outPlane - outPlane % 2;
            int inRow = inputOffset;
            int outRow = outputOffset;
            int j = 0;
            for (; j < mainEnd; j += 2) {
                int xp = inRow + j;
                int yp = outRow + j;
                for (int k = fromChannel; k < toChannel; k += 4) {
                    int wp = k * 8;
                    float a0_0 = b[k];
                    float a0_1 = a0_0;
                    float a1_0 = b[k + 1];
                    float a1_1 = a1_0;
                    float a2_0 = b[k + 2];
                    float a2_1 = a2_0;
                    float a3_0 = b[k + 3];
                    float a3_1 = a3_0;
                    int xc = xp;
                    float x0, x1;
                    float w0;
                    x0 = input[xc];
                    x1 = input[xc + 1];
                    w0 = w[wp];
                    a0_0 += w0 * x0;
                    a0_1 += w0 * x1;
                    w0 = w[wp + 1];
                    a1_0 += w0 * x0;
                    a1_1 += w0 * x1;
                    w0 = w[wp + 2];
                    a2_0 += w0 * x0;
                    a2_1 += w0 * x1;
                    w0 = w[wp + 3];
                    a3_0 += w0 * x0;
                    a3_1 += w0 * x1;
                    xc += inPlane;
                    x0 = input[xc];
                    x1 = input[xc + 1];
                    w0 = w[wp + 4];
                    a0_0 += w0 * x0;
                    a0_1 += w0 * x1;
                    w0 = w[wp + 5];
                    a1_0 += w0 * x0;
                    a1_1 += w0 * x1;
                    w0 = w[wp + 6];
                    a2_0 += w0 * x0;
                    a2_1 += w0 * x1;
                    w0 = w[wp + 7];
                    a3_0 += w0 * x0;
                    a3_1 += w0 * x1;
                    xc += inPlane;
                    x0 = input[xc];
                    x1 = input[xc + 1];
                    w0 = w[wp + 8];
                    a0_0 += w0 * x0;
                    a0_1 += w0 * x1;
                    w0 = w[wp + 9];
                    a1_0 += w0 * x0;
                    a1_1 += w0 * x1;
                    w0 = w[wp + 10];
                    a2_0 += w0 * x0;
                    a2_1 += w0 * x1;
                    w0 = w[wp + 11];
                    a3_0 += w0 * x0;
                    a3_1 += w0 * x1;
                    xc += inPlane;
                    x0 = input[xc];
                    x1 = input[xc + 1];
                    w0 = w[wp + 12];
                    a0_0 += w0 * x0;
                    a0_1 += w0 * x1;
                    w0 = w[wp + 13];
                    a1_0 += w0 * x0;
                    a1_1 += w0 * x1;
                    w0 = w[wp + 14];
                    a2_0 += w0 * x0;
                    a2_1 += w0 * x1;
                    w0 = w[wp + 15];
                    a3_0 += w0 * x0;
                    a3_1 += w0 * x1;
                    xc += inPlane;
                    x0 = input[xc];
                    x1 = input[xc + 1];
                    w0 = w[wp + 16];
                    a0_0 += w0 * x0;
                    a0_1 += w0 * x1;
                    w0 = w[wp + 17];
                    a1_0 += w0 * x0;
                    a1_1 += w0 * x1;
                    w0 = w[wp + 18];
                    a2_0 += w0 * x0;
                    a2_1 += w0 * x1;
                    w0 = w[wp + 19];
                    a3_0 += w0 * x0;
                    a3_1 += w0 * x1;
                    xc += inPlane;
                    x0 = input[xc];
                    x1 = input[xc + 1];
                    w0 = w[wp + 20];
                    a0_0 += w0 * x0;
                    a0_1 += w0 * x1;
                    w0 = w[wp + 21];
                    a1_0 += w0 * x0;
                    a1_1 += w0 * x1;
                    w0 = w[wp + 22];
                    a2_0 += w0 * x0;
                    a2_1 += w0 * x1;
                    w0 = w[wp + 23];
                    a3_0 += w0 * x0;
                    a3_1 += w0 * x1;
                    xc += inPlane;
                    x0 = input[xc];
                    x1 = input[xc + 1];
                    w0 = w[wp + 24];
                    a0_0 += w0 * x0;
                    a0_1 += w0 * x1;
                    w0 = w[wp + 25];
                    a1_0 += w0 * x0;
                    a1_1 += w0 * x1;
                    w0 = w[wp + 26];
                    a2_0 += w0 * x0;
                    a2_1 += w0 * x1;
                    w0 = w[wp + 27];
                    a3_0 += w0 * x0;
                    a3_1 += w0 * x1;
                    xc += inPlane;
                    x0 = input[xc];
                    x1 = input[xc + 1];
                    w0 = w[wp + 28];
                    a0_0 += w0 * x0;
                    a0_1 += w0 * x1;
                    w0 = w[wp + 29];
                    a1_0 += w0 * x0;
                    a1_1 += w0 * x1;
                    w0 = w[wp + 30];
                    a2_0 += w0 * x0;
                    a2_1 += w0 * x1;
                    w0 = w[wp + 31];
                    a3_0 += w0 * x0;
                    a3_1 += w0 * x1;
                    int yk = yp + k * outPlane;
                    output[yk] = Math.min(Math.max(a0_0, 0f), 6f);
                    output[yk + 1] = Math.min(Math.max(a0_1, 0f), 6f);
                    output[yk + outPlane] = Math.min(Math.max(a1_0, 0f), 6f);
                    output[yk + outPlane + 1] = Math.min(Math.max(a1_1, 0f), 6f);
                    output[yk + outPlane * 2] = Math.min(Math.max(a2_0, 0f), 6f);
                    output[yk + outPlane * 2 + 1] = Math.min(Math.max(a2_1, 0f), 6f);
                    output[yk + outPlane * 3] = Math.min(Math.max(a3_0, 0f), 6f);
                    output[yk + outPlane * 3 + 1] = Math.min(Math.max(a3_1, 0f), 6f);
                }
            }
            for (; j < outPlane; j++) {
                int xp = inRow + j;
                int yp = outRow + j;
                for (int k = fromChannel; k < toChannel; k += 4) {
                    int wp = k * 8;
                    float a0_0 = b[k];
                    float a1_0 = b[k + 1];
                    float a2_0 = b[k + 2];
                    float a3_0 = b[k + 3];
                    int xc = xp;
                    float x0;
                    float w0;
                    x0 = input[xc];
                    w0 = w[wp];
                    a0_0 += w0 * x0;
                    w0 = w[wp + 1];
                    a1_0 += w0 * x0;
                    w0 = w[wp + 2];
                    a2_0 += w0 * x0;
                    w0 = w[wp + 3];
                    a3_0 += w0 * x0;
                    xc += inPlane;
                    x0 = input[xc];
                    w0 = w[wp + 4];
                    a0_0 += w0 * x0;
                    w0 = w[wp + 5];
                    a1_0 += w0 * x0;
                    w0 = w[wp + 6];
                    a2_0 += w0 * x0;
                    w0 = w[wp + 7];
                    a3_0 += w0 * x0;
                    xc += inPlane;
                    x0 = input[xc];
                    w0 = w[wp + 8];
                    a0_0 += w0 * x0;
                    w0 = w[wp + 9];
                    a1_0 += w0 * x0;
                    w0 = w[wp + 10];
                    a2_0 += w0 * x0;
                    w0 = w[wp + 11];
                    a3_0 += w0 * x0;
                    xc += inPlane;
                    x0 = input[xc];
                    w0 = w[wp + 12];
                    a0_0 += w0 * x0;
                    w0 = w[wp + 13];
                    a1_0 += w0 * x0;
                    w0 = w[wp + 14];
                    a2_0 += w0 * x0;
                    w0 = w[wp + 15];
                    a3_0 += w0 * x0;
                    xc += inPlane;
                    x0 = input[xc];
                    w0 = w[wp + 16];
                    a0_0 += w0 * x0;
                    w0 = w[wp + 17];
                    a1_0 += w0 * x0;
                    w0 = w[wp + 18];
                    a2_0 += w0 * x0;
                    w0 = w[wp + 19];
                    a3_0 += w0 * x0;
                    xc += inPlane;
                    x0 = input[xc];
                    w0 = w[wp + 20];
                    a0_0 += w0 * x0;
                    w0 = w[wp + 21];
                    a1_0 += w0 * x0;
                    w0 = w[wp + 22];
                    a2_0 += w0 * x0;
                    w0 = w[wp + 23];
                    a3_0 += w0 * x0;
                    xc += inPlane;
                    x0 = input[xc];
                    w0 = w[wp + 24];
                    a0_0 += w0 * x0;
                    w0 = w[wp + 25];
                    a1_0 += w0 * x0;
                    w0 = w[wp + 26];
                    a2_0 += w0 * x0;
                    w0 = w[wp + 27];
                    a3_0 += w0 * x0;
                    xc += inPlane;
                    x0 = input[xc];
                    w0 = w[wp + 28];
                    a0_0 += w0 * x0;
                    w0 = w[wp + 29];
                    a1_0 += w0 * x0;
                    w0 = w[wp + 30];
                    a2_0 += w0 * x0;
                    w0 = w[wp + 31];
                    a3_0 += w0 * x0;
                    int yk = yp + k * outPlane;
                    output[yk] = Math.min(Math.max(a0_0, 0f), 6f);
                    output[yk + outPlane] = Math.min(Math.max(a1_0, 0f), 6f);
                    output[yk + outPlane * 2] = Math.min(Math.max(a2_0, 0f), 6f);
                    output[yk + outPlane * 3] = Math.min(Math.max(a3_0, 0f), 6f);
                }
            }
        }

        /**
         * SIMD implementation with 256-bit vectors of 8 floats.
         */
        private final class Simd256 implements ImageKernel {
            private static final VectorSpecies<Float> F = FloatVector.SPECIES_256;

            @Override
            public String implementation() {
                return "SIMD 256-bit";
            }

            /**
             * Output channel blocks {@code [firstUnit, lastUnit)} of one image, SIMD.
             */
            @Override
            public void image(float[] input, int inputOffset, float[] output, int outputOffset,
                    int height, int width, int firstUnit, int lastUnit) {
                int fromChannel = firstUnit * 4;
                int toChannel = Math.min(lastUnit * 4, 16);
                int plane = height * width;
                float[] w = weight.get();
                float[] b = bias;
                int inRow = inputOffset;
                int outRow = outputOffset;
                if (plane >= 16) {
                    // tiles of 1024 pixels: the input tile stays in cache while every output channel block passes over it
                    for (int t = 0; t < plane; t += 1024) {
                        int tileEnd = Math.min(t + 1024, plane);
                        for (int k = fromChannel; k < toChannel; k += 4) {
                            for (int p = t; p < tileEnd; p += 16) {
                                int j = Math.min(p, plane - 16);
                                block(input, inRow + j, output, outRow + j + k * plane, k, plane);
                            }
                        }
                    }
                } else {
                    // fewer than 16 pixels: scalar
                    for (int j = 0; j < plane; j++) {
                        int xp = inRow + j;
                        int yp = outRow + j;
                        for (int k = fromChannel; k < toChannel; k += 4) {
                            int wp = k * 8;
                            float a0_0 = b[k];
                            float a1_0 = b[k + 1];
                            float a2_0 = b[k + 2];
                            float a3_0 = b[k + 3];
                            int xc = xp;
                            float x0;
                            float w0;
                            x0 = input[xc];
                            w0 = w[wp];
                            a0_0 += w0 * x0;
                            w0 = w[wp + 1];
                            a1_0 += w0 * x0;
                            w0 = w[wp + 2];
                            a2_0 += w0 * x0;
                            w0 = w[wp + 3];
                            a3_0 += w0 * x0;
                            xc += plane;
                            x0 = input[xc];
                            w0 = w[wp + 4];
                            a0_0 += w0 * x0;
                            w0 = w[wp + 5];
                            a1_0 += w0 * x0;
                            w0 = w[wp + 6];
                            a2_0 += w0 * x0;
                            w0 = w[wp + 7];
                            a3_0 += w0 * x0;
                            xc += plane;
                            x0 = input[xc];
                            w0 = w[wp + 8];
                            a0_0 += w0 * x0;
                            w0 = w[wp + 9];
                            a1_0 += w0 * x0;
                            w0 = w[wp + 10];
                            a2_0 += w0 * x0;
                            w0 = w[wp + 11];
                            a3_0 += w0 * x0;
                            xc += plane;
                            x0 = input[xc];
                            w0 = w[wp + 12];
                            a0_0 += w0 * x0;
                            w0 = w[wp + 13];
                            a1_0 += w0 * x0;
                            w0 = w[wp + 14];
                            a2_0 += w0 * x0;
                            w0 = w[wp + 15];
                            a3_0 += w0 * x0;
                            xc += plane;
                            x0 = input[xc];
                            w0 = w[wp + 16];
                            a0_0 += w0 * x0;
                            w0 = w[wp + 17];
                            a1_0 += w0 * x0;
                            w0 = w[wp + 18];
                            a2_0 += w0 * x0;
                            w0 = w[wp + 19];
                            a3_0 += w0 * x0;
                            xc += plane;
                            x0 = input[xc];
                            w0 = w[wp + 20];
                            a0_0 += w0 * x0;
                            w0 = w[wp + 21];
                            a1_0 += w0 * x0;
                            w0 = w[wp + 22];
                            a2_0 += w0 * x0;
                            w0 = w[wp + 23];
                            a3_0 += w0 * x0;
                            xc += plane;
                            x0 = input[xc];
                            w0 = w[wp + 24];
                            a0_0 += w0 * x0;
                            w0 = w[wp + 25];
                            a1_0 += w0 * x0;
                            w0 = w[wp + 26];
                            a2_0 += w0 * x0;
                            w0 = w[wp + 27];
                            a3_0 += w0 * x0;
                            xc += plane;
                            x0 = input[xc];
                            w0 = w[wp + 28];
                            a0_0 += w0 * x0;
                            w0 = w[wp + 29];
                            a1_0 += w0 * x0;
                            w0 = w[wp + 30];
                            a2_0 += w0 * x0;
                            w0 = w[wp + 31];
                            a3_0 += w0 * x0;
                            int yk = yp + k * plane;
                            output[yk] = Math.min(Math.max(a0_0, 0f), 6f);
                            output[yk + plane] = Math.min(Math.max(a1_0, 0f), 6f);
                            output[yk + plane * 2] = Math.min(Math.max(a2_0, 0f), 6f);
                            output[yk + plane * 3] = Math.min(Math.max(a3_0, 0f), 6f);
                        }
                    }
                }
            }

            private void block(float[] input, int xc, float[] output, int yk, int k, int plane) {
                int wp = k * 8;
                FloatVector a0_0 = FloatVector.broadcast(F, bias[k]);
                FloatVector a0_1 = a0_0;
                FloatVector a1_0 = FloatVector.broadcast(F, bias[k + 1]);
                FloatVector a1_1 = a1_0;
                FloatVector a2_0 = FloatVector.broadcast(F, bias[k + 2]);
                FloatVector a2_1 = a2_0;
                FloatVector a3_0 = FloatVector.broadcast(F, bias[k + 3]);
                FloatVector a3_1 = a3_0;
                float[] w = weight.get();
                for (int c = 0; c < 8; c++) {
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
                    xc += plane;
                    wp += 4;
                }
                a0_0.max(0f).min(6f).intoArray(output, yk);
                a0_1.max(0f).min(6f).intoArray(output, yk + 8);
                a1_0.max(0f).min(6f).intoArray(output, yk + plane);
                a1_1.max(0f).min(6f).intoArray(output, yk + plane + 8);
                a2_0.max(0f).min(6f).intoArray(output, yk + plane * 2);
                a2_1.max(0f).min(6f).intoArray(output, yk + plane * 2 + 8);
                a3_0.max(0f).min(6f).intoArray(output, yk + plane * 3);
                a3_1.max(0f).min(6f).intoArray(output, yk + plane * 3 + 8);
            }
        }

        /**
         * SIMD implementation with 512-bit vectors of 16 floats.
         */
        private final class Simd512 implements ImageKernel {
            private static final VectorSpecies<Float> F = FloatVector.SPECIES_512;

            @Override
            public String implementation() {
                return "SIMD 512-bit";
            }

            /**
             * Output channel blocks {@code [firstUnit, lastUnit)} of one image, SIMD.
             */
            @Override
            public void image(float[] input, int inputOffset, float[] output, int outputOffset,
                    int height, int width, int firstUnit, int lastUnit) {
                int fromChannel = firstUnit * 4;
                int toChannel = Math.min(lastUnit * 4, 16);
                int plane = height * width;
                float[] w = weight.get();
                float[] b = bias;
                int inRow = inputOffset;
                int outRow = outputOffset;
                if (plane >= 32) {
                    // tiles of 1024 pixels: the input tile stays in cache while every output channel block passes over it
                    for (int t = 0; t < plane; t += 1024) {
                        int tileEnd = Math.min(t + 1024, plane);
                        for (int k = fromChannel; k < toChannel; k += 4) {
                            for (int p = t; p < tileEnd; p += 32) {
                                int j = Math.min(p, plane - 32);
                                block(input, inRow + j, output, outRow + j + k * plane, k, plane);
                            }
                        }
                    }
                } else {
                    // fewer than 32 pixels: scalar
                    for (int j = 0; j < plane; j++) {
                        int xp = inRow + j;
                        int yp = outRow + j;
                        for (int k = fromChannel; k < toChannel; k += 4) {
                            int wp = k * 8;
                            float a0_0 = b[k];
                            float a1_0 = b[k + 1];
                            float a2_0 = b[k + 2];
                            float a3_0 = b[k + 3];
                            int xc = xp;
                            float x0;
                            float w0;
                            x0 = input[xc];
                            w0 = w[wp];
                            a0_0 += w0 * x0;
                            w0 = w[wp + 1];
                            a1_0 += w0 * x0;
                            w0 = w[wp + 2];
                            a2_0 += w0 * x0;
                            w0 = w[wp + 3];
                            a3_0 += w0 * x0;
                            xc += plane;
                            x0 = input[xc];
                            w0 = w[wp + 4];
                            a0_0 += w0 * x0;
                            w0 = w[wp + 5];
                            a1_0 += w0 * x0;
                            w0 = w[wp + 6];
                            a2_0 += w0 * x0;
                            w0 = w[wp + 7];
                            a3_0 += w0 * x0;
                            xc += plane;
                            x0 = input[xc];
                            w0 = w[wp + 8];
                            a0_0 += w0 * x0;
                            w0 = w[wp + 9];
                            a1_0 += w0 * x0;
                            w0 = w[wp + 10];
                            a2_0 += w0 * x0;
                            w0 = w[wp + 11];
                            a3_0 += w0 * x0;
                            xc += plane;
                            x0 = input[xc];
                            w0 = w[wp + 12];
                            a0_0 += w0 * x0;
                            w0 = w[wp + 13];
                            a1_0 += w0 * x0;
                            w0 = w[wp + 14];
                            a2_0 += w0 * x0;
                            w0 = w[wp + 15];
                            a3_0 += w0 * x0;
                            xc += plane;
                            x0 = input[xc];
                            w0 = w[wp + 16];
                            a0_0 += w0 * x0;
                            w0 = w[wp + 17];
                            a1_0 += w0 * x0;
                            w0 = w[wp + 18];
                            a2_0 += w0 * x0;
                            w0 = w[wp + 19];
                            a3_0 += w0 * x0;
                            xc += plane;
                            x0 = input[xc];
                            w0 = w[wp + 20];
                            a0_0 += w0 * x0;
                            w0 = w[wp + 21];
                            a1_0 += w0 * x0;
                            w0 = w[wp + 22];
                            a2_0 += w0 * x0;
                            w0 = w[wp + 23];
                            a3_0 += w0 * x0;
                            xc += plane;
                            x0 = input[xc];
                            w0 = w[wp + 24];
                            a0_0 += w0 * x0;
                            w0 = w[wp + 25];
                            a1_0 += w0 * x0;
                            w0 = w[wp + 26];
                            a2_0 += w0 * x0;
                            w0 = w[wp + 27];
                            a3_0 += w0 * x0;
                            xc += plane;
                            x0 = input[xc];
                            w0 = w[wp + 28];
                            a0_0 += w0 * x0;
                            w0 = w[wp + 29];
                            a1_0 += w0 * x0;
                            w0 = w[wp + 30];
                            a2_0 += w0 * x0;
                            w0 = w[wp + 31];
                            a3_0 += w0 * x0;
                            int yk = yp + k * plane;
                            output[yk] = Math.min(Math.max(a0_0, 0f), 6f);
                            output[yk + plane] = Math.min(Math.max(a1_0, 0f), 6f);
                            output[yk + plane * 2] = Math.min(Math.max(a2_0, 0f), 6f);
                            output[yk + plane * 3] = Math.min(Math.max(a3_0, 0f), 6f);
                        }
                    }
                }
            }

            private void block(float[] input, int xc, float[] output, int yk, int k, int plane) {
                int wp = k * 8;
                FloatVector a0_0 = FloatVector.broadcast(F, bias[k]);
                FloatVector a0_1 = a0_0;
                FloatVector a1_0 = FloatVector.broadcast(F, bias[k + 1]);
                FloatVector a1_1 = a1_0;
                FloatVector a2_0 = FloatVector.broadcast(F, bias[k + 2]);
                FloatVector a2_1 = a2_0;
                FloatVector a3_0 = FloatVector.broadcast(F, bias[k + 3]);
                FloatVector a3_1 = a3_0;
                float[] w = weight.get();
                for (int c = 0; c < 8; c++) {
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
                    xc += plane;
                    wp += 4;
                }
                a0_0.max(0f).min(6f).intoArray(output, yk);
                a0_1.max(0f).min(6f).intoArray(output, yk + 16);
                a1_0.max(0f).min(6f).intoArray(output, yk + plane);
                a1_1.max(0f).min(6f).intoArray(output, yk + plane + 16);
                a2_0.max(0f).min(6f).intoArray(output, yk + plane * 2);
                a2_1.max(0f).min(6f).intoArray(output, yk + plane * 2 + 16);
                a3_0.max(0f).min(6f).intoArray(output, yk + plane * 3);
                a3_1.max(0f).min(6f).intoArray(output, yk + plane * 3 + 16);
            }
        }
    }
}
