package io.github.embeddinggeometry.cli;

import io.github.embeddinggeometry.analysis.DensestPoint;
import io.github.embeddinggeometry.analysis.Verdicts;
import io.github.embeddinggeometry.frame.PcaResult;
import java.io.PrintStream;
import java.util.Locale;
import java.util.function.IntFunction;
import java.util.stream.IntStream;

/**
 * The notebooks' printed tables that both the command line and the notebook programs of the
 * examples module show, so that {@code geometry densest} and {@code geometry example densest} print
 * the same table from the same code.
 *
 * @since 0.1
 */
public final class NotebookTables {
  private NotebookTables() {}

  /** The 1-based rank of {@code id} in a neighbour list, 0 when absent. */
  public static int rank(int[] ids, int id) {
    return IntStream.range(0, ids.length).filter(i -> ids[i] == id).findFirst().orElse(-1) + 1;
  }

  /** Euclidean norm, accumulated in double. */
  public static double norm(float[] v) {
    return Math.sqrt(IntStream.range(0, v.length).mapToDouble(i -> (double) v[i] * v[i]).sum());
  }

  /** Notebook 1.6a's PCA cell: the top 10 eigenvalues and the cumulative variance. */
  public static void printPca(PcaResult pca, PrintStream out) {
    int n = pca.components();
    out.println("Top 10 eigenvalues:");
    for (int i = 0; i < Math.min(10, n); i++) {
      String share = String.format(Locale.ROOT, "%.2f%%", 100 * pca.varianceExplained(i));
      out.printf(Locale.ROOT, "  PC%d: %.6f (%s variance)%n", i + 1, pca.eigenvalue(i), share);
    }
    out.println("Cumulative variance:");
    for (int first : new int[] {10, 100}) {
      double share = 100 * pca.cumulativeVariance(Math.min(first, n));
      out.printf(Locale.ROOT, "  First %d PCs: %.2f%%%n", first, share);
    }
  }

  /**
   * Notebook "Densest Point Neighborhood"'s tables: the densest token, its first {@code rows}
   * neighbours in each metric, the tokens both lists share and the interpretation. {@code text}
   * decodes an id (null: unknown); blank tokens show as Python's repr(), controls escaped.
   */
  public static void printDensest(
      DensestPoint p, IntFunction<String> text, int rows, PrintStream out) {
    Verdicts.Overlap verdict = Verdicts.Overlap.of(p.overlapShare());
    out.printf("DENSEST TOKEN%n  Token ID: %d%n  Text: %s%n", p.id(), show(text, p.id()));
    out.printf(Locale.ROOT, "  Density: %.6f (1/logometers)%n", p.density());
    out.printf(Locale.ROOT, "  Mean neighbor distance: %.4f logometers%n", p.meanDistance());
    table("CAUSAL METRIC", "Distance", p.metricIds(), p.metricDistances(), text, rows, out);
    table("COSINE", "Similarity", p.cosineIds(), p.cosineSimilarities(), text, rows, out);
    out.printf(Locale.ROOT, "%nTokens in both neighborhoods: %d / %d%n", p.overlap(), p.topN());
    for (int id : p.metricIds()) {
      int cosineRank = rank(p.cosineIds(), id);
      if (cosineRank > 0) {
        String ranks = "(causal rank: " + rank(p.metricIds(), id) + ", cosine rank: " + cosineRank;
        out.printf("  %6d: %-20s %s)%n", id, show(text, id), ranks);
      }
    }
    out.printf(Locale.ROOT, "%s OVERLAP (%.1f%%)%n", verdict, 100 * p.overlapShare());
    out.println("  " + verdict.text());
  }

  private static void table(
      String metric,
      String column,
      int[] ids,
      float[] values,
      IntFunction<String> text,
      int rows,
      PrintStream out) {
    int n = Math.min(rows, ids.length);
    out.printf("%nTOP %d NEIGHBORS: %s%n Rank  Token ID  %-10s  Text%n", n, metric, column);
    for (int i = 0; i < n; i++) {
      String v = String.format(Locale.ROOT, "%.6f", values[i]);
      out.printf(" %4d %9d  %-10s  %s%n", i + 1, ids[i], v, show(text, ids[i]));
    }
  }

  private static String show(IntFunction<String> text, int id) {
    return TokenText.display(text.apply(id));
  }
}
