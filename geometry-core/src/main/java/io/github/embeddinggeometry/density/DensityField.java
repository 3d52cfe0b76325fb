package io.github.embeddinggeometry.density;

import io.github.embeddinggeometry.EmbeddingMatrix;
import io.github.embeddinggeometry.metric.MetricSpace;
import io.github.embeddinggeometry.metric.Neighbours;
import java.util.Objects;

/**
 * A k-NN density value for every row (spec section 5), with the neighbours it came from.
 *
 * <p>Per row i: {@code r_i} = mean distance to its k nearest neighbours (accumulated in double),
 * {@code rho_k(i) = 1 / r_i} ({@code +infinity} when {@code r_i = 0}, flagged as a duplicate), the
 * nearest-neighbour distance (1st neighbour) and, on request, the log volumetric density. Rows are
 * in the order of the input matrix; {@link #id} gives vocabulary ids.
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

  /** The field of the given k-NN lists (each row's neighbours among the rows themselves). */
  public static DensityField of(Neighbours neighbours) {
    Objects.requireNonNull(neighbours, "neighbours");
    int n = neighbours.rows();
    double[] r = new double[n];
    for (int i = 0; i < n; i++) {
      r[i] = neighbours.meanDistance(i);
    }
    return new DensityField(neighbours, r);
  }

  /** Number of rows N. */
  public int rows() {
    return meanDistance.length;
  }

  /** Neighbours per row. */
  public int k() {
    return neighbours.k();
  }

  /** The metric the distances are in. */
  public MetricSpace metric() {
    return neighbours.metric();
  }

  /** The rows the field was estimated on. */
  public EmbeddingMatrix matrix() {
    return neighbours.queries();
  }

  /** The k-NN lists behind the field. */
  public Neighbours neighbours() {
    return neighbours;
  }

  /** Vocabulary id of row {@code row}. */
  public int id(int row) {
    return neighbours.queries().id(row);
  }

  /** Mean distance r to the k nearest neighbours of {@code row}. */
  public double meanDistance(int row) {
    return meanDistance[row];
  }

  /** All mean distances, a copy. */
  public double[] meanDistances() {
    return meanDistance.clone();
  }

  /** {@code rho_k = 1 / r}, {@code +infinity} when r = 0. */
  public double density(int row) {
    double r = meanDistance[row];
    return r == 0 ? Double.POSITIVE_INFINITY : 1 / r;
  }

  /** All densities, a fresh array. */
  public double[] densities() {
    double[] out = new double[rows()];
    for (int i = 0; i < out.length; i++) {
      out[i] = density(i);
    }
    return out;
  }

  /** True when r = 0: row {@code row} has at least k exact duplicates, rho is infinite. */
  public boolean isDuplicate(int row) {
    return meanDistance[row] == 0;
  }

  /** Number of rows with r = 0 (infinite density). */
  public int duplicateCount() {
    int c = 0;
    for (double r : meanDistance) {
      if (r == 0) {
        c++;
      }
    }
    return c;
  }

  /** Distance from {@code row} to its nearest neighbour (the 1st of the k). */
  public double nearestDistance(int row) {
    return neighbours.distance(row, 0);
  }

  /** All nearest-neighbour distances, a fresh array. */
  public double[] nearestDistances() {
    double[] out = new double[rows()];
    for (int i = 0; i < out.length; i++) {
      out[i] = nearestDistance(i);
    }
    return out;
  }

  /**
   * The densest row: largest rho (an infinite one first), ties broken by the lowest row index.
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

  /** Row positions ordered densest first (ties: lower row first); at most {@code n} of them. */
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
   * Log volumetric density with effective dimension D (spec section 5): {@code log rho_vol = log k
   * - [ (D/2) log pi - lgamma(D/2 + 1) + D log r ]}, natural logarithms, computed in log space so
   * it never overflows; {@code +infinity} where r = 0.
   *
   * @param effectiveDimension D &gt;= 1, e.g. {@link #effectiveDimension(double)} of the
   *     participation ratio
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

  /** Summary of the densities over finite values, with the count of infinite ones. */
  public FiniteSummary densitySummary() {
    return FiniteSummary.of(densities());
  }

  /** Summary of the nearest-neighbour distances. */
  public FiniteSummary nearestDistanceSummary() {
    return FiniteSummary.of(nearestDistances());
  }
}
