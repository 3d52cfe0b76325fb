package io.github.embeddinggeometry.cuda;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.embeddinggeometry.backend.Backends;
import io.github.embeddinggeometry.backend.ComputeBackend;
import io.github.embeddinggeometry.testing.LogCapture;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * With the CUDA backend on the module path: one INFO line names the backend chosen, and on a
 * machine without a usable GPU (no NVIDIA driver, the normal case) it says why CUDA was not used,
 * at INFO, never as a warning. The build runs this in a JVM of its own so the capture sees the
 * first line the library logs.
 */
class CudaLoggingTest {
  @Test
  void theBackendChoiceIsOneInfoLineAndNeverAWarning() {
    try (LogCapture log = new LogCapture()) {
      ComputeBackend shared = Backends.get();
      Backends.create("best").close();
      Backends.get();
      List<String> info = log.info();
      assertThat(info).hasSize(1);
      assertThat(info.get(0)).contains("embedding-geometry backend: " + shared.name());
      List<String> reasons = CudaBackend.unavailableReasons();
      if (!reasons.isEmpty()) {
        assertThat(shared.name()).isEqualTo("cpu");
        assertThat(info.get(0)).contains("cuda not used: " + reasons.get(0));
      }
      // A missing Vector API module is the only warning the library may give.
      assertThat(log.warnings()).allSatisfy(w -> assertThat(w).contains("Vector API"));
    }
  }
}
