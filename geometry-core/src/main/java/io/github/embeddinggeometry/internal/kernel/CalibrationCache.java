package io.github.embeddinggeometry.internal.kernel;

import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Properties;

/**
 * The calibration cache: one properties file per machine key ({@code kernels-<hash>.properties} in
 * the cache folder) holding the key itself, the candidates' names, each one's rate and status, and
 * the choice. A file that does not parse, was written for another key or another set of candidates,
 * or names an ineligible choice, is ignored (and then overwritten by the new result). Written to a
 * temporary file and renamed, so a reader never sees half a file. Failing to write costs only the
 * next process a calibration, so it is logged at DEBUG and not thrown.
 */
final class CalibrationCache {
  private static final System.Logger LOG = System.getLogger(CalibrationCache.class.getName());
  private static final String FORMAT = "embedding-geometry kernel calibration 1";

  private CalibrationCache() {}

  /** The file for {@code key} in {@code dir}. */
  static Path file(Path dir, String key) {
    try {
      byte[] h = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
      return dir.resolve("kernels-" + HexFormat.of().formatHex(h, 0, 8) + ".properties");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  /** The cached result, or empty when absent, unreadable, corrupt or foreign. */
  static Optional<Calibration.Result> read(Path file, String key, List<String> names) {
    Properties p = new Properties();
    try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      p.load(r);
    } catch (IOException | RuntimeException e) {
      // absent, or not a properties file (load throws IllegalArgumentException on bad escapes)
      return Optional.empty();
    }
    try {
      if (!FORMAT.equals(p.getProperty("format"))
          || !key.equals(p.getProperty("key"))
          || !String.join(",", names).equals(p.getProperty("candidates"))) {
        return Optional.empty();
      }
      List<Calibration.Entry> entries = new ArrayList<>();
      for (String n : names) {
        Calibration.Status s = Calibration.Status.valueOf(p.getProperty("status." + n));
        double rate = Double.parseDouble(p.getProperty("gflops." + n));
        if ((s == Calibration.Status.OK || !Double.isNaN(rate)) && !(rate > 0 && rate < 1e7)) {
          return Optional.empty();
        }
        entries.add(new Calibration.Entry(n, rate, s, p.getProperty("note." + n, "")));
      }
      String chosen = p.getProperty("chosen");
      boolean eligible =
          entries.stream()
              .anyMatch(e -> e.name().equals(chosen) && e.status() == Calibration.Status.OK);
      return eligible
          ? Optional.of(
              new Calibration.Result(
                  entries, chosen, true, Boolean.parseBoolean(p.getProperty("settled"))))
          : Optional.empty();
    } catch (RuntimeException e) {
      // a missing or malformed field (null status, bad number)
      return Optional.empty();
    }
  }

  /** Writes {@code r} for {@code key}, whole or not at all. */
  static void write(Path file, String key, Calibration.Result r) {
    Properties p = new Properties();
    p.setProperty("format", FORMAT);
    p.setProperty("key", key);
    List<String> names = new ArrayList<>();
    for (Calibration.Entry e : r.entries()) {
      names.add(e.name());
      p.setProperty("status." + e.name(), e.status().name());
      p.setProperty("gflops." + e.name(), Double.toString(e.gflops()));
      p.setProperty("note." + e.name(), e.note());
    }
    p.setProperty("candidates", String.join(",", names));
    p.setProperty("chosen", r.chosen());
    p.setProperty("settled", Boolean.toString(r.settled()));
    Path tmp = null;
    try {
      StringWriter text = new StringWriter();
      p.store(text, "written by embedding-geometry; delete to calibrate again");
      Path dir = file.toAbsolutePath().getParent();
      Files.createDirectories(dir);
      tmp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
      Files.writeString(tmp, text.toString(), StandardCharsets.UTF_8);
      try {
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
      }
      tmp = null;
    } catch (IOException | RuntimeException e) {
      LOG.log(System.Logger.Level.DEBUG, "kernel calibration not cached in " + file + ": " + e);
    } finally {
      if (tmp != null) {
        try {
          Files.deleteIfExists(tmp);
        } catch (IOException e) {
          // nothing more to do: a stray temporary file in the cache folder
        }
      }
    }
  }
}
