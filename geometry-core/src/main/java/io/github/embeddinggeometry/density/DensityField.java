package io.github.embeddinggeometry.density;

import io.github.embeddinggeometry.EmbeddingMatrix;
import io.github.embeddinggeometry.metric.MetricSpace;
import io.github.embeddinggeometry.metric.Neighbours;
import java.util.Objects;

/**
 * A k-NN density value for every row, with the neighbours it came from (see <a
 * href="{@docRoot}/io/github/embeddinggeometry/doc-files/definitions.html#k-nearest-neighbours-and-density">k
 * nearest neighbours and density</a>).
 *
 * <p>Per row i: {@code r_i} = mean distance to its k nearest neighbours (accumulated in double),
 * {@code rho_k(i) = 1 / r_i} ({@code +infinity} when {@code r_i = 0}, flagged as a duplicate), the
 * nearest-neighbour distance (1st neighbour) and, on request, the log volumetric density. Rows are
 * in the order of the input matrix; {@link #id} gives vocabulary ids.
 *
 * <p>Immutable and safe to share between threads.
 *
 * @since 0.1
 */
public final class DensityField {
  private final Neighbours neighbours;
  private final double[] meanDistance;

  private DensityField(Neighbours neighbours, double[] meanDistance) {
    this.neighbours = neighbours;
    this.meanDistance = meanDistance;
  }

  /**
   * The field of given k-NN lists (each row's neighbours among the rows themselves).
   *
   * @param neighbours the lists, from {@link
   *     io.github.embeddinggeometry.metric.DistanceKernel#nearest}; kept by the field
   * @return one density per query row
   */
  public static DensityField of(Neighbours neighbours) {
    Objects.requireNonNull(neighbours, "neighbours");
    int n = neighbours.rows();
    double[] r = new double[n];
    for (int i = 0; i < n; i++) {
      r[i] = neighbours.meanDistance(i);
    }
    return new DensityField(neighbours, r);
  }

  /**
   * Number of rows.
   *
   * @return N
   */
  public int rows() {
    return meanDistance.length;
  }

  /**
   * Neighbours per row.
   *
   * @return k
   */
  public int k() {
    return neighbours.k();
  }

  /**
   * The metric the distances are in; densities are in its reciprocal units.
   *
   * @return the kernel's metric
   */
  public MetricSpace metric() {
    return neighbours.metric();
  }

  /**
   * The rows the field was estimated on.
   *
   * @return the matrix, shared
   */
  public EmbeddingMatrix matrix() {
    return neighbours.queries();
  }

  /**
   * The k-NN lists behind the field.
   *
   * @return the lists, shared
   */
  public Neighbours neighbours() {
    return neighbours;
  }

  /**
   * Vocabulary id of a row.
   *
   * @param row row position
   * @return its vocabulary id
   * @throws IndexOutOfBoundsException if {@code row} is out of range
   */
  public int id(int row) {
    return neighbours.queries().id(row);
  }

  /**
   * Mean distance r to the k nearest neighbours of a row.
   *
   * @param row row position
   * @return r, in the metric's units; 0 for a row with k or more exact duplicates
   * @throws IndexOutOfBoundsException if {@code row} is out of range
   */
  public double meanDistance(int row) {
    return meanDistance[row];
  }

  /**
   * All mean distances.
   *
   * @return a copy, one per row
   */
  public double[] meanDistances() {
    return meanDistance.clone();
  }

  /**
   * The k-NN density of a row.
   *
   * @param row row position
   * @return {@code rho_k = 1 / r}, in the metric's reciprocal units; {@code +infinity} when r = 0
   * @throws IndexOutOfBoundsException if {@code row} is out of range
   */
  public double density(int row) {
    double r = meanDistance[row];
    return r == 0 ? Double.POSITIVE_INFINITY : 1 / r;
  }

  /**
   * All densities.
   *
   * @return a new array, one per row, {@code +infinity} for rows with r = 0
   */
  public double[] densities() {
    double[] out = new double[rows()];
    for (int i = 0; i < out.length; i++) {
      out[i] = density(i);
    }
    return out;
  }

  /**
   * Whether a row has at least k exact duplicates, so that r = 0 and its density is infinite.
   *
   * @param row row position
   * @return true when r = 0
   * @throws IndexOutOfBoundsException if {@code row} is out of range
   */
  public boolean isDuplicate(int row) {
    return meanDistance[row] == 0;
  }

