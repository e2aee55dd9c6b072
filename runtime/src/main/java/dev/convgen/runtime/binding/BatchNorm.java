package dev.convgen.runtime.binding;

import dev.convgen.runtime.ConvGeometry;

/**
 * Inference-time batch normalization after a convolution, {@code y = gamma * (x - mean) /
 * sqrt(variance + epsilon) + beta} per output channel, and its folding into the convolution: with
 * {@code s = gamma / sqrt(variance + epsilon)}, the folded weights are {@code weight[k] * s[k]} and
 * the folded bias {@code (bias[k] - mean[k]) * s[k] + beta[k]}. Folding is done once, at load
 * time, in double precision; the network then runs one fused pass per stage.
 *
 * @param gamma scale ({@code bn.weight} in PyTorch)
 * @param beta shift ({@code bn.bias})
 * @param mean {@code bn.running_mean}
 * @param variance {@code bn.running_var}
 * @param epsilon {@code bn.eps}: 1e-5 in PyTorch, 1e-3 in Keras
 */
public record BatchNorm(float[] gamma, float[] beta, float[] mean, float[] variance,
    double epsilon) {

  public BatchNorm {
    int channels = gamma.length;
    for (float[] parameter : new float[][] {beta, mean, variance}) {
      if (parameter.length != channels) {
        throw new IllegalArgumentException("BatchNorm parameters: expected " + channels
            + " values each (the length of gamma), got " + parameter.length);
      }
    }
    if (!(epsilon >= 0)) {
      throw new IllegalArgumentException("epsilon: expected zero or more, got " + epsilon);
    }
  }

  /**
   * Folds this normalization into a convolution's parameters; the inputs are not modified.
   *
   * @param bias the convolution's own bias, or null for none
   * @throws IllegalArgumentException when the channel counts do not match the geometry
   */
  public StageWeights fold(ConvGeometry geometry, float[] weight, float[] bias) {
    int out = geometry.outChannels();
    if (gamma.length != out) {
      throw new IllegalArgumentException("BatchNorm: expected " + out
          + " channels (the stage's output channels), got " + gamma.length);
    }
    if (weight.length != geometry.weightCount()) {
      throw new IllegalArgumentException("weight: expected " + geometry.weightShape() + " = "
          + geometry.weightCount() + " floats, got " + weight.length);
    }
    if (bias != null && bias.length != out) {
      throw new IllegalArgumentException("bias: expected " + out + " floats, got " + bias.length);
    }
    int perChannel = weight.length / out;
    float[] foldedWeight = new float[weight.length];
    float[] foldedBias = new float[out];
    for (int k = 0; k < out; k++) {
      double scale = gamma[k] / Math.sqrt((double) variance[k] + epsilon);
      for (int i = k * perChannel; i < (k + 1) * perChannel; i++) {
        foldedWeight[i] = (float) (weight[i] * scale);
      }
      double b = bias == null ? 0 : bias[k];
      foldedBias[k] = (float) ((b - mean[k]) * scale + beta[k]);
    }
    return new StageWeights(foldedWeight, foldedBias);
  }
}
