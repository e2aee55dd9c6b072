package dev.convgen.processor.plan;

/** How a kernel's tensors are laid out in memory. */
public enum Layout {
  /**
   * PyTorch's and ONNX's layout: for each image, each channel a plane of rows of pixels. Vectors
   * run along a row (or, where the plan says so, along the plane as one flat run).
   */
  NCHW;

  /** For the plan's one-line summary. */
  public String describe() {
    return name();
  }
}
