package io.github.embeddinggeometry.cuda.internal;

import java.util.Locale;

/**
 * How much device memory the backend plans with: {@code -Dembgeo.cuda.memory} (bytes, or with a
 * suffix k/m/g, e.g. "12g"), by default 12 GiB, and never more than 90% of what the device has free
 * (the rest is left to the driver, cuBLAS workspaces and other processes).
 */
public final class MemoryBudget {
  /** System property: the cap in bytes, or e.g. "12g". */
  public static final String PROPERTY = "embgeo.cuda.memory";

  /** The default cap: keeps a whole-vocabulary k-NN well under 16 GB of GPU memory. */
  static final long DEFAULT = 12L << 30;

  private MemoryBudget() {}

  /**
   * The bytes a pass may allocate on a device with {@code free} bytes free while {@code held} bytes
   * (resident rows) count against the cap already.
   */
  public static long budget(long free, long held) {
    long cap = parse(System.getProperty(PROPERTY));
    return Math.max(0, Math.min(cap - held, free / 10 * 9));
  }

  /** Parses "123", "64m", "12g" (k/m/g binary); null or blank gives the default. */
  static long parse(String s) {
    if (s == null || s.isBlank()) {
      return DEFAULT;
    }
    String t = s.trim().toLowerCase(Locale.ROOT);
    long mult = 1;
    char last = t.charAt(t.length() - 1);
    if (last == 'k' || last == 'm' || last == 'g') {
      mult = last == 'k' ? 1L << 10 : last == 'm' ? 1L << 20 : 1L << 30;
      t = t.substring(0, t.length() - 1);
    }
    try {
      long v = Long.parseLong(t.trim());
      if (v <= 0) {
        throw new NumberFormatException();
      }
      return Math.multiplyExact(v, mult);
    } catch (NumberFormatException | ArithmeticException e) {
      throw new IllegalArgumentException(
          "-D" + PROPERTY + " must be a positive size such as 12g or 8589934592, not '" + s + "'");
    }
  }
}
