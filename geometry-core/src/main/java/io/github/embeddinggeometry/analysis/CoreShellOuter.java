package io.github.embeddinggeometry.analysis;

import java.util.Arrays;
import java.util.Objects;

/**
 * Density in the core, shell and outer regions of a scalar such as the causal norm (see <a
 * href="{@docRoot}/io/github/embeddinggeometry/doc-files/definitions.html#core-shell-and-outer">core,
 * shell and outer</a>): core = scalar strictly below its 10th percentile, shell = strictly between
 * the 40th and 60th, outer = strictly above the 90th. Percentiles are numpy's default (linear
 * interpolation) over all rows; mean and std of the density are over the finite densities of each
 * region, the infinite ones counted beside them.
 *
 * @param p10 10th percentile of the scalar
 * @param p40 40th percentile
 * @param p60 60th percentile
 * @param p90 90th percentile
 * @param median 50th percentile
 * @param core rows with scalar &lt; p10
 * @param shell rows with p40 &lt; scalar &lt; p60
 * @param outer rows with scalar &gt; p90
 * @param coreShellRatio mean core density / mean shell density (NaN when either is undefined)
 * @since 0.1
 */
public record CoreShellOuter(
    double p10,
    double p40,
    double p60,
    double p90,
    double median,
    Region core,
    Region shell,
    Region outer,
    double coreShellRatio) {

  /**
   * Density statistics of one region.
   *
   * @param count rows in the region
   * @param infinite rows whose density is infinite, left out of mean and std
   * @param mean mean finite density (NaN when none)
   * @param std population standard deviation of the finite densities (NaN when none)
   * @since 0.1
   */
  public record Region(int count, int infinite, double mean, double std) {}

  /**
   * Compares the regions.
   *
   * @param scalar one finite value per row (e.g. causal norms). Not modified.
   * @param density one value per row, possibly +infinity. Not modified.
   * @return percentiles, regions and the core/shell ratio
   * @throws IllegalArgumentException if the lengths differ, there are no rows, a scalar is not
   *     finite or a density is NaN
   */
  public static CoreShellOuter of(double[] scalar, double[] density) {
    Objects.requireNonNull(scalar, "scalar");
    Objects.requireNonNull(density, "density");
    Checks.sameLength(scalar, density);
    for (int i = 0; i < scalar.length; i++) {
      Checks.finiteScalar(scalar, i);
      Checks.notNaN(density, i);
    }
    double[] sorted = scalar.clone();
    Arrays.sort(sorted);
    double p10 = percentileOfSorted(sorted, 10);
    double p40 = percentileOfSorted(sorted, 40);
    double p60 = percentileOfSorted(sorted, 60);
    double p90 = percentileOfSorted(sorted, 90);
    double median = percentileOfSorted(sorted, 50);
    Region core = region(scalar, density, Double.NEGATIVE_INFINITY, p10);
    Region shell = region(scalar, density, p40, p60);
    Region outer = region(scalar, density, p90, Double.POSITIVE_INFINITY);
    double ratio = core.mean() / shell.mean();
    return new CoreShellOuter(p10, p40, p60, p90, median, core, shell, outer, ratio);
  }

  /** Rows with {@code lo < scalar < hi} (strict both sides). */
  private static Region region(double[] scalar, double[] density, double lo, double hi) {
    int count = 0;
    int inf = 0;
    double sum = 0;
    for (int i = 0; i < scalar.length; i++) {
      if (scalar[i] > lo && scalar[i] < hi) {
        count++;
        if (Double.isInfinite(density[i])) {
          inf++;
        } else {
          sum += density[i];
        }
      }
    }
    int finite = count - inf;
    double mean = finite == 0 ? Double.NaN : sum / finite;
    double sq = 0;
    for (int i = 0; i < scalar.length; i++) {
      if (scalar[i] > lo && scalar[i] < hi && !Double.isInfinite(density[i])) {
        double t = density[i] - mean;
        sq += t * t;
      }
    }
    return new Region(count, inf, mean, finite == 0 ? Double.NaN : Math.sqrt(sq / finite));
  }

  /**
   * The q-th percentile by linear interpolation between closest ranks, numpy's default: position
   * {@code (n - 1) q / 100}.
   *
   * @param values at least one value. Not modified.
   * @param q the percentile, in [0, 100]
   * @return the interpolated value
   * @throws IllegalArgumentException if there are no values or q is outside [0, 100]
   */
  public static double percentile(double[] values, double q) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    return percentileOfSorted(sorted, q);
  }

  static double percentileOfSorted(double[] sorted, double q) {
    if (sorted.length == 0) {
      throw new IllegalArgumentException("percentile of no values");
    }
    if (!(q >= 0 && q <= 100)) {
      throw new IllegalArgumentException("percentile must be in [0, 100]; got " + q);
    }
    double pos = (sorted.length - 1) * q / 100;
    int lo = (int) Math.floor(pos);
    int hi = Math.min(lo + 1, sorted.length - 1);
    double frac = pos - lo;
    // numpy's _lerp form: exact at both ends.
    double a = sorted[lo];
    double b = sorted[hi];
    return frac >= 0.5 ? b - (b - a) * (1 - frac) : a + (b - a) * frac;
  }
}
