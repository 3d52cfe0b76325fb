package io.github.embeddinggeometry.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.github.embeddinggeometry.cli.output.AtomicFiles;
import io.github.embeddinggeometry.frame.BoundingBox;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@code report.json}: keys in insertion order (stable, documented in docs/cli.md, section
 * "Reports"). Non-finite numbers become {@code null}; where a value may be infinite by definition
 * (a density of a row with k or more exact duplicates) the caller adds a flag beside it.
 */
final class Report {
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private final Map<String, Object> root = new LinkedHashMap<>();
  private final List<String> figures = new ArrayList<>();
  private final List<String> files = new ArrayList<>();

  Report(String command, Session s) {
    root.put("command", command);
    root.put("model", s.model().name());
    root.put("rows", s.w().rows());
    root.put("dim", s.w().dim());
    root.put("backend", s.backend().description());
    root.put("version", VERSION);
  }

  /** The version of the library and command line, from the build (the same reactor). */
  static final String VERSION = version();

  private static String version() {
    java.util.Properties p = new java.util.Properties();
    try (java.io.InputStream in = Report.class.getResourceAsStream("version.properties")) {
      if (in != null) {
        p.load(in);
      }
    } catch (IOException e) {
      // Only a label on the page: a run does not fail for it.
    }
    return p.getProperty("version", "unknown");
  }

  Report put(String key, Object value) {
    root.put(key, sanitize(value));
    return this;
  }

  /** The {@code basis} and {@code box} keys of a selection by spherical coordinates. */
  void selection(Options.BasisOptions basis, BoundingBox b) {
    put("basis", obj("north", basis.north, "meridian", basis.meridian, "equinox", basis.equinox));
    put(
        "box",
        obj(
            "lat_min",
            b.latMin(),
            "lat_max",
            b.latMax(),
            "lon_min",
            b.lonMin(),
            "lon_max",
            b.lonMax(),
            "r_min",
            b.rMin(),
            "r_max",
            b.rMax()));
  }

  void figure(String name) {
    figures.add(name);
  }

  void file(String name) {
    files.add(name);
  }

  /** A JSON number, or null when not finite. */
  static Double num(double v) {
    return Double.isFinite(v) ? v : null;
  }

  /** An ordered map from alternating keys and values. */
  static Map<String, Object> obj(Object... kv) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put((String) kv[i], sanitize(kv[i + 1]));
    }
    return m;
  }

  private static Object sanitize(Object v) {
    if (v instanceof Double d) {
      return num(d);
    }
    if (v instanceof Float f) {
      return Float.isFinite(f) ? (Object) f.doubleValue() : null;
    }
    if (v instanceof double[] a) {
      List<Double> out = new ArrayList<>(a.length);
      for (double x : a) {
        out.add(num(x));
      }
      return out;
    }
    return v;
  }

  /**
   * Size and SHA-256 of a file this step wrote: a reader checks with them that every file beside
   * the report is this run's (the folder's lock kept other runs out while it was written).
   */
  static Map<String, Object> checksum(Path file) {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      ByteBuffer buf = ByteBuffer.allocate(1 << 16);
      long size = 0;
      int n;
      while ((n = ch.read(buf)) >= 0) {
        size += n;
        buf.flip();
        sha.update(buf);
        buf.clear();
      }
      return obj("bytes", size, "sha256", HexFormat.of().formatHex(sha.digest()));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read back " + file + ": " + e.getMessage(), e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("this Java has no SHA-256", e);
    }
  }

  /**
   * Writes index.html, the page made from this report ({@link ReportPage}), then report.json, the
   * step's last file: it marks the folder complete. The page shows everything report.json holds but
   * the page's own checksum.
   */
  Path write(Path dir, long t0) {
    root.put("elapsed_seconds", Math.round((System.nanoTime() - t0) / 1e7) / 100.0);
    root.put("figures", figures);
    root.put("files", files);
    root.put("page", Outputs.PAGE);
    Map<String, Object> sums = new LinkedHashMap<>();
    for (String name : figures) {
      sums.put(name, checksum(dir.resolve(name)));
    }
    for (String name : files) {
      sums.put(name, checksum(dir.resolve(name)));
    }
    root.put("checksums", sums);
    ReportPage.write(dir, JSON.valueToTree(root));
    sums.put(Outputs.PAGE, checksum(dir.resolve(Outputs.PAGE)));
    Path p = dir.resolve(Outputs.REPORT);
    byte[] bytes;
    try {
      bytes = JSON.writeValueAsBytes(root);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot encode " + p + ": " + e.getMessage(), e);
    }
    AtomicFiles.write(p, bytes);
    return p;
  }
}
