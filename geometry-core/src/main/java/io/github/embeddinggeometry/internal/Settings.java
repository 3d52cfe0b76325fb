package io.github.embeddinggeometry.internal;

import java.util.Locale;

/**
 * Every {@code embgeo.*} system property geometry-core reads, read here and nowhere else (a backend
 * module reads its own, such as geometry-cuda's, through {@code backend.spi.BackendSettings}), so
 * that the table of properties in docs/using.md is the whole story.
 *
 * <p>Tuning values (threads, tile sizes, budgets) that are malformed or out of range are not fatal:
 * one WARNING names the property and the value, and the default is used, because a typo in a JVM
 * flag should not stop an analysis. Choices the user makes on purpose (the backend, the CUDA device
 * and precision) are validated where they are used, which throws with the property's name.
 */
public final class Settings {
  /** {@code best} (default), {@code cpu}, or a backend provider's name such as {@code cuda}. */
  public static final String BACKEND = "embgeo.backend";

  /** Threads of every parallel loop (default: all available processors). */
  public static final String THREADS = "embgeo.threads";

  /** {@code false} forces the plain-Java kernels even when the Vector API is present. */
  public static final String VECTOR = "embgeo.vector";

  /** {@code false} makes the Vector API kernels use separate multiply and add instead of FMA. */
  public static final String FMA = "embgeo.fma";

  /**
   * Vector width in bits the Vector API kernels use (default: the CPU's preferred width); a
   * narrower or wider species for tests and tuning.
   */
  public static final String VECTOR_BITS = "embgeo.vector.bits";

  /**
   * Rows of A per float32 micro-tile, 4, 6, 8 or 12 (default: the fastest, timed once per machine
   * and JDK, see {@code internal.kernel.Calibration}).
   */
  public static final String TILE_ROWS = "embgeo.tile.rows";

  /**
   * {@code false} skips timing the micro-tile shapes ({@code internal.kernel.Calibration}) and uses
   * 6 rows, the shape measured safe on every machine tried.
   */
  public static final String CALIBRATE = "embgeo.calibrate";

  /** Milliseconds the calibration may spend timing the shapes (default 1500). */
  public static final String CALIBRATE_MS = "embgeo.calibrate.ms";

  /**
   * Folder of the calibration cache (default {@code $XDG_CACHE_HOME/embedding-geometry}, else
   * {@code ~/.cache/embedding-geometry}); geometry-io keeps DJL's tokenizer library in its {@code
   * djl} subfolder.
   */
  public static final String CACHE_DIR = "embgeo.cache.dir";

  /** Depth of one cache block of the float32 micro-kernel loop (default: fitted to L1). */
  public static final String KC = "embgeo.kc";

  /** Rows of A per L2 block of the micro-kernel loop (default: fitted to L2). */
  public static final String IC = "embgeo.ic";

  /** Query rows per distance task (default 240). */
  public static final String MB = "embgeo.mb";

  /** Base rows per distance tile (default 256). */
  public static final String NB = "embgeo.nb";

  /**
   * Heap bytes a pre-packed copy of the base rows may take (default: max heap / 8, at most 1 GiB).
   */
  public static final String PREPACK_BYTES = "embgeo.prepack.bytes";

  private static final System.Logger LOG = System.getLogger(Settings.class.getName());

  private Settings() {}

  /** The raw value of a property, trimmed, or null when unset or blank. */
  public static String raw(String name) {
    String v = System.getProperty(name);
    return v == null || v.isBlank() ? null : v.trim();
  }

  /** The backend name asked for, lower case ({@code best} when unset). */
  public static String backend() {
    String v = raw(BACKEND);
    return v == null ? "best" : v.toLowerCase(Locale.ROOT);
  }

  /** Threads of every parallel loop: {@code embgeo.threads}, default all available processors. */
  public static int threads() {
    return positiveInt(THREADS, Runtime.getRuntime().availableProcessors());
  }

  /** False only when {@code -Dembgeo.vector=false}. */
  public static boolean vector() {
    return !"false".equalsIgnoreCase(raw(VECTOR));
  }

  /**
   * Whether the Vector API kernels use fused multiply-add: {@code embgeo.fma} when set, else {@code
   * hardwareDefault} (whether the JVM uses FMA instructions).
   */
  public static boolean fma(boolean hardwareDefault) {
    String v = raw(FMA);
    if (v == null) {
      return hardwareDefault;
    }
    if (v.equalsIgnoreCase("true") || v.equalsIgnoreCase("false")) {
      return Boolean.parseBoolean(v);
    }
    warn(FMA, v, "true or false", Boolean.toString(hardwareDefault));
    return hardwareDefault;
  }

