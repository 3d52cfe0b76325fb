package io.github.embeddinggeometry.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class RadialProfileAndCoreShellTest {
  static final double INF = Double.POSITIVE_INFINITY;

  @Test
  void binsAreHalfOpenAndTheLastIsClosed() {
    double[] s = {0, 0.5, 1, 0.25, 0.75, 0.999};
    double[] rho = {1, 2, 3, 5, 7, INF};
    RadialProfile p = RadialProfile.of(s, rho, 2);
    assertThat(p.edges()).containsExactly(0, 0.5, 1);
    assertThat(p.counts()).containsExactly(2, 4);
    assertThat(p.infiniteCounts()).containsExactly(0, 1);
    assertThat(p.means()[0]).isEqualTo(3);
    assertThat(p.stds()[0]).isEqualTo(2); // population std of {1, 5}
    assertThat(p.means()[1]).isEqualTo(4); // {2, 3, 7}
    assertThat(p.stds()[1]).isCloseTo(Math.sqrt((4 + 1 + 9) / 3.0), within(1e-15));
    assertThat(p.center(1)).isEqualTo(0.75);

    RadialProfile four = RadialProfile.of(s, rho, 4);
    assertThat(four.counts()).containsExactly(1, 1, 1, 3);
    RadialProfile ten = RadialProfile.of(s, rho, 10);
    assertThat(ten.counts()).containsExactly(1, 0, 1, 0, 0, 1, 0, 1, 0, 2);
    assertThat(ten.means()[1]).isNaN();
    assertThat(ten.stds()[1]).isNaN();
  }

  @Test
  void equalScalarsAllFallInTheLastBin() {
    RadialProfile p = RadialProfile.of(new double[] {2, 2, 2}, new double[] {1, 2, 3}, 3);
    assertThat(p.counts()).containsExactly(0, 0, 3);
  }

  @Test
  void edgesDecideBinsEvenWhenArithmeticRoundsTheOtherWay() {
    // 0.3 / 0.1 * 1 rounds to 2.9999999999999996 in double; the edge 0.1 * 3 / 10 ... decides.
    double[] s = new double[11];
    double[] rho = new double[11];
    for (int i = 0; i <= 10; i++) {
      s[i] = i * 0.1;
      rho[i] = 1;
    }
    RadialProfile p = RadialProfile.of(s, rho, 10);
    int total = 0;
    for (int b = 0; b < 10; b++) {
      total += p.counts()[b];
      assertThat(p.counts()[b]).isBetween(0, 2);
    }
    assertThat(total).isEqualTo(11);
    for (int i = 0; i <= 10; i++) {
      int b = RadialProfile.binOf(s[i], p.edges());
      assertThat(s[i]).isGreaterThanOrEqualTo(p.edges()[b]);
      if (b < 9) {
        assertThat(s[i]).isLessThan(p.edges()[b + 1]);
      }
    }
  }

  @Test
  void percentilesMatchNumpyLinear() {
    double[] v = {10, 9, 8, 7, 6, 5, 4, 3, 2, 1};
    // numpy.percentile(np.arange(1, 11), [10, 40, 60, 90, 50, 0, 100])
    assertThat(CoreShellOuter.percentile(v, 10)).isCloseTo(1.9, within(1e-14));
    assertThat(CoreShellOuter.percentile(v, 40)).isCloseTo(4.6, within(1e-14));
    assertThat(CoreShellOuter.percentile(v, 60)).isCloseTo(6.4, within(1e-14));
    assertThat(CoreShellOuter.percentile(v, 90)).isCloseTo(9.1, within(1e-14));
    assertThat(CoreShellOuter.percentile(v, 50)).isEqualTo(5.5);
    assertThat(CoreShellOuter.percentile(v, 0)).isEqualTo(1);
    assertThat(CoreShellOuter.percentile(v, 100)).isEqualTo(10);
    assertThat(CoreShellOuter.percentile(new double[] {3}, 37)).isEqualTo(3);
  }

  @Test
  void regionsAndInfiniteDensities() {
    double[] s = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
    double[] rho = {10, 1, 1, 1, 4, 6, 1, 1, 1, 2};
    CoreShellOuter c = CoreShellOuter.of(s, rho);
    assertThat(c.core().count()).isEqualTo(1);
    assertThat(c.core().mean()).isEqualTo(10);
    assertThat(c.core().std()).isEqualTo(0);
    assertThat(c.shell().count()).isEqualTo(2);
    assertThat(c.shell().mean()).isEqualTo(5);
    assertThat(c.shell().std()).isEqualTo(1);
    assertThat(c.outer().count()).isEqualTo(1);
    assertThat(c.outer().mean()).isEqualTo(2);
    assertThat(c.coreShellRatio()).isEqualTo(2);
    assertThat(c.median()).isEqualTo(5.5);

    rho[5] = INF;
    CoreShellOuter withInf = CoreShellOuter.of(s, rho);
    assertThat(withInf.shell().count()).isEqualTo(2);
    assertThat(withInf.shell().infinite()).isEqualTo(1);
    assertThat(withInf.shell().mean()).isEqualTo(4);
    assertThat(withInf.coreShellRatio()).isEqualTo(2.5);
  }

  @Test
  void rejectsMismatchedOrNonFiniteInput() {
    assertThatThrownBy(() -> RadialProfile.of(new double[] {1, 2}, new double[] {1}, 3))
        .hasMessageContaining("2 scalars, 1 densities");
    assertThatThrownBy(() -> CoreShellOuter.of(new double[] {1, Double.NaN}, new double[] {1, 1}))
        .hasMessageContaining("scalar value 1");
  }
}
