package dev.convgen.runtime.internal;

import dev.convgen.annotations.Activation;
import dev.convgen.runtime.ConvGeometry;
import dev.convgen.runtime.ConvKernel;
import dev.convgen.runtime.internal.nhwc.NhwcKernel;
import dev.convgen.runtime.internal.nhwc.NhwcKernels;
import dev.convgen.runtime.internal.nhwc.NhwcLayout;
import java.util.Set;

/**
 * The skeleton every convolution kernel shares, generated or generic: the argument checks, the
 * split of a forward pass into work units (a fixed number per image, numbered image by image), the
 * loop over the images a unit range touches, and the choice between the SIMD implementation and
 * the scalar one. A subclass supplies only what is specific to its shape: the scalar
 * {@link #image} and, optionally, a SIMD {@link #simd()} body.
 *
 * <p>Internal: generated kernels and the runtime's generic kernels extend it; user code works
 * with {@link ConvKernel}.
 */
public abstract class UnitKernel implements ConvKernel, ImageKernel {

  private final ConvGeometry geometry;
  private final boolean hasBias;
  private final Activation activation;
  private final int fixedHeight;
  private final int fixedWidth;
  private final int unitsPerImage;

  /**
   * Floats of output per band of {@link #forwardNhwcBands} (at least one row): 32 KB,
   * within L1 with the weights' stream beside it.
   */
  private static final int BAND_FLOATS = 8192;

  /**
   * Floats of NHWC input rows per input band of {@link #forwardNhwcBands} (at least the rows one
   * output row reads): 256 KB, within L2, so the rows shared by neighbouring bands are few.
   */
  private static final int INPUT_BAND_FLOATS = 64 * 1024;

  /**
   * @param fixedHeight the input height the kernel was generated for, or 0 for any
   * @param fixedWidth the input width the kernel was generated for, or 0 for any
   * @param unitsPerImage work units of one image (e.g. blocks of output channels)
   */
  protected UnitKernel(ConvGeometry geometry, boolean hasBias, Activation activation,
      int fixedHeight, int fixedWidth, int unitsPerImage) {
    this.geometry = geometry;
    this.hasBias = hasBias;
    this.activation = activation;
    this.fixedHeight = fixedHeight;
    this.fixedWidth = fixedWidth;
    this.unitsPerImage = unitsPerImage;
  }

  /** The SIMD implementation chosen at construction, or null to run the scalar {@link #image}. */
  protected ImageKernel simd() {
    return null;
  }

  /**
   * The NHWC implementation chosen at construction ({@code NhwcKernels.create}), or null when
   * NHWC tensors are transposed to run {@link #image}.
   */
  protected NhwcKernel nhwc() {
    return null;
  }

  @Override
  public final boolean nhwcNative() {
    return nhwc() != null;
  }

  @Override
  public final void forwardNhwc(float[] input, int batch, int height, int width,
      float[] output) {
    if (nhwc() == null) {
      NhwcLayout.forwardViaNchw(this, input, batch, height, width, output);
    } else {
      forwardNhwcUnits(input, batch, height, width, output, 0, nhwcUnits(batch, height, width));
    }
  }

  /**
   * Work units of an NHWC forward pass over {@code batch} images: per image, output rows (output
   * pixels for pointwise kernels). Needs an NHWC implementation ({@link #nhwcNative}).
   *
   * @throws IllegalStateException when the kernel has no NHWC implementation
   */
  public final int nhwcUnits(int batch, int height, int width) {
    return Arguments.workUnits(batch, nhwcBody().unitsPerImage(height, width));
  }

  /**
   * As {@link #forwardNhwc}, only work units {@code [fromUnit, toUnit)} ({@link #nhwcUnits},
   * numbered image by image); the rest of {@code output} is left as it is. Used to split a single
   * image between threads.
   *
   * @throws IllegalArgumentException as {@link #forwardNhwc}, or when the range is not within
   *     {@code [0, nhwcUnits]}
   * @throws IllegalStateException when the kernel has no NHWC implementation
   */
  public final void forwardNhwcUnits(float[] input, int batch, int height, int width,
      float[] output, int fromUnit, int toUnit) {
    forwardNhwcUnits(input, false, batch, height, width, output, false, fromUnit, toUnit);
  }

