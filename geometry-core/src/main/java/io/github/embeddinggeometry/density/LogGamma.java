package io.github.embeddinggeometry.density;

/**
 * {@code ln Gamma(x)} in double for {@code x > 0}; Java has none.
 *
 * <p>Small arguments are shifted up by the recurrence {@code Gamma(x+1) = x Gamma(x)} until {@code
 * x >= 10}, where the Stirling series with terms up to {@code x^-9} is accurate to about 1e-15
 * relative; this keeps one simple, well-conditioned formula for every x the volumetric density
 * needs (D/2 + 1 for D up to tens of thousands).
 */
final class LogGamma {
  private static final double HALF_LOG_TWO_PI = 0.5 * Math.log(2 * Math.PI);

  private LogGamma() {}

  static double lgamma(double x) {
    if (!(x > 0)) {
      throw new IllegalArgumentException("lgamma is defined here for x > 0; got " + x);
    }
    if (x == Double.POSITIVE_INFINITY) {
      return x;
    }
    // Shift: ln Gamma(x) = ln Gamma(x + m) - ln(x (x+1) ... (x+m-1)). The product is accumulated
    // directly: at most 10 factors below 10, so it cannot overflow.
    double shift = 0;
    if (x < 10) {
      double prod = 1;
      while (x < 10) {
        prod *= x;
        x += 1;
      }
      shift = Math.log(prod);
    }
    double inv = 1 / x;
    double inv2 = inv * inv;
    // Stirling series: B2/(1*2 x) + B4/(3*4 x^3) + ... with Bernoulli numbers B2..B10.
    double series =
        inv
            * (1.0 / 12
                + inv2
                    * (-1.0 / 360
                        + inv2 * (1.0 / 1260 + inv2 * (-1.0 / 1680 + inv2 * (1.0 / 1188)))));
    return (x - 0.5) * Math.log(x) - x + HALF_LOG_TWO_PI + series - shift;
  }
}
