package io.github.embeddinggeometry.blas;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.embeddinggeometry.backend.BackendProvider;
import io.github.embeddinggeometry.backend.Backends;
import io.github.embeddinggeometry.backend.ComputeBackend;
import io.github.embeddinggeometry.blas.internal.BlasTests;
import org.junit.jupiter.api.Test;

class BlasBackendProviderTest {
  @Test
  void foundByTheServiceLoaderAboveTheCpu() {
    BackendProvider blas =
        Backends.providers().stream()
            .filter(p -> p.name().equals("blas"))
            .findFirst()
            .orElseThrow();
    assertThat(blas.priority()).isGreaterThan(0);
  }

  @Test
  void createdByNameBehindTheChecks() {
    BlasTests.requireNatives();
    try (ComputeBackend b = Backends.create("blas")) {
      assertThat(b.name()).isEqualTo("blas");
      assertThat(b.description()).startsWith("blas (OpenBLAS sgemm, epilogues on ");
    }
  }

  @Test
  void bestChoosesBlasExactlyWhenItMeasuredFaster() {
    BlasTests.requireNatives();
    BlasBackendProvider p = new BlasBackendProvider();
    boolean faster = p.notBestReasons().isEmpty();
    try (ComputeBackend b = Backends.create("best")) {
      assertThat(b.name()).isEqualTo(faster ? "blas" : "cpu");
    }
  }
}
