package io.github.embeddinggeometry.examples.notebooks;

import static io.github.embeddinggeometry.ProgressListener.NONE;

import io.github.embeddinggeometry.EmbeddingMatrix;
import io.github.embeddinggeometry.ProgressListener;
import io.github.embeddinggeometry.backend.Backends;
import io.github.embeddinggeometry.backend.ComputeBackend;
import io.github.embeddinggeometry.density.DensityField;
import io.github.embeddinggeometry.density.FiniteSummary;
import io.github.embeddinggeometry.density.KnnDensity;
import io.github.embeddinggeometry.frame.BoundingBox;
import io.github.embeddinggeometry.frame.BoxSelection;
import io.github.embeddinggeometry.frame.Pca;
import io.github.embeddinggeometry.frame.PcaResult;
import io.github.embeddinggeometry.io.MiniLm;
import io.github.embeddinggeometry.metric.DistanceKernel;
import io.github.embeddinggeometry.metric.MetricSpace;
import java.io.IOException;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.Locale;

/**
 * Notebook 1.5b, "Density Field Visualization": each token of the box coloured by the distance to
 * its nearest neighbour (small = dense). Is the cluster a discrete dense core, with uniformly
 * sparse tokens around it, or is there a gradient? Run it with {@code ./geometry example
 * density-field}; {@code ./geometry density-field} draws the Mollweide and polar maps.
 *
 * <p>Unlike the notebook, which read 1.4b's n x n matrix, the nearest neighbours are found by a
 * streaming 1-NN search; self is excluded by index, so exact duplicates keep distance 0.
 *
 * @since 0.1
 */
public final class DensityFieldVisualization {
  // ---- The notebook's parameters (MiniLM's box around its never-trained [unused] tokens) ----

  /** Signed 1-based PC index of the NORTH axis; MERIDIAN and EQUINOX likewise. */
  static final int NORTH = 2;

  static final int MERIDIAN = 1;
  static final int EQUINOX = 3;

  /** The bounding box: lat [40, 70] deg, lon [0, 40] deg, r [0.25, 0.45] PC units. */
  static final BoundingBox BOX = new BoundingBox(40, 70, 0, 40, 0.25, 0.45);

  private DensityFieldVisualization() {}

  /**
   * What the notebook computes.
   *
   * @param tokens the tokens inside the box, with their spherical coordinates
   * @param field their 1-NN field: {@link DensityField#nearestDistances()} colours the maps
   * @param zeroDistances tokens whose nearest neighbour is an exact duplicate
   */
  public record Result(BoxSelection tokens, DensityField field, long zeroDistances) {
    /** Min, max, mean, median of the nearest-neighbour distances. */
    public FiniteSummary summary() {
      return field.nearestDistanceSummary();
    }
  }

  /** Runs the notebook on the default dataset, all-MiniLM-L6-v2, and prints its numbers. */
  public static void main(String[] args) throws IOException {
    PrintStream out = System.out;
    try (MiniLm.Dataset data = MiniLm.load()) {
      ComputeBackend backend = Backends.get();

      // Load W and compute the spherical coordinates of the overdensity tokens (as 1.4b).
      EmbeddingMatrix w = data.matrix();
      PcaResult pca = Pca.fit(w, backend, NONE);
      BoxSelection tokens = BoxSelection.of(w, pca.frame(), NORTH, MERIDIAN, EQUINOX, BOX);
      out.printf(Locale.ROOT, "Loaded %,d overdensity tokens%n%n", tokens.rows().rows());

      // Compute nearest neighbour distances (the colours of both maps).
      try (DistanceKernel euclid = backend.distanceKernel(MetricSpace.euclidean())) {
        print(analyse(tokens, euclid, NONE), out);
      }
      out.println("Mollweide and polar maps: ./geometry density-field (out/density-field/)");
    }
  }

  /** Each token's distance to its nearest neighbour among the selected tokens. */
  public static Result analyse(
      BoxSelection tokens, DistanceKernel euclid, ProgressListener progress) {
    DensityField field = KnnDensity.of(1, euclid).estimate(tokens.rows(), progress);
    long zeros = Arrays.stream(field.nearestDistances()).filter(d -> d == 0).count();
    return new Result(tokens, field, zeros);
  }

  /** The notebook's "Distance statistics" of the nearest-neighbour distances. */
  public static void print(Result r, PrintStream out) {
    FiniteSummary s = r.summary();
    out.println("Nearest neighbor distance statistics:");
    out.printf(Locale.ROOT, "  Min: %.6f%n  Max: %.6f%n", s.min(), s.max());
    out.printf(Locale.ROOT, "  Mean: %.6f%n  Median: %.6f%n%n", s.mean(), s.median());
    out.printf(
        Locale.ROOT, "Tokens with nearest neighbor at distance = 0: %,d%n", r.zeroDistances());
  }
}
