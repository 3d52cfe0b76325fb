package io.github.embeddinggeometry.examples.notebooks;

import static io.github.embeddinggeometry.ProgressListener.NONE;

import io.github.embeddinggeometry.EmbeddingMatrix;
import io.github.embeddinggeometry.ProgressListener;
import io.github.embeddinggeometry.analysis.DistanceStatistics;
import io.github.embeddinggeometry.backend.Backends;
import io.github.embeddinggeometry.backend.ComputeBackend;
import io.github.embeddinggeometry.frame.BoundingBox;
import io.github.embeddinggeometry.frame.BoxSelection;
import io.github.embeddinggeometry.frame.Pca;
import io.github.embeddinggeometry.frame.PcaResult;
import io.github.embeddinggeometry.io.MiniLm;
import io.github.embeddinggeometry.metric.DistanceKernel;
import io.github.embeddinggeometry.metric.MetricSpace;
import java.io.IOException;
import java.io.PrintStream;
import java.util.Locale;

/**
 * Notebook 1.4b, "Pairwise Distances": are the tokens in the overdensity's box a tight cluster
 * (tiny or zero distances) or ordinary tokens passing through the region? Exact Euclidean distances
 * between every pair of them answer it. Run it with {@code ./geometry example pairwise}.
 *
 * <p>Unlike the notebook, the n x n matrix is streamed, never held (the notebook needed 1.6 GB),
 * and bitwise-equal rows are exactly 0 apart. {@code ./geometry pairwise} runs the same code and
 * adds the histogram and the matrix file.
 *
 * @since 0.1
 */
public final class PairwiseDistances {
  // ---- The notebook's parameters (MiniLM's box around its never-trained [unused] tokens) ----

  /** Signed 1-based PC index of the NORTH axis; MERIDIAN and EQUINOX likewise. */
  static final int NORTH = 2;

  static final int MERIDIAN = 1;
  static final int EQUINOX = 3;

  /** The bounding box: lat [40, 70] deg, lon [0, 40] deg, r [0.25, 0.45] PC units. */
  static final BoundingBox BOX = new BoundingBox(40, 70, 0, 40, 0.25, 0.45);

  private PairwiseDistances() {}

  /**
   * What the notebook computes.
   *
   * @param spike the tokens inside the box
   * @param statistics their pairwise distance statistics
   */
  public record Result(BoxSelection spike, DistanceStatistics statistics) {}

  /** Runs the notebook on the default dataset, all-MiniLM-L6-v2, and prints its tables. */
  public static void main(String[] args) throws IOException {
    PrintStream out = System.out;
    try (MiniLm.Dataset data = MiniLm.load()) {
      // Detect device: a GPU when geometry-cuda finds one, else the CPU (see GpuBackend).
      ComputeBackend backend = Backends.get();
      out.println("Using backend: " + backend.description());

      // Load W, compute the PCA and the spherical coordinates (same as 1.4a).
      EmbeddingMatrix w = data.matrix();
      out.printf(Locale.ROOT, "Loaded W: %,d x %,d%n", w.rows(), w.dim());
      PcaResult pca = Pca.fit(w, backend, NONE);

      // Filter by the bounding box: MiniLM's box holds its never-trained [unused] tokens.
      BoxSelection spike = BoxSelection.of(w, pca.frame(), NORTH, MERIDIAN, EQUINOX, BOX);
      out.printf(Locale.ROOT, "Found %,d tokens in bounding box%n%n", spike.rows().rows());

      // Compute pairwise distances, chunk by chunk, and their statistics.
      try (DistanceKernel euclid = backend.distanceKernel(MetricSpace.euclidean())) {
        print(analyse(spike, euclid, NONE), out);
      }
      out.println("Histogram and matrix file: ./geometry pairwise (out/pairwise/)");
    }
  }

  /** The statistics of the n (n - 1) / 2 distances between the selected tokens. */
  public static Result analyse(
      BoxSelection spike, DistanceKernel euclid, ProgressListener progress) {
    return new Result(spike, DistanceStatistics.of(spike.rows(), euclid, progress));
  }

  /** The notebook's "Distance statistics" cell. */
  public static void print(Result r, PrintStream out) {
    DistanceStatistics s = r.statistics();
    out.println("Distance statistics (excluding diagonal):");
    out.printf(Locale.ROOT, "  Number of pairs: %,d%n", s.count());
    out.printf(Locale.ROOT, "  Min: %.10f%n  Median: %.10f%n", s.min(), s.median());
    out.printf(Locale.ROOT, "  Mean: %.10f%n  Max: %.10f%n%n", s.mean(), s.max());
    out.printf(Locale.ROOT, "Exact zeros (off-diagonal): %,d%n", s.exactZeroPairs());
    out.println(
        s.exactZeroPairs() > 0
            ? "  Multiple tokens occupy the same point in space!"
            : "  No exact duplicates found");
  }
}
