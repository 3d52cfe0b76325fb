package io.github.embeddinggeometry.blas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.embeddinggeometry.backend.Backends;
import io.github.embeddinggeometry.blas.internal.BlasTests;
import org.junit.jupiter.api.Test;

/** Runs in its own JVM with {@code -Dembgeo.backend=blas} (see the pom). */
class BlasPropertyTest {
  @Test
  void thePropertySelectsBlas() {
    // -Dtest=... runs it in the default execution too, without the property: skipped there
    assumeTrue("blas".equals(System.getProperty("embgeo.backend")), "needs -Dembgeo.backend=blas");
    BlasTests.requireNatives();
    assertThat(Backends.get().name()).isEqualTo("blas");
    assertThat(Backends.get().description()).contains("OpenBLAS sgemm");
  }
}
