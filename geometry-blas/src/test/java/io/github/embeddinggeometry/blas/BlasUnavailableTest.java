package io.github.embeddinggeometry.blas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.embeddinggeometry.backend.BackendProvider;
import io.github.embeddinggeometry.backend.Backends;
import io.github.embeddinggeometry.backend.ComputeBackend;
import org.junit.jupiter.api.Test;

/**
 * Runs in its own JVM with {@code -Dorg.bytedeco.javacpp.platform=linux-nowhere} (see the pom): a
 * platform whose natives are absent, as on a machine the bundled classifier does not cover.
 */
class BlasUnavailableTest {
  @Test
  void missingNativesAreAReasonNotACrash() {
    // -Dtest=... runs it in the default execution too, where the natives load: skipped there
    assumeTrue(
        "linux-nowhere".equals(System.getProperty("org.bytedeco.javacpp.platform")),
        "needs -Dorg.bytedeco.javacpp.platform=linux-nowhere");
    BackendProvider blas = new BlasBackendProvider();
    assertThat(blas.unavailableReasons())
        .singleElement()
        .asString()
        .contains("OpenBLAS natives could not be loaded for platform linux-nowhere")
        .contains("classifier");
    try (ComputeBackend b = Backends.create("best")) {
      assertThat(b.name()).isEqualTo("cpu");
    }
    assertThatThrownBy(() -> Backends.create("blas"))
        .isInstanceOf(UnsupportedOperationException.class)
        .hasMessageContaining("backend 'blas' cannot run here")
        .hasMessageContaining("linux-nowhere");
  }
}
