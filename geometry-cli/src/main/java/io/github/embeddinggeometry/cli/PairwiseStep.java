package io.github.embeddinggeometry.cli;

import io.github.embeddinggeometry.EmbeddingMatrix;
import io.github.embeddinggeometry.analysis.DistanceStatistics;
import io.github.embeddinggeometry.cli.report.Figure;
import io.github.embeddinggeometry.cli.report.Plots;
import io.github.embeddinggeometry.frame.BoundingBox;
import io.github.embeddinggeometry.frame.BoxSelection;
import io.github.embeddinggeometry.io.Tensors;
import io.github.embeddinggeometry.metric.DistanceKernel;
import io.github.embeddinggeometry.metric.MetricSpace;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Notebook 1.4b (the examples' PairwiseDistances) as a command: its statistics in report.json, the
 * histogram of the distances and the distance matrix file the notebook saves.
 */
final class PairwiseStep {
  static final int HISTOGRAM_BINS = 120;

  /** The distance matrix file is written only up to this many rows unless {@code --force}. */
  static final int FILE_CAP = 20_000;

  static final String MATRIX_FILE = "distances.safetensors";

  private PairwiseStep() {}

  static void run(Session s, Options.BasisOptions basis, BoundingBox box, boolean force, Path dir) {
    run(s, basis, box, force, dir, FILE_CAP);
  }

  /** As above, with the file's row cap given (tests). */
  static void run(
      Session s,
      Options.BasisOptions basis,
      BoundingBox box,
      boolean force,
      Path dir,
      int fileCap) {
    long t0 = System.nanoTime();
    Console con = s.console();
    con.step("pairwise");
    BoxSelection spike = s.select(basis, box);
    EmbeddingMatrix sel = spike.rows();
    int n = sel.rows();
    boolean writeFile = n <= fileCap || force;
    if (writeFile && (long) n * n > Integer.MAX_VALUE - 8) {
      throw new UserInputException(
          String.format(
              Locale.ROOT,
              "%,d selected rows: a %,d x %,d distance matrix does not fit one file tensor here;"
                  + " narrow --box",
              n,
              n,
              n));
    }
    DistanceKernel kernel = s.kernel("euclidean", MetricSpace.euclidean());
    // The notebook's file is filled from the statistics' own pass (d(i, j) mirrored to d(j, i),
    // the diagonal 0), and the histogram is counted from it: the distances are computed once.
    float[] matrix = writeFile ? new float[n * n] : null;
    // Without the file, the histogram is counted in float-bit buckets as the distances pass (its
    // range, the largest distance, is known only at the end): still one pass.
    PairHistogram buckets = matrix == null ? new PairHistogram() : null;
    DistanceStatistics st =
        matrix == null
            ? DistanceStatistics.of(sel, kernel, buckets, con)
            : DistanceStatistics.of(
                sel,
                kernel,
                (i, j0, d, off, len) -> {
                  for (int t = 0; t < len; t++) {
                    int j = j0 + t;
                    matrix[i * n + j] = d[off + t];
                    matrix[j * n + i] = d[off + t];
                  }
                },
                con);
    con.finishBars();

    double hi = st.max() > 0 ? st.max() : 1;
    double[] edges;
    long[] counts;
    if (matrix != null) {
      edges = new double[HISTOGRAM_BINS + 1];
      for (int b = 0; b <= HISTOGRAM_BINS; b++) {
        edges[b] = hi * b / HISTOGRAM_BINS;
      }
      counts = new long[HISTOGRAM_BINS];
      for (int i = 0; i < n; i++) {
        count(matrix, i * n, i + 1, n, hi, counts);
      }
    } else {
      edges = PairHistogram.edges(hi, HISTOGRAM_BINS);
      counts = buckets.counts(edges);
    }

    Report r = new Report("pairwise", s);
    r.selection(basis, box);
    r.put("selected", n);
    r.put("pairs", st.count());
    r.put("min", st.min());
    r.put("median", st.median());
    r.put("mean", st.mean());
    r.put("max", st.max());
    r.put("exact_zero_pairs", st.exactZeroPairs());
    r.put("bracketed_tokens", countBracketed(s, sel));
    if (matrix != null) {
      Outputs.safetensors(
          dir.resolve(MATRIX_FILE),
          List.of(
              Tensors.of("distances", matrix, n, n),
              Tensors.of("spike_token_ids", Outputs.longs(sel.ids()), n)));
      r.file(MATRIX_FILE);
    } else {
      Outputs.remove(dir.resolve(MATRIX_FILE));
      r.put(
          "distances_file_skipped",
          String.format(
              Locale.ROOT,
              "%,d rows exceed the cap of %,d (%.1f GB); rerun with --force",
              n,
              fileCap,
              4.0 * n * n / 1e9));
    }
    Plots.histogram(
        new Figure(
            dir.resolve("pairwise_distances.png"),
            "Pairwise distances in the box: " + s.model().name(),
            String.format(
                Locale.ROOT,
                "%,d tokens, %,d pairs, median %.4f, %,d exact zeros",
                n,
                st.count(),
                st.median(),
                st.exactZeroPairs())),
        new Plots.Bins(edges, new String[] {"pairs"}, new long[][] {counts}),
        null,
        "Euclidean distance (embedding units)",
        Plots.Axis.of("Pairs (log scale)", true));
    r.figure("pairwise_distances.png");
    r.write(dir, t0);
    con.line(
        String.format(
            Locale.ROOT,
            "pairwise: %,d tokens in box %s, %,d pairs: min %.6g, median %.6g, mean %.6g, max %.6g,"
                + " %,d exact zeros (%s)",
            n,
            BoxSelection.text(box),
            st.count(),
            st.min(),
            st.median(),
            st.mean(),
            st.max(),
            st.exactZeroPairs(),
            Session.seconds(t0)));
    if (matrix == null) {
      con.line(
          "pairwise: " + MATRIX_FILE + " skipped: " + n + " rows > " + fileCap + " (use --force)");
    }
  }

  /** Adds {@code row[off + j]}, j in [from, to), to the histogram of [0, hi]. */
  private static void count(float[] row, int off, int from, int to, double hi, long[] counts) {
    for (int j = from; j < to; j++) {
      int b = (int) (row[off + j] / hi * HISTOGRAM_BINS);
      counts[Math.min(b, HISTOGRAM_BINS - 1)]++;
    }
  }

  /** Rows whose token text looks like {@code [unused12]}/{@code [SEP]}: a quick cluster check. */
  static int countBracketed(Session s, EmbeddingMatrix rows) {
    int c = 0;
    for (int i = 0; i < rows.rows(); i++) {
      String t = s.rawText(rows.id(i));
      if (t != null && t.startsWith("[") && t.endsWith("]")) {
        c++;
      }
    }
    return c;
  }
}
