package io.github.embeddinggeometry.density;

import java.util.Arrays;

/**
 * Summary statistics over the finite values of an array, with the number of non-finite ones beside
 * them (see <a
 * href="{@docRoot}/io/github/embeddinggeometry/doc-files/definitions.html#infinite-values">infinite
 * values</a>).
 *
 * @param finite number of finite values the statistics are over
 * @param infinite number of values left out: +-infinity (and NaN, which no analysis produces)
 * @param min smallest finite value (NaN when {@code finite == 0})
 * @param max largest finite value (NaN when {@code finite == 0})
 * @param mean mean of the finite values, accumulated in double (NaN when none)
 * @param median median, the average of the two middle values for an even count (NaN when none)
 * @param std population standard deviation (1/n) (NaN when none)
 * @since 0.1
 */
public record FiniteSummary(
    int finite, int infinite, double min, double max, double mean, double median, double std) {

  /**
   * Summarises an array.
   *
   * @param values any values. Not modified.
   * @return the summary of the finite ones
   */
  public static FiniteSummary of(double[] values) {
    double[] f = Arrays.stream(values).filter(Double::isFinite).toArray();
    int n = f.length;
    int inf = values.length - n;
    if (n == 0) {
      return new FiniteSummary(0, inf, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
    }
    Arrays.sort(f);
    double mean = meanOf(f);
    double median = n % 2 == 1 ? f[n / 2] : 0.5 * (f[n / 2 - 1] + f[n / 2]);
    return new FiniteSummary(n, inf, f[0], f[n - 1], mean, median, stdOf(f, mean));
  }

  /** Mean of all values of {@code a}, in double; NaN for an empty array. */
  static double meanOf(double[] a) {
    if (a.length == 0) {
      return Double.NaN;
    }
    double s = 0;
    for (double v : a) {
      s += v;
    }
    return s / a.length;
  }

  /** Population standard deviation about {@code mean} (two-pass, so no cancellation). */
  static double stdOf(double[] a, double mean) {
    if (a.length == 0) {
      return Double.NaN;
    }
    double s = 0;
    for (double v : a) {
      double t = v - mean;
      s += t * t;
    }
    return Math.sqrt(s / a.length);
  }
}
