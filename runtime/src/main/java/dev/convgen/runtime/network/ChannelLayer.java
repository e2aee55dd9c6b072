package dev.convgen.runtime.network;

import dev.convgen.runtime.ConvLayer;
import dev.convgen.runtime.internal.Arguments;

/**
 * What the parameter-free layers (pooling, softmax) share: as many output channels as input
 * channels, no parameters, no multiply-accumulates, and positive sizes.
 */
abstract class ChannelLayer implements ConvLayer {

  final int channels;

  ChannelLayer(int channels) {
    Arguments.requirePositive("channels", channels);
    this.channels = channels;
  }

  @Override
  public final int inChannels() {
    return channels;
  }

  @Override
  public final int outChannels() {
    return channels;
  }

  @Override
  public final long parameterCount() {
    return 0;
  }

  /** None: these layers add or compare, they do not multiply-accumulate. */
  @Override
  public final long macs(int batch, int height, int width) {
    return 0;
  }

  /** Batch, height and width must be positive (an empty plane would average to NaN). */
  static void requirePositiveSizes(int batch, int height, int width) {
    Arguments.requirePositive("batch", batch);
    Arguments.requirePositive("height", height);
    Arguments.requirePositive("width", width);
  }
}