  /**
   * As {@link #forwardNhwcUnits(float[], int, int, int, float[], int, int)}, with the input
   * and/or the output channel-blocked ({@link #forwardNhwcBlocked}).
   */
  public final void forwardNhwcUnits(float[] input, boolean inputBlocked, int batch, int height,
      int width, float[] output, boolean outputBlocked, int fromUnit, int toUnit) {
    NhwcKernel body = nhwcBody();
    checkFixedSize(height, width);
    // an NHWC tensor has as many floats as the NCHW one: the same checks apply
    Arguments.checkForward(geometry, input, batch, height, width, output);
    if (inputBlocked && !body.readsBlocked(height, width)
        || outputBlocked && !body.writesBlocked(height, width)) {
      throw new IllegalArgumentException("inputBlocked, outputBlocked: " + implementation()
          + " cannot take a channel-blocked " + (inputBlocked ? "input" : "output") + " of "
          + height + "x" + width);
    }
    int units = body.unitsPerImage(height, width);
    Arguments.checkUnits(fromUnit, toUnit, Arguments.workUnits(batch, units));
    int inImage = geometry.inChannels() * height * width;
    int outImage = geometry.outChannels() * geometry.outputHeight(height)
        * geometry.outputWidth(width);
    for (int n = fromUnit / units; n < batch && n * units < toUnit; n++) {
      body.compute(input, n * inImage, inputBlocked, output, n * outImage, outputBlocked, height,
          width, Math.max(fromUnit - n * units, 0), Math.min(toUnit - n * units, units));
    }
  }

  /**
   * Whether this pointwise kernel and {@code depthwise} after it run together on an NHWC input
   * of this size ({@link #forwardNhwcWithDepthwise}): both have NHWC bodies, this one at stride
   * 1, the depthwise one with 3x3 rows that slide whole, and the intermediate tensor is large
   * enough to gain from staying in cache ({@code NhwcKernels.fusesPointwiseDepthwise}).
   */
  public final boolean fusesWithDepthwise(UnitKernel depthwise, int height, int width) {
    return NhwcKernels.fusesPointwiseDepthwise(nhwc(), depthwise.nhwc(), height, width);
  }

  /**
   * Allocates what {@link #forwardNhwcWithDepthwise} needs in the calling thread for an input of
   * this size (its band of intermediate rows), so that its first call allocates nothing.
   *
   * @throws IllegalArgumentException when the two do not run together at this size
   */
  public final void prepareWithDepthwise(UnitKernel depthwise, int height, int width) {
    requireFusesWithDepthwise(depthwise, height, width);
    NhwcKernels.preparePointwiseDepthwise(depthwise.nhwc(), height, width);
  }

  private void requireFusesWithDepthwise(UnitKernel depthwise, int height, int width) {
    if (!fusesWithDepthwise(depthwise, height, width)) {
      throw new IllegalArgumentException("depthwise: " + implementation() + " and "
          + depthwise.implementation() + " do not run together on " + height + "x" + width);
    }
  }

