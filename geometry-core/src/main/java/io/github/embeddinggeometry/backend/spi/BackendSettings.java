package io.github.embeddinggeometry.backend.spi;

import io.github.embeddinggeometry.internal.Settings;
import java.nio.file.Path;

/**
 * How a module outside geometry-core reads its own {@code embgeo.*} system properties with the
 * library's conventions: a blank value counts as unset, sizes are written {@code 12g}, and the
 * cache folder is the library's. Each module keeps the names and validation of its own properties
 * (geometry-cuda's GPU device, memory, precision), and throws with the property's name when a value
 * it needs is wrong.
 *
 * @since 0.1
 */
public final class BackendSettings {
  private BackendSettings() {}

  /**
   * The value of a system property, trimmed.
   *
   * @param name the property's full name, {@code embgeo.} and the rest
   * @return the value, or null when the property is unset or blank
   */
  public static String raw(String name) {
    return Settings.raw(name);
  }

  /**
   * Parses a positive size: digits with an optional binary suffix k, m or g.
   *
   * @param s the text, e.g. {@code 12g}
   * @return the size in bytes
   * @throws IllegalArgumentException quoting {@code s} when it is not a positive size
   */
  public static long parseBytes(String s) {
    return Settings.parseBytes(s);
  }

  /**
   * The library's cache folder: {@code embgeo.cache.dir}, else {@code
   * $XDG_CACHE_HOME/embedding-geometry}, else {@code ~/.cache/embedding-geometry}.
   *
   * @return the folder (not created), or null when none can be named (no home folder)
   */
  public static Path cacheDir() {
    return Settings.cacheDir();
  }
}
