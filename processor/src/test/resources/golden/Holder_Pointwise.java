package test;

import dev.convgen.annotations.Activation;
import dev.convgen.runtime.ConvGeometry;
import dev.convgen.runtime.Vectorization;
import dev.convgen.runtime.binding.StageWeights;
import dev.convgen.runtime.binding.WeightBinder;
import dev.convgen.runtime.internal.Arguments;
import dev.convgen.runtime.internal.ImageKernel;
import dev.convgen.runtime.internal.UnitKernel;
import dev.convgen.runtime.internal.WeightPacking;
import dev.convgen.runtime.internal.WeightsOnDemand;
import dev.convgen.runtime.internal.nhwc.NhwcKernel;
import dev.convgen.runtime.internal.nhwc.NhwcKernels;
import java.util.Objects;
import javax.annotation.processing.Generated;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Pointwise 1x1, 32 -> 64 channels, stride 1x1, with bias, activation RELU6, generated from
 * {@code @ConvSpec(name="Pointwise", in=32, out=64, activation=RELU6)} on {@code test.Holder}.
 *
 * <p>Batch, height and width are run-time arguments.
 *
 * <p>Plan: NCHW, work unit 4 output channels; scalar: 4 channels x 2 pixels, reduction unrolled x8; SIMD 256-bit (8 lanes, 16 registers): 4 channels x 16 pixels, pixel tiles of 512, rolled reduction; SIMD 512-bit (16 lanes, 32 registers): 4 channels x 32 pixels, pixel tiles of 512, rolled reduction; in networks NHWC (the runtime's SIMD kernel with channels in lanes, from one vector of output channels; NCHW weights packed on the first NCHW call).
 */
@Generated("dev.convgen.processor.ConvSpecProcessor")
public final class Holder_Pointwise extends UnitKernel {
    /**
     * The shape this kernel was generated for: pointwise 32->64 k1x1 s1x1 p0,0,0,0 d1x1.
     */
    public static final ConvGeometry GEOMETRY = ConvGeometry.pointwise(32, 64, 1, 1);

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
     * @param weight PyTorch layout [64, 32, 1, 1]
     * @param bias 64 floats, one per output channel
     */
    public Holder_Pointwise(float[] weight, float[] bias) {
        // geometry, bias, activation, fixed height and width (0: any), work units per image
        super(GEOMETRY, true, Activation.RELU6, 0, 0, 16);
        Arguments.checkWeights(GEOMETRY, weight);
        this.bias = Arguments.checkBias(GEOMETRY, bias).clone();
        this.nhwc = NhwcKernels.create(GEOMETRY, weight, bias, Activation.RELU6);
        this.weight = new WeightsOnDemand(weight, nhwc, Holder_Pointwise::pack);
        int bits = Vectorization.bits();
        this.simd = bits == 256 ? new Simd256() : bits == 512 ? new Simd512() : null;
    }

    /**
     * PyTorch-layout weights as the NCHW code reads them.
     */
    private static float[] pack(float[] weight) {
        return WeightPacking.packPointwise(weight, 64, 32, 4);
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
    public void image(float[] input, int inputOffset, float[] output, int outputOffset, int height,
            int width, int firstUnit, int lastUnit) {
        int fromChannel = firstUnit * 4;
        int toChannel = Math.min(lastUnit * 4, 64);
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
                int wp = k * 32;
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
                for (int c = 0; c < 32; c += 8) {
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
                    xc += inPlane;
                    wp += 32;
                }
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
                int wp = k * 32;
                float a0_0 = b[k];
                float a1_0 = b[k + 1];
                float a2_0 = b[k + 2];
                float a3_0 = b[k + 3];
                int xc = xp;
                float x0;
                float w0;
                for (int c = 0; c < 32; c += 8) {
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
                    xc += inPlane;
                    wp += 32;
                }
                int yk = yp + k * outPlane;
                output[yk] = Math.min(Math.max(a0_0, 0f), 6f);
                output[yk + outPlane] = Math.min(Math.max(a1_0, 0f), 6f);
                output[yk + outPlane * 2] = Math.min(Math.max(a2_0, 0f), 6f);
                output[yk + outPlane * 3] = Math.min(Math.max(a3_0, 0f), 6f);
            }
        }
    }

    /**
     * Builds this kernel from the tensors named {@code Pointwise.*}; see {@link #load(WeightBinder, String)}.
     */
    public static Holder_Pointwise load(WeightBinder weights) {
        return load(weights, "Pointwise");
    }

    /**
     * Builds this kernel from tensor {@code <prefix>.weight} [64, 32, 1, 1] and {@code <prefix>.bias} or a BatchNorm {@code <prefix>.bn.*}, BatchNorm folded in (naming and checks: {@link WeightBinder}).
     */
    public static Holder_Pointwise load(WeightBinder weights, String prefix) {
        Objects.requireNonNull(prefix, "prefix");
        StageWeights stage = weights.stage(prefix, GEOMETRY, true, "Holder_Pointwise");
        return new Holder_Pointwise(stage.weight(), stage.bias());
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
            int toChannel = Math.min(lastUnit * 4, 64);
            int plane = height * width;
            float[] w = weight.get();
            float[] b = bias;
            int inRow = inputOffset;
            int outRow = outputOffset;
            if (plane >= 16) {
                // tiles of 512 pixels: the input tile stays in cache while every output channel block passes over it
                for (int t = 0; t < plane; t += 512) {
                    int tileEnd = Math.min(t + 512, plane);
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
                        int wp = k * 32;
                        float a0_0 = b[k];
                        float a1_0 = b[k + 1];
                        float a2_0 = b[k + 2];
                        float a3_0 = b[k + 3];
                        int xc = xp;
                        float x0;
                        float w0;
                        for (int c = 0; c < 32; c += 8) {
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
                            xc += plane;
                            wp += 32;
                        }
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
            int wp = k * 32;
            FloatVector a0_0 = FloatVector.broadcast(F, bias[k]);
            FloatVector a0_1 = a0_0;
            FloatVector a1_0 = FloatVector.broadcast(F, bias[k + 1]);
            FloatVector a1_1 = a1_0;
            FloatVector a2_0 = FloatVector.broadcast(F, bias[k + 2]);
            FloatVector a2_1 = a2_0;
            FloatVector a3_0 = FloatVector.broadcast(F, bias[k + 3]);
            FloatVector a3_1 = a3_0;
            float[] w = weight.get();
            for (int c = 0; c < 32; c++) {
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
            int toChannel = Math.min(lastUnit * 4, 64);
            int plane = height * width;
            float[] w = weight.get();
            float[] b = bias;
            int inRow = inputOffset;
            int outRow = outputOffset;
            if (plane >= 32) {
                // tiles of 512 pixels: the input tile stays in cache while every output channel block passes over it
                for (int t = 0; t < plane; t += 512) {
                    int tileEnd = Math.min(t + 512, plane);
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
                        int wp = k * 32;
                        float a0_0 = b[k];
                        float a1_0 = b[k + 1];
                        float a2_0 = b[k + 2];
                        float a3_0 = b[k + 3];
                        int xc = xp;
                        float x0;
                        float w0;
                        for (int c = 0; c < 32; c += 8) {
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
                            xc += plane;
                            wp += 32;
                        }
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
            int wp = k * 32;
            FloatVector a0_0 = FloatVector.broadcast(F, bias[k]);
            FloatVector a0_1 = a0_0;
            FloatVector a1_0 = FloatVector.broadcast(F, bias[k + 1]);
            FloatVector a1_1 = a1_0;
            FloatVector a2_0 = FloatVector.broadcast(F, bias[k + 2]);
            FloatVector a2_1 = a2_0;
            FloatVector a3_0 = FloatVector.broadcast(F, bias[k + 3]);
            FloatVector a3_1 = a3_0;
            float[] w = weight.get();
            for (int c = 0; c < 32; c++) {
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