  /**
   * This pointwise kernel, then {@code depthwise} on its output, on an NHWC input, band by band
   * of the depthwise stage's output rows ({@link #fusesWithDepthwise}), only work units {@code
   * [fromUnit, toUnit)} of {@code depthwise.nhwcUnits(batch, height, width)} (its output rows,
   * numbered image by image): the same values as the two stages one after the other, without the
   * intermediate tensor.
   *
   * @throws IllegalArgumentException for tensors of the wrong length, stages that do not chain
   *     or run together at this size, or a unit range outside {@code [0, units]}
   */
  public final void forwardNhwcWithDepthwise(UnitKernel depthwise, float[] input, int batch,
      int height, int width, float[] output, int fromUnit, int toUnit) {
    requireFusesWithDepthwise(depthwise, height, width);
    checkFixedSize(height, width);
    depthwise.checkFixedSize(height, width);
    ConvGeometry d = depthwise.geometry;
    Arguments.checkInput(geometry, input, batch, height, width);
    int rows = d.outputHeight(height);
    Arguments.checkTensor("output", output, batch, d.outChannels(), rows, d.outputWidth(width));
    Arguments.requireDistinct(input, output);
    Arguments.checkUnits(fromUnit, toUnit, Arguments.workUnits(batch, rows));
    int inImage = geometry.inChannels() * height * width;
    int outImage = d.outChannels() * rows * d.outputWidth(width);
    for (int n = fromUnit / rows; n < batch && n * rows < toUnit; n++) {
      NhwcKernels.pointwiseDepthwiseRows(nhwc(), depthwise.nhwc(), input, n * inImage, output,
          n * outImage, height, width, Math.max(fromUnit - n * rows, 0),
          Math.min(toUnit - n * rows, rows));
    }
  }

  /**
   * Whether {@link #forwardNhwcBlocked} can read this kernel's input channel-blocked for an
   * input of this size (a depthwise body whose rows slide whole over whole vectors of channels).
   */
  public final boolean readsBlocked(int height, int width) {
    NhwcKernel body = nhwc();
    return body != null && body.readsBlocked(height, width);
  }

  /**
   * Whether {@link #forwardNhwcBlocked} can write this kernel's output channel-blocked for an
   * input of this size (a pointwise body at stride 1 with whole vectors of output channels).
   */
  public final boolean writesBlocked(int height, int width) {
    NhwcKernel body = nhwc();
    return body != null && body.writesBlocked(height, width);
  }

  /**
   * As {@link #forwardNhwc}, with the input and/or the output channel-blocked
   * ({@code [batch][channels / lanes][height][width][lanes]}, {@link NhwcLayout#blockedToNchw})
   * where {@link #readsBlocked} / {@link #writesBlocked} say so: what a network passes from a
   * pointwise stage to the depthwise stage after it.
   *
   * @throws IllegalArgumentException as {@link #forwardNhwc}, or for a blocked tensor this
   *     kernel cannot take
   */
  public final void forwardNhwcBlocked(float[] input, boolean inputBlocked, int batch,
      int height, int width, float[] output, boolean outputBlocked) {
    forwardNhwcUnits(input, inputBlocked, batch, height, width, output, outputBlocked, 0,
        nhwcUnits(Math.max(batch, 0), height, width));
  }

  /**
   * Adds the warm-up bodies ({@code network.WarmUp}) that compile what this kernel's NHWC body
   * runs on an input of this size; none without one.
   */
  public final void warmUpKeys(int height, int width, Set<String> keys) {
    NhwcKernel body = nhwc();
    if (body != null) {
      body.warmUpKeys(height, width, keys);
    }
  }

