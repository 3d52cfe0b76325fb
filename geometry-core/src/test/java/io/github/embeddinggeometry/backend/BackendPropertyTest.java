package io.github.embeddinggeometry.backend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.embeddinggeometry.EmbeddingMatrix;
import io.github.embeddinggeometry.metric.MetricSpace;
import org.junit.jupiter.api.Test;

/**
 * {@code -Dembgeo.backend} naming a backend that cannot run: the documented exception, with the
 * reason, on every call (never an {@link ExceptionInInitializerError} or a {@link
 * NoClassDefFoundError} from a failed class initialisation), while the CPU backend stays usable.
 * The build runs this test in a JVM of its own with {@code -Dembgeo.backend=no-such-backend}; in
 * the default run it checks the shared backend's ownership only.
 */
class BackendPropertyTest {
  @Test
  void aBackendThatCannotRunFailsTheSameWayOnEveryCall() {
    String asked = System.getProperty("embgeo.backend", "best");
    if (asked.equals("no-such-backend")) {
      for (int call = 0; call < 3; call++) {
        assertThatThrownBy(Backends::get)
            .isExactlyInstanceOf(UnsupportedOperationException.class)
            .hasMessageContaining("unknown backend 'no-such-backend'")
            .hasMessageContaining("known: best, cpu");
      }
    }
    assertThat(Backends.cpu().name()).isEqualTo("cpu");
  }

  @Test
  void theSharedBackendCannotBeClosedByACaller() {
    ComputeBackend shared = Backends.cpu();
    shared.close();
    EmbeddingMatrix w = EmbeddingMatrix.wrap(new float[] {0, 0, 3, 4}, 2, 2);
    assertThat(shared.distanceKernel(MetricSpace.euclidean()).distances(w, w))
        .containsExactly(0f, 5f, 5f, 0f);
    assertThat(Backends.cpu()).isSameAs(shared);
  }
}
