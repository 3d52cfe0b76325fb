package io.github.embeddinggeometry.blas.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.embeddinggeometry.backend.spi.cpu.CpuEngine;
import org.junit.jupiter.api.Test;

class CalibrationTest {
  @Test
  void blasIsBestOnlyWhereStrictlyFaster() {
    assertThat(new Calibration.Rates(120, 100).notBestReasons()).isEmpty();
    assertThat(new Calibration.Rates(100, 100).notBestReasons()).hasSize(1);
    assertThat(new Calibration.Rates(80, 100).notBestReasons())
        .singleElement()
        .asString()
        .contains("80.0 GFLOP/s")
        .contains("100.0")
        .contains("-Dembgeo.backend=blas");
  }

  @Test
  void bothKernelsGiveAFinitePositiveRate() {
    Calibration.Rates r = Calibration.measure(BlasTests.kernel(), CpuEngine.kernel());
    assertThat(r.blas()).isPositive().isFinite();
    assertThat(r.java()).isPositive().isFinite();
  }

  @Test
  void aShortBudgetStillTimesAtLeastOneCall() {
    assertThat(Calibration.gflops(CpuEngine.scalarKernel(), 0)).isPositive().isFinite();
  }
}