  /**
   * Number of rows with r = 0 (infinite density).
   *
   * @return the count
   */
  public int duplicateCount() {
    int c = 0;
    for (double r : meanDistance) {
      if (r == 0) {
        c++;
      }
    }
    return c;
  }

  /**
   * Distance from a row to its nearest neighbour (the first of the k).
   *
   * @param row row position
   * @return the distance, 0 for an exact duplicate
   * @throws IndexOutOfBoundsException if {@code row} is out of range
   */
  public double nearestDistance(int row) {
    return neighbours.distance(row, 0);
  }

  /**
   * All nearest-neighbour distances.
   *
   * @return a new array, one per row
   */
  public double[] nearestDistances() {
    double[] out = new double[rows()];
    for (int i = 0; i < out.length; i++) {
      out[i] = nearestDistance(i);
    }
    return out;
  }

  /**
   * The densest row: largest density (an infinite one first), ties broken by the lowest row index.
   *
   * @return a row position; {@link #id} gives its vocabulary id
   */
  public int densestRow() {
    int best = 0;
    for (int i = 1; i < meanDistance.length; i++) {
      if (meanDistance[i] < meanDistance[best]) {
        best = i;
      }
    }
    return best;
  }

  /**
   * Rows ordered densest first (ties: lower row first).
   *
   * @param n how many; fewer are returned when the field has fewer rows, none when n &lt;= 0
   * @return row positions
   */
  public int[] densestRows(int n) {
    Integer[] order = new Integer[rows()];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    // Smaller mean distance = denser; the sort is stable, so ties stay in row order.
    java.util.Arrays.sort(order, (a, b) -> Double.compare(meanDistance[a], meanDistance[b]));
    int m = Math.min(Math.max(n, 0), order.length);
    int[] out = new int[m];
    for (int i = 0; i < m; i++) {
      out[i] = order[i];
    }
    return out;
  }

  /**
   * Log volumetric density with effective dimension D (see <a
   * href="{@docRoot}/io/github/embeddinggeometry/doc-files/definitions.html#log-volumetric-density">log
   * volumetric density</a>): {@code log rho_vol = log k - [ (D/2) log pi - lgamma(D/2 + 1) + D log
   * r ]}, natural logarithms, computed in log space so it never overflows; {@code +infinity} where
   * r = 0.
   *
   * @param effectiveDimension D &gt;= 1, e.g. {@link #effectiveDimension(double)} of the
   *     participation ratio
   * @return a new array, one value per row
   * @throws IllegalArgumentException if D &lt; 1
   */
  public double[] logVolumetric(int effectiveDimension) {
    if (effectiveDimension < 1) {
      throw new IllegalArgumentException(
          "effective dimension D must be >= 1; got " + effectiveDimension);
    }
    double dd = effectiveDimension;
    double constant = Math.log(k()) - (dd / 2 * Math.log(Math.PI) - LogGamma.lgamma(dd / 2 + 1));
    double[] out = new double[rows()];
    for (int i = 0; i < out.length; i++) {
      double r = meanDistance[i];
      out[i] = r == 0 ? Double.POSITIVE_INFINITY : constant - dd * Math.log(r);
    }
    return out;
  }

  /**
   * The default effective dimension: the participation ratio rounded half-up (the notebook used
   * 1333).
   *
   * @param participationRatio e.g. {@link
   *     io.github.embeddinggeometry.frame.PcaResult#participationRatio()}
   * @return the ratio rounded half-up, at least 1
   * @throws IllegalArgumentException if the ratio is not finite or rounds below 1
   */
  public static int effectiveDimension(double participationRatio) {
    if (!Double.isFinite(participationRatio) || participationRatio < 0.5) {
      throw new IllegalArgumentException(
          "participation ratio must be finite and >= 0.5 to give a dimension; got "
              + participationRatio);
    }
    return (int) Math.floor(participationRatio + 0.5);
  }

  /**
   * Summary of the densities over the finite values, with the count of infinite ones.
   *
   * @return the summary
   */
  public FiniteSummary densitySummary() {
    return FiniteSummary.of(densities());
  }

  /**
   * Summary of the nearest-neighbour distances.
   *
   * @return the summary
   */
  public FiniteSummary nearestDistanceSummary() {
    return FiniteSummary.of(nearestDistances());
  }
}
