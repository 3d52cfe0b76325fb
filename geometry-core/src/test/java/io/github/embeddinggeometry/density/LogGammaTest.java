package io.github.embeddinggeometry.density;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class LogGammaTest {
  @Test
  void integersAreLogFactorials() {
    double logFactorial = 0; // ln((n-1)!)
    for (int n = 1; n <= 3000; n++) {
      if (n > 1) {
        logFactorial += Math.log(n - 1);
      }
      assertThat(LogGamma.lgamma(n))
          .as("lgamma(%d)", n)
          .isCloseTo(logFactorial, within(1e-13 * Math.max(1, logFactorial)));
    }
  }

  @Test
  void halfIntegersFromGammaOfOneHalf() {
    // Gamma(n + 1/2) = sqrt(pi) * prod_{k=0}^{n-1} (k + 1/2)
    double log = 0.5 * Math.log(Math.PI);
    for (int n = 0; n <= 2000; n++) {
      if (n > 0) {
        log += Math.log(n - 0.5);
      }
      assertThat(LogGamma.lgamma(n + 0.5))
          .as("lgamma(%d.5)", n)
          .isCloseTo(log, within(1e-13 * Math.max(1, Math.abs(log))));
    }
  }

  @Test
  void knownValues() {
    // Published values (Abramowitz & Stegun / DLMF).
    assertThat(LogGamma.lgamma(0.1)).isCloseTo(2.252712651734206, within(1e-13));
    assertThat(LogGamma.lgamma(1.5)).isCloseTo(-0.1207822376352452, within(1e-13));
    assertThat(LogGamma.lgamma(1e-8)).isCloseTo(18.420680738180209, within(1e-12));
    // Notebook's dimension: D = 1333, x = D/2 + 1 = 667.5.
    double expected = 0.5 * Math.log(Math.PI);
    for (int k = 0; k < 667; k++) {
      expected += Math.log(k + 0.5);
    }
    assertThat(LogGamma.lgamma(667.5)).isCloseTo(expected, within(1e-12 * expected));
    assertThat(LogGamma.lgamma(1e10))
        .isCloseTo(
            1e10 * Math.log(1e10) - 1e10 - 0.5 * Math.log(1e10) + 0.5 * Math.log(2 * Math.PI),
            within(1e-3));
  }

  @Test
  void rejectsNonPositive() {
    assertThatThrownBy(() -> LogGamma.lgamma(0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> LogGamma.lgamma(Double.NaN))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
