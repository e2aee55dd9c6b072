package dev.convgen.runtime.weights;

import java.io.IOException;

/**
 * A weight file that cannot be read: truncated, corrupted, or in a form convgen does not load
 * (unknown dtype, Fortran order, overlapping data). The message names the file, the tensor when
 * known, and what is wrong.
 */
public final class WeightFileException extends IOException {

  private static final long serialVersionUID = 1L;

  WeightFileException(String file, String problem) {
    super(file + ": " + problem);
  }

  WeightFileException(String file, String problem, Throwable cause) {
    super(file + ": " + problem, cause);
  }
}
