package io.github.embeddinggeometry.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The notebooks' thresholds are strict inequalities; an undefined ratio has no gradient. */
class VerdictsTest {
  @Test
  void coreShellThresholds() {
    assertThat(Verdicts.CoreShell.of(1.5001)).isEqualTo(Verdicts.CoreShell.DENSER_CORE);
    assertThat(Verdicts.CoreShell.of(1.5)).isEqualTo(Verdicts.CoreShell.NO_STRONG_GRADIENT);
    assertThat(Verdicts.CoreShell.of(0.67)).isEqualTo(Verdicts.CoreShell.NO_STRONG_GRADIENT);
    assertThat(Verdicts.CoreShell.of(0.66)).isEqualTo(Verdicts.CoreShell.SPARSER_CORE);
    assertThat(Verdicts.CoreShell.of(Double.NaN)).isEqualTo(Verdicts.CoreShell.NO_STRONG_GRADIENT);
  }

  @Test
  void overlapThresholds() {
    assertThat(Verdicts.Overlap.of(0.7)).isEqualTo(Verdicts.Overlap.MODERATE);
    assertThat(Verdicts.Overlap.of(0.7001)).isEqualTo(Verdicts.Overlap.HIGH);
    assertThat(Verdicts.Overlap.of(0.3)).isEqualTo(Verdicts.Overlap.LOW);
    assertThat(Verdicts.Overlap.of(4 / 30.0)).isEqualTo(Verdicts.Overlap.LOW);
  }
}
