package io.github.embeddinggeometry.examples.notebooks;

import static io.github.embeddinggeometry.ProgressListener.NONE;

import io.github.embeddinggeometry.EmbeddingMatrix;
import io.github.embeddinggeometry.ProgressListener;
import io.github.embeddinggeometry.analysis.DensestPoint;
import io.github.embeddinggeometry.backend.Backends;
import io.github.embeddinggeometry.backend.ComputeBackend;
import io.github.embeddinggeometry.cli.NotebookTables;
import io.github.embeddinggeometry.density.DensityField;
import io.github.embeddinggeometry.density.KnnDensity;
import io.github.embeddinggeometry.io.MiniLm;
import io.github.embeddinggeometry.metric.CausalMetric;
import io.github.embeddinggeometry.metric.DistanceKernel;
import io.github.embeddinggeometry.metric.MetricSpace;
import java.io.IOException;

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
  // ---- The notebook's parameters ----

  /** k of the k-NN density (the notebook's K_NEIGHBORS). */
  static final int K = 20;

  /** Neighbours shown in each metric (TOP_N). */
  static final int TOP_N = 30;

  /** Ridge added to the covariance before inverting it into M = C^-1 (0: none). */
  static final double RIDGE = 0;

  private DensestPointNeighbourhood() {}

  /** Runs the notebook on the default dataset, all-MiniLM-L6-v2 (all its 30,522 rows). */
  public static void main(String[] args) throws IOException {
    try (MiniLm.Dataset data = MiniLm.load()) {
      ComputeBackend backend = Backends.get();
      EmbeddingMatrix w = data.matrix();
      // The causal metric M = C^-1 of W (the notebook loaded a metric tensor file).
      CausalMetric m =
          CausalMetric.inverseOf(
              backend.covariance(w, ProgressListener.NONE), RIDGE, ProgressListener.NONE);
      try (DistanceKernel causal = backend.distanceKernel(MetricSpace.causal(m));
          DistanceKernel cosine = backend.distanceKernel(MetricSpace.cosine())) {
        // Compute k-NN densities, then the densest point's neighbourhoods.
        DensityField field = KnnDensity.of(K, causal).estimate(w, NONE);
        DensestPoint p = DensestPoint.of(w, field, causal, cosine, TOP_N, NONE);
        // The notebook's tables: both neighbour lists, their overlap and its reading.
        NotebookTables.printDensest(p, data.tokenizer()::decode, TOP_N, System.out);
      }
    }
  }
}
