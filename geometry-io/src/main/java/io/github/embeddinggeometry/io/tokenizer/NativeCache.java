package io.github.embeddinggeometry.io.tokenizer;

import io.github.embeddinggeometry.backend.spi.BackendSettings;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Where DJL unpacks the tokenizers' native library. DJL reads {@code ENGINE_CACHE_DIR}, then {@code
 * DJL_CACHE_DIR} (environment variable, then system property), else uses {@code ~/.djl.ai}, a
 * hidden folder in the home folder that nothing tells the user about. When the user set neither,
 * this sets the system property {@code ENGINE_CACHE_DIR} to {@code djl} in the user's cache folder
 * ({@link BackendSettings#cacheDir()}: {@code $XDG_CACHE_HOME/embedding-geometry}, else {@code
 * ~/.cache/embedding-geometry}, where the kernel calibration is kept too), so the library lands in
 * {@code .../embedding-geometry/djl/tokenizers}. {@code ENGINE_CACHE_DIR} and not {@code
 * DJL_CACHE_DIR}: DJL reads the latter for its model downloads too, which an application using DJL
 * for itself keeps where it chose. When that folder cannot be created and written (a read-only
 * home, no home at all), it sets {@code ENGINE_CACHE_DIR} to a private temporary folder (owner-only
 * on POSIX; removed when the JVM ends) instead: DJL's own fallback, {@code
 * <java.io.tmpdir>/.djl.ai}, is a folder every user of the machine shares, which another user can
 * occupy first or plant a library in.
 */
final class NativeCache {
  private NativeCache() {}

  static final String ENGINE_CACHE_DIR = "ENGINE_CACHE_DIR";
  static final String DJL_CACHE_DIR = "DJL_CACHE_DIR";

  private static boolean prepared;

  /** Chooses the folder, once per JVM, before DJL loads the library. */
  static synchronized void prepare() {
    if (prepared) {
      return;
    }
    prepared = true;
    if (isSet(ENGINE_CACHE_DIR) || isSet(DJL_CACHE_DIR)) {
      return; // the user's choice, which DJL honours
    }
    Path cache = cacheFolder();
    if (writable(cache == null ? null : cache.resolve("tokenizers"))) {
      System.setProperty(ENGINE_CACHE_DIR, cache.toString());
      return;
    }
    try {
      Path tmp = Files.createTempDirectory("embgeo-djl-");
      System.setProperty(ENGINE_CACHE_DIR, tmp.toString());
      Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(tmp), "embgeo-djl-cache"));
    } catch (IOException | SecurityException e) {
      // Leave DJL to its own fallback; if that fails too, its exception says where it tried.
    }
  }

  /** The folder DJL unpacks the library into, as it will choose it, for messages. */
  static String folder() {
    String engine = value(ENGINE_CACHE_DIR);
    if (engine != null) {
      return engine + "/tokenizers";
    }
    String djl = value(DJL_CACHE_DIR);
    // Neither set even by prepare(): no temporary folder could be made, DJL uses its default.
    return (djl != null ? djl : System.getProperty("user.home") + "/.djl.ai") + "/tokenizers";
  }

  /** {@code djl} in the user's cache folder; null when there is none (no home). */
  static Path cacheFolder() {
    Path dir = BackendSettings.cacheDir();
    return dir == null ? null : dir.resolve("djl");
  }

  private static boolean isSet(String name) {
    return value(name) != null;
  }

  /** A variable as DJL reads it: the environment first, then the system property. */
  private static String value(String name) {
    String v = System.getenv(name);
    if (v == null) {
      v = System.getProperty(name);
    }
    return v == null || v.isEmpty() ? null : v; // DJL treats an empty value as unset
  }

  /** True when {@code dir} exists or can be made, and a file can be created in it. */
  private static boolean writable(Path dir) {
    if (dir == null || !dir.isAbsolute()) {
      return false; // no usable home ("?" in some containers)
    }
    try {
      Files.createDirectories(dir);
      Files.delete(Files.createTempFile(dir, ".probe", ".tmp"));
      return true;
    } catch (IOException | SecurityException | UnsupportedOperationException e) {
      return false;
    }
  }

  private static void deleteTree(Path root) {
    try {
      Files.walkFileTree(
          root,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
                throws IOException {
              Files.deleteIfExists(file);
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
              Files.deleteIfExists(dir);
              return FileVisitResult.CONTINUE;
            }
          });
    } catch (IOException e) {
      // best effort: the folder is in the temporary folder the system cleans
    }
  }
}