  /**
   * {@code embgeo.vector.bits} when it is 64, 128, 256, 512 or 1024, else 0 (the CPU's preferred
   * width; a malformed value with one WARNING).
   */
  public static int vectorBits() {
    String v = raw(VECTOR_BITS);
    if (v == null) {
      return 0;
    }
    for (int bits = 64; bits <= 1024; bits *= 2) {
      if (v.equals(Integer.toString(bits))) {
        return bits;
      }
    }
    warn(VECTOR_BITS, v, "64, 128, 256, 512 or 1024", "the preferred width");
    return 0;
  }

  /**
   * {@code embgeo.tile.rows} when it is 4, 6, 8 or 12, else 0 (choose; a malformed value warns).
   */
  public static int tileRows() {
    String v = raw(TILE_ROWS);
    if (v == null) {
      return 0;
    }
    if (v.equals("4") || v.equals("6") || v.equals("8") || v.equals("12")) {
      return Integer.parseInt(v);
    }
    warn(TILE_ROWS, v, "4, 6, 8 or 12", "the calibrated shape");
    return 0;
  }

  /** False only when {@code -Dembgeo.calibrate=false}. */
  public static boolean calibrate() {
    return !"false".equalsIgnoreCase(raw(CALIBRATE));
  }

  /**
   * The cache folder (kernel calibration; DJL's library in {@code djl}): {@code embgeo.cache.dir},
   * else {@code $XDG_CACHE_HOME/embedding-geometry}, else {@code ~/.cache/embedding-geometry}; null
   * when none can be named (no home).
   */
  public static java.nio.file.Path cacheDir() {
    try {
      String dir = raw(CACHE_DIR);
      if (dir != null) {
        return java.nio.file.Path.of(dir);
      }
      String xdg = System.getenv("XDG_CACHE_HOME");
      if (xdg != null && !xdg.isBlank() && java.nio.file.Path.of(xdg).isAbsolute()) {
        return java.nio.file.Path.of(xdg, "embedding-geometry");
      }
      String home = System.getProperty("user.home");
      return home == null || home.isBlank()
          ? null
          : java.nio.file.Path.of(home, ".cache", "embedding-geometry");
    } catch (java.nio.file.InvalidPathException e) {
      warn(CACHE_DIR, raw(CACHE_DIR), "a folder", "no cache");
      return null;
    }
  }

  /** A positive integer property, or {@code dflt} (with a WARNING when the value is malformed). */
  public static int positiveInt(String name, int dflt) {
    String v = raw(name);
    if (v == null) {
      return dflt;
    }
    try {
      int n = Integer.parseInt(v);
      if (n >= 1) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    warn(name, v, "a positive integer", Integer.toString(dflt));
    return dflt;
  }

  /**
   * A positive byte count ({@code 123}, {@code 64m}, {@code 12g}), or {@code dflt} with a WARNING.
   */
  public static long bytes(String name, long dflt) {
    String v = raw(name);
    if (v == null) {
      return dflt;
    }
    try {
      return parseBytes(v);
    } catch (IllegalArgumentException e) {
      warn(name, v, "a positive size such as 12g or 8589934592", Long.toString(dflt));
      return dflt;
    }
  }

  /**
   * Parses a positive size: digits with an optional binary suffix k, m or g.
   *
   * @throws IllegalArgumentException if it is not one
   */
  public static long parseBytes(String s) {
    String t = s.trim().toLowerCase(Locale.ROOT);
    long mult = 1;
    char last = t.isEmpty() ? ' ' : t.charAt(t.length() - 1);
    if (last == 'k' || last == 'm' || last == 'g') {
      mult = last == 'k' ? 1L << 10 : last == 'm' ? 1L << 20 : 1L << 30;
      t = t.substring(0, t.length() - 1).trim();
    }
    try {
      long v = Long.parseLong(t);
      if (v > 0) {
        return Math.multiplyExact(v, mult);
      }
    } catch (NumberFormatException | ArithmeticException e) {
      // reported below
    }
    throw new IllegalArgumentException(
        "not a positive size such as 12g or 8589934592: '" + s + "'");
  }

  private static void warn(String name, String value, String expected, String dflt) {
    LOG.log(
        System.Logger.Level.WARNING,
        "-D" + name + "=" + value + " ignored: it must be " + expected + "; using " + dflt);
  }
}
