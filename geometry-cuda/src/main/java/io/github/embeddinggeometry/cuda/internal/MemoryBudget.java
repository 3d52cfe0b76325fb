package io.github.embeddinggeometry.cuda.internal;

import io.github.embeddinggeometry.backend.spi.BackendSettings;

/**
 * How much device memory the backend plans with: {@code -Dembgeo.cuda.memory} (bytes, or with a
 * suffix k/m/g, e.g. "12g"), by default 12 GiB, and never more than 90% of what the device has free
 * (the rest is left to the driver, cuBLAS workspaces and other processes).
 */
public final class MemoryBudget {
  /** System property: the cap in bytes, or e.g. "12g". */
  public static final String PROPERTY = CudaSettings.MEMORY;

  /** The default cap: keeps a whole-vocabulary k-NN well under 16 GB of GPU memory. */
  static final long DEFAULT = 12L << 30;

  private MemoryBudget() {}

  /**
   * The bytes a pass may allocate on a device with {@code free} bytes free while {@code held} bytes
   * (resident rows) count against the cap already.
   */
  public static long budget(long free, long held) {
    long cap = parse(BackendSettings.raw(PROPERTY));
    return Math.max(0, Math.min(cap - held, free / 10 * 9));
  }

  /** Parses "123", "64m", "12g" (k/m/g binary); null or blank gives the default. */
  static long parse(String s) {
    if (s == null || s.isBlank()) {
      return DEFAULT;
    }
    try {
      return BackendSettings.parseBytes(s);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "-D" + PROPERTY + " must be a positive size such as 12g or 8589934592, not '" + s + "'");
    }
  }
}
