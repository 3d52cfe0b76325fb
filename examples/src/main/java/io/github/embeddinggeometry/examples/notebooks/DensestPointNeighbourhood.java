package io.github.embeddinggeometry.examples.notebooks;

import static io.github.embeddinggeometry.ProgressListener.NONE;

import io.github.embeddinggeometry.EmbeddingMatrix;
import io.github.embeddinggeometry.ProgressListener;
import io.github.embeddinggeometry.analysis.CausalNorms;
import io.github.embeddinggeometry.analysis.DensestPoint;
import io.github.embeddinggeometry.backend.Backends;
import io.github.embeddinggeometry.backend.ComputeBackend;
import io.github.embeddinggeometry.density.DensityField;
import io.github.embeddinggeometry.density.KnnDensity;
import io.github.embeddinggeometry.io.MiniLm;
import io.github.embeddinggeometry.metric.CausalMetric;
import io.github.embeddinggeometry.metric.DistanceKernel;
import io.github.embeddinggeometry.metric.MetricSpace;
import java.io.IOException;
import java.io.PrintStream;
import java.util.Locale;
import java.util.function.IntFunction;
import java.util.stream.IntStream;

/**
 * Notebook "Densest Point Neighborhood": does the causal metric capture semantic structure? The
 * token of highest k-NN density, its nearest neighbours in the causal metric and in cosine
 * similarity, and how many the two lists share. Run it with {@code ./geometry example densest}.
 *
 * <p>Fixed here: a token with k or more exact duplicates has infinite density and is the densest
 * (the notebook gave it 0), and self is excluded by index in both lists, never by value.
 *
 * @since 0.1
 */
public final class DensestPointNeighbourhood {
  private DensestPointNeighbourhood() {}

  /**
   * What the notebook computes.
   *
   * @param point the densest token and both neighbour lists
   */
  public record Result(DensestPoint point) {
    /** The notebook's reading of the overlap. */
    public Verdicts.Overlap verdict() {
      return Verdicts.Overlap.of(point.overlapShare());
    }
  }

  /** The 1-based rank of {@code id} in a neighbour list, 0 when absent. */
  public static int rank(int[] ids, int id) {
    return IntStream.range(0, ids.length).filter(i -> ids[i] == id).findFirst().orElse(-1) + 1;
  }

  /** Runs the notebook on the default dataset, all-MiniLM-L6-v2 (all its 30,522 rows). */
  public static void main(String[] args) throws IOException {
    try (MiniLm.Dataset data = MiniLm.load()) {
      ComputeBackend backend = Backends.get();
      EmbeddingMatrix w = data.matrix();
      // The causal metric M = C^-1 of W (the notebook loaded a metric tensor file).
      CausalMetric m = CausalNorms.inverseCovariance(w, 0, backend, NONE);
      try (DistanceKernel causal = backend.distanceKernel(MetricSpace.causal(m));
          DistanceKernel cosine = backend.distanceKernel(MetricSpace.cosine())) {
        // Compute k-NN densities, then the densest point's neighbourhoods.
        DensityField field = KnnDensity.of(Defaults.K, causal).estimate(w, NONE);
        Result r = analyse(field, causal, cosine, Defaults.TOP, NONE);
        print(r, data.tokenizer()::decode, Defaults.TOP, System.out);
      }
    }
  }

  /** The densest row of {@code field} and its top {@code n} neighbours in both metrics. */
  public static Result analyse(
      DensityField field, DistanceKernel metric, DistanceKernel cosine, int n, ProgressListener p) {
    return new Result(DensestPoint.of(field.matrix(), field, metric, cosine, n, p));
  }

  /**
   * The notebook's tables: the densest token, its first {@code rows} neighbours in each metric, the
   * tokens both lists share and the interpretation. {@code text} decodes an id (null: unknown).
   */
  public static void print(Result r, IntFunction<String> text, int rows, PrintStream out) {
    DensestPoint p = r.point();
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
    out.printf(Locale.ROOT, "%s OVERLAP (%.1f%%)%n", r.verdict(), 100 * p.overlapShare());
    out.println("  " + r.verdict().text());
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
    return TokenText.display(text.apply(id)); // repr() of blank tokens, controls escaped
  }
}
