package io.github.embeddinggeometry.io.fuzz;

import io.github.embeddinggeometry.ProgressListener;
import io.github.embeddinggeometry.io.tensor.MalformedFileException;
import io.github.embeddinggeometry.io.tensor.Tensor;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** What every fuzz target checks of what a reader accepted or refused. */
final class FuzzChecks {
  private FuzzChecks() {}

  /**
   * Longest message a refusal may have: the file name, the problem and a few values each cut to
   * about 100 characters. A message quoting the input at length is a finding.
   */
  static final int MAX_MESSAGE = 1500;

  static void readAll(Tensor t) {
    long n = t.numel();
    if (n > 1 << 20) {
      return; // a valid header can describe a big tensor only if the input holds its bytes
    }
    t.toFloatArray();
    t.toDoubleArray();
    t.toLittleEndianBytes();
    if (!t.dtype().isFloatingPoint()) {
      t.toLongArray();
    }
    // Other shapes are a documented IllegalStateException.
    if (t.rank() == 2 && t.shape()[1] > 0 && t.shape()[1] <= Integer.MAX_VALUE) {
      t.toEmbeddingMatrix(ProgressListener.NONE);
    }
  }

  /** A refusal: one short line. */
  static void refused(MalformedFileException e) {
    String m = e.getMessage();
    if (m.length() > MAX_MESSAGE || m.indexOf('\n') >= 0 || m.indexOf('\r') >= 0) {
      throw new AssertionError(
          "message of "
              + m.length()
              + " characters or over one line: "
              + m.substring(0, Math.min(300, m.length())),
          e);
    }
  }

  /**
   * The exceptions a file-system reader documents: a malformed file, a missing file, a path that is
   * not a regular file (a plain IOException). Anything else is rethrown as a finding.
   */
  static void documented(IOException e) {
    if (e instanceof MalformedFileException m) {
      refused(m);
    } else if (!(e instanceof FileNotFoundException) && e.getClass() != IOException.class) {
      throw new AssertionError("undocumented exception", e);
    }
  }

  static void deleteTree(Path root) {
    try (Stream<Path> s = Files.walk(root)) {
      s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // best effort, in the temporary folder
    }
  }
}
