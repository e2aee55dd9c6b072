package dev.convgen.processor.plan;

/** How a kernel's tensors are laid out in memory. */
public enum Layout {
  /**
   * PyTorch's and ONNX's layout: for each image, each channel a plane of rows of pixels. Vectors
   * run along a row (or, where the plan says so, along the plane as one flat run).
   */
  NCHW,
  /**
   * TensorFlow's layout: for each image, each pixel a run of channels. Vectors run across
   * channels, so strided and small-plane convolutions are plain vector loops; networks keep it
   * between layers that have it ({@code ConvLayer.nhwcNative}).
   */
  NHWC;

  /** For the plan's one-line summary. */
  public String describe() {
    return name();
  }
}
