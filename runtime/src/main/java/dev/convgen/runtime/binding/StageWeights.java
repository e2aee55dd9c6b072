package dev.convgen.runtime.binding;

/**
 * The parameters of one convolution stage as its kernel constructor takes them: weights in PyTorch
 * layout {@code [out, in / groups, kh, kw]} and a bias per output channel, or null for none.
 */
public record StageWeights(float[] weight, float[] bias) {}