  private NhwcKernel nhwcBody() {
    NhwcKernel body = nhwc();
    if (body == null) {
      throw new IllegalStateException("no NHWC implementation: " + implementation());
    }
    return body;
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

  @Override
  public final int workUnits(int batch) {
    return Arguments.workUnits(batch, unitsPerImage);
  }

  /**
   * The whole batch; where {@link #forwardRunsNhwc}, through the NHWC body between two
   * transpositions ({@code NhwcLayout.forwardViaNhwc}).
   */
  @Override
  public final void forward(float[] input, int batch, int height, int width, float[] output) {
    if (!forwardRunsNhwc()) {
      forwardUnits(input, batch, height, width, output, 0, workUnits(Math.max(batch, 0)));
    } else if (forwardRunsNhwcBands(height, width)) {
      forwardThroughNhwcBands(input, batch, height, width, output);
    } else {
      NhwcLayout.forwardViaNhwc(this, input, batch, height, width, output);
    }
  }

  /** {@link #forward} through the NHWC body whose work units are output rows, band by band. */
  private void forwardThroughNhwcBands(float[] input, int batch, int height, int width,
      float[] output) {
    forwardNhwcBands(input, batch, height, width, output, 0,
        nhwcUnits(Math.max(batch, 0), height, width));
  }

  /**
   * Whether {@link #forward} runs the NHWC body band by band for this input size
   * ({@link #forwardRunsNhwc}, the body's work units being output rows); {@code ParallelLayer}
   * then splits the rows between threads, each computing its bands.
   */
  public final boolean forwardRunsNhwcBands(int height, int width) {
    return forwardRunsNhwc() && nhwc().unitsAreRows(height, width);
  }

  /**
   * Output rows {@code [fromUnit, toUnit)} ({@link #nhwcUnits}, numbered image by image) of an
   * NCHW call, computed by the NHWC body band by band in buffers of this thread's
   * ({@link NhwcLayout#scratch}): the input rows of up to {@link #INPUT_BAND_FLOATS} transposed
   * to NHWC, then output rows of up to {@link #BAND_FLOATS} at a time computed from them and
   * transposed into the output's NCHW planes while in cache. The same values as the NHWC body on
   * transposed tensors (the same code per row), without either NHWC tensor's round trip through
   * memory. Measured on a Zen 5, 512-bit, tuned dense 3x3 8x32x56x56 -> 64, same JVM: output
   * bands 5,783-5,965 us against 6,161-6,454 with the whole output transposed after the body
   * (the NHWC body alone: 4,411-4,565; bands of 4096 floats: slower, of 32768: the same).
   * Input bands as well, medians against output bands alone: the same 6,234 against 6,365 us on
   * one thread and 3,250 against 3,789 on two ({@code ParallelLayer}: each thread transposes
   * its own input rows); strided tuned kernels: pointwise s2 8x32x56x56 -> 64 605 against 681,
   * depthwise s2 1x64x112x112 613 against 698 (whole transpositions before: 1,357 and 1,408).
   *
   * @throws IllegalArgumentException as {@link #forward}, or for a unit range outside
   *     {@code [0, nhwcUnits]}
   */
  public final void forwardNhwcBands(float[] input, int batch, int height, int width,
      float[] output, int fromUnit, int toUnit) {
    checkFixedSize(height, width);
    Arguments.checkForward(geometry, input, batch, height, width, output);
    NhwcKernel body = nhwc();
    ConvGeometry g = geometry;
    int in = g.inChannels();
    int out = g.outChannels();
    int outH = g.outputHeight(height);
    int outW = g.outputWidth(width);
    Arguments.checkUnits(fromUnit, toUnit, Arguments.workUnits(batch, outH));
    int plane = height * width;
    int inImage = in * plane;
    int outImage = out * outH * outW;
    // input bands: as many output rows as INPUT_BAND_FLOATS of their input rows hold
    boolean inSame = NhwcLayout.same(in, height, width);
    int rowInputs = width * in;
    int extent = g.extentH();
    int outerRows = Math.max(1, (Math.max(extent, INPUT_BAND_FLOATS / rowInputs) - extent)
        / g.strideH() + 1);
    int inputRows = Math.min(height, (outerRows - 1) * g.strideH() + extent);
    float[] inBand = inSame ? input : NhwcLayout.scratch(inputRows * rowInputs, input);
    // output bands: BAND_FLOATS of output rows, transposed into NCHW while in cache
    boolean outSame = NhwcLayout.same(out, outH, outW);
    int rowFloats = outW * out;
    int bandRows = Math.max(1, Math.min(outH, BAND_FLOATS / rowFloats));
    float[] band = outSame ? output : NhwcLayout.scratch(bandRows * rowFloats, inBand);
    for (int n = fromUnit / outH; n < batch && n * outH < toUnit; n++) {
      int first = Math.max(fromUnit - n * outH, 0);
      int last = Math.min(toUnit - n * outH, outH);
      for (int o0 = first; o0 < last; o0 += outerRows) {
        int o1 = Math.min(o0 + outerRows, last);
        // the input rows [a, b) output rows [o0, o1) read; the body addresses row r at
        // inputOffset + r * rowInputs, so they land at the start of the band
        int inputOffset = n * inImage;
        if (!inSame) {
          int a = Math.min(height, Math.max(0, o0 * g.strideH() - g.padTop()));
          int b = Math.max(a, Math.min(height, (o1 - 1) * g.strideH() - g.padTop() + extent));
          NhwcLayout.pixelsToNhwc(input, n * inImage, in, plane, a * width, (b - a) * width,
              inBand);
          inputOffset = -a * rowInputs;
        }
        if (outSame) {
          body.compute(inBand, inputOffset, output, n * outImage, height, width, o0, o1);
          continue;
        }
        for (int r0 = o0; r0 < o1; r0 += bandRows) {
          int r1 = Math.min(r0 + bandRows, o1);
          body.compute(inBand, inputOffset, band, -r0 * rowFloats, height, width, r0, r1);
          NhwcLayout.pixelsToNchw(band, output, n * outImage, out, outH * outW, r0 * outW,
              (r1 - r0) * outW);
        }
      }
    }
  }

  /** For a kernel generated for one input size: that size, or an IllegalArgumentException. */
  private void checkFixedSize(int height, int width) {
    if (fixedHeight > 0) {
      Arguments.checkFixedSize("height", height, fixedHeight);
      Arguments.checkFixedSize("width", width, fixedWidth);
    }
  }

  /**
   * Whether {@link #forward} should run the NHWC body (where the JVM gives the kernel one)
   * between transpositions rather than its own NCHW code, scalar {@link #image} or SIMD: a choice
   * by measurement, the planner's for generated kernels. False here.
   */
  protected boolean nchwThroughNhwc() {
    return false;
  }

  /**
   * Whether {@link #forward} runs the NHWC body between transpositions; {@code ParallelLayer}
   * then does the same, so both give the same result.
   */
  public final boolean forwardRunsNhwc() {
    return nhwc() != null && nchwThroughNhwc();
  }

  @Override
  public final void forwardUnits(float[] input, int batch, int height, int width, float[] output,
      int fromUnit, int toUnit) {
    checkFixedSize(height, width);
    Arguments.checkForward(geometry, input, batch, height, width, output);
    Arguments.checkUnits(fromUnit, toUnit, workUnits(batch));
    ImageKernel simd = simd();
    ImageKernel body = simd != null ? simd : this;
    int units = unitsPerImage;
    int inImage = geometry.inChannels() * height * width;
    int outImage = geometry.outChannels() * geometry.outputHeight(height)
        * geometry.outputWidth(width);
    for (int n = fromUnit / units; n < batch && n * units < toUnit; n++) {
      int first = Math.max(fromUnit - n * units, 0);
      int last = Math.min(toUnit - n * units, units);
      body.image(input, n * inImage, output, n * outImage, height, width, first, last);
    }
  }

  /**
   * Which implementation this kernel runs: e.g. {@code SIMD 512-bit} or {@code scalar}, and when
   * it has an NHWC implementation, what networks run, e.g. {@code SIMD 512-bit, in networks SIMD
   * 512-bit NHWC}; a kernel that runs its NHWC body for NCHW tensors too ({@link #forward}) says
   * so.
   */
  @Override
  public String implementation() {
    ImageKernel simd = simd();
    NhwcKernel nhwc = nhwc();
    if (forwardRunsNhwc()) {
      return nhwc.implementation() + " between NCHW transpositions"
          + (simd == null ? " (its NCHW code is scalar)"
              : " (faster than its own NCHW code, " + simd.implementation() + ")");
    }
    return (simd != null ? simd.implementation() : "scalar")
        + (nhwc != null ? ", in networks " + nhwc.implementation() : "");
  }
}
