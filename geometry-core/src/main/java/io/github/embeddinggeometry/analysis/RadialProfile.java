package io.github.embeddinggeometry.analysis;

import java.util.Objects;

/**
 * Density binned by a scalar such as the causal norm (see <a
 * href="{@docRoot}/io/github/embeddinggeometry/doc-files/definitions.html#radial-profile">radial
 * profile</a>, notebook "Local Density vs Causal Norm"): B equal-width bins with edges {@code min +
 * (max - min) * i / B}, bin i half-open {@code [e_i, e_{i+1})} and the last one closed, so the
 * maximum falls in it.
 *
 * <p>Per bin: the number of rows, how many of them have an infinite density, and the mean and
 * population standard deviation (1/n) of the finite densities. An empty bin (or one with no finite
 * density) has mean and std NaN. When all scalars are equal every row falls in the last bin.
 *
 * @param edges B + 1 bin edges, ascending
 * @param counts rows per bin
 * @param infiniteCounts rows per bin whose density is infinite (left out of mean and std)
 * @param means mean finite density per bin (NaN when none)
 * @param stds population standard deviation of the finite densities per bin (NaN when none)
 * @since 0.1
 */
public record RadialProfile(
    double[] edges, int[] counts, int[] infiniteCounts, double[] means, double[] stds) {

  /**
   * Bins {@code density} by {@code scalar}.
   *
   * @param scalar one finite value per row, e.g. the causal norm. Not modified.
   * @param density one value per row, possibly +infinity. Not modified.
   * @param bins B &gt;= 1 (the notebook uses 30)
   * @return the profile
   * @throws IllegalArgumentException on length mismatch, no rows, a non-finite scalar or a NaN
   *     density
   */
  public static RadialProfile of(double[] scalar, double[] density, int bins) {
    Objects.requireNonNull(scalar, "scalar");
    Objects.requireNonNull(density, "density");
    Checks.sameLength(scalar, density);
    if (bins < 1) {
      throw new IllegalArgumentException("radial profile needs at least 1 bin; got " + bins);
    }
    double min = Double.POSITIVE_INFINITY;
    double max = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < scalar.length; i++) {
      Checks.finiteScalar(scalar, i);
      Checks.notNaN(density, i);
      min = Math.min(min, scalar[i]);
      max = Math.max(max, scalar[i]);
    }
    double[] edges = new double[bins + 1];
    for (int i = 0; i <= bins; i++) {
      edges[i] = min + (max - min) * i / bins;
    }
    edges[bins] = max;
    int[] bin = new int[scalar.length];
    int[] counts = new int[bins];
    for (int i = 0; i < scalar.length; i++) {
      bin[i] = binOf(scalar[i], edges);
      counts[bin[i]]++;
    }
    int[] inf = new int[bins];
    double[] means = new double[bins];
    double[] stds = new double[bins];
    int[] finite = new int[bins];
    double[] sums = new double[bins];
    for (int i = 0; i < scalar.length; i++) {
      if (Double.isInfinite(density[i])) {
        inf[bin[i]]++;
      } else {
        finite[bin[i]]++;
        sums[bin[i]] += density[i];
      }
    }
    for (int b = 0; b < bins; b++) {
      means[b] = finite[b] == 0 ? Double.NaN : sums[b] / finite[b];
    }
    double[] sq = new double[bins];
    for (int i = 0; i < scalar.length; i++) {
      if (!Double.isInfinite(density[i])) {
        double t = density[i] - means[bin[i]];
        sq[bin[i]] += t * t;
      }
    }
    for (int b = 0; b < bins; b++) {
      stds[b] = finite[b] == 0 ? Double.NaN : Math.sqrt(sq[b] / finite[b]);
    }
    return new RadialProfile(edges, counts, inf, means, stds);
  }

  /** Bin index of v: the last i with {@code edges[i] <= v}, capped at B - 1. */
  static int binOf(double v, double[] edges) {
    int bins = edges.length - 1;
    double span = edges[bins] - edges[0];
    int b = span > 0 ? (int) ((v - edges[0]) / span * bins) : bins - 1;
    b = Math.max(0, Math.min(bins - 1, b));
    // The arithmetic guess can be off by one at an edge; the edges themselves decide.
    while (b > 0 && v < edges[b]) {
      b--;
    }
    while (b < bins - 1 && v >= edges[b + 1]) {
      b++;
    }
    return b;
  }

  /**
   * Number of bins.
   *
   * @return B
   */
  public int bins() {
    return counts.length;
  }

  /**
   * Centre of a bin, {@code (e_b + e_{b+1}) / 2}.
   *
   * @param b bin index, in [0, B)
   * @return the centre, in the scalar's units
   * @throws IndexOutOfBoundsException if {@code b} is out of range
   */
  public double center(int b) {
    return 0.5 * (edges[b] + edges[b + 1]);
  }
}
