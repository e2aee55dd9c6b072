package dev.convgen.runtime;

import dev.convgen.annotations.Activation;

/** State shared by the generic kernels: geometry, checked copies of weights and bias, activation. */
abstract class GenericKernel implements ConvKernel {

  final ConvGeometry geometry;
  final float[] weight;
  /** One value per output channel; zeros when there is no bias. */
  final float[] bias;
  final boolean hasBias;
  final Activation activation;

  GenericKernel(ConvGeometry geometry, float[] weight, float[] bias, Activation activation) {
    this.geometry = geometry;
    this.weight = Arguments.checkWeights(geometry, weight).clone();
    this.hasBias = bias != null;
    this.bias = hasBias ? Arguments.checkBias(geometry, bias).clone()
        : new float[geometry.outChannels()];
    this.activation = activation;
  }

  @Override
  public final ConvGeometry geometry() {
    return geometry;
  }

  @Override
  public final boolean hasBias() {
    return hasBias;
  }

  @Override
  public final Activation activation() {
    return activation;
  }
}
