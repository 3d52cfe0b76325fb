package io.github.embeddinggeometry.spark;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

/**
 * The jars an executor needs to run this library's tasks (this module, geometry-core, geometry-io,
 * EJML), found where the driver loaded them from, for {@code spark.jars}: a cluster's executors
 * have Spark's class path only. A class folder (a build's {@code target/classes}) is packed into a
 * jar in {@code scratch} first, as Spark ships files, not folders.
 */
final class ShippedJars {
  /** One class from each artifact the tasks load. */
  private static final List<String> ARTIFACT_CLASSES =
      List.of(
          "io.github.embeddinggeometry.spark.RowBlock",
          "io.github.embeddinggeometry.EmbeddingMatrix",
          "io.github.embeddinggeometry.io.Tensors",
          "org.ejml.data.DMatrixRMaj",
          "org.ejml.dense.row.CommonOps_DDRM");

  private ShippedJars() {}

  /** Comma-separated paths for {@code spark.jars}, each once (a shaded jar holds them all). */
  static String of(Path scratch) {
    Set<Path> sources = new LinkedHashSet<>();
    for (String name : ARTIFACT_CLASSES) {
      Path p = location(name);
      if (p != null) {
        sources.add(p);
      }
    }
    StringBuilder jars = new StringBuilder();
    int folder = 0;
    for (Path p : sources) {
      Path jar =
          Files.isDirectory(p) ? pack(p, scratch.resolve("classes-" + folder++ + ".jar")) : p;
      jars.append(jars.length() == 0 ? "" : ",").append(jar.toUri());
    }
    return jars.toString();
  }

  private static Path location(String className) {
    try {
      Class<?> c = Class.forName(className, false, ShippedJars.class.getClassLoader());
      CodeSource cs = c.getProtectionDomain().getCodeSource();
      return cs == null || cs.getLocation() == null
          ? null
          : Path.of(cs.getLocation().toURI()).toAbsolutePath();
    } catch (ClassNotFoundException | URISyntaxException | RuntimeException e) {
      return null; // Not loaded from a file (or absent): nothing to ship for it.
    }
  }

  private static Path pack(Path dir, Path jar) {
    try (OutputStream o = Files.newOutputStream(jar);
        JarOutputStream out = new JarOutputStream(o);
        Stream<Path> files = Files.walk(dir)) {
      for (Path f : (Iterable<Path>) files.sorted()::iterator) {
        if (Files.isRegularFile(f)) {
          out.putNextEntry(new JarEntry(dir.relativize(f).toString().replace('\\', '/')));
          Files.copy(f, out);
          out.closeEntry();
        }
      }
      return jar;
    } catch (IOException e) {
      throw new UncheckedIOException("packing " + dir + " into " + jar + ": " + e.getMessage(), e);
    }
  }
}
