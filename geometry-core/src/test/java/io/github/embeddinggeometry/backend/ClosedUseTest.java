package io.github.embeddinggeometry.backend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.embeddinggeometry.EmbeddingMatrix;
import io.github.embeddinggeometry.ProgressListener;
import io.github.embeddinggeometry.metric.DistanceKernel;
import io.github.embeddinggeometry.metric.MetricSpace;
import java.util.List;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

/**
 * Use after close() fails with IllegalStateException for a backend from Backends.create and for
 * every kernel; the shared backends ignore close(). A backend whose module is missing is named with
 * the artifact to add.
 */
class ClosedUseTest {
  private static final EmbeddingMatrix X =
      EmbeddingMatrix.wrap(new float[] {0, 0, 3, 4, 1, 1, 2, 0}, 4, 2);

  private static void closed(ThrowingCallable call) {
    assertThatThrownBy(call)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("closed");
  }

  @Test
  void aClosedKernelFailsEveryCall() {
    for (MetricSpace m : List.of(MetricSpace.euclidean(), MetricSpace.cosine())) {
      DistanceKernel k = Backends.cpu().distanceKernel(m);
      assertThat(k.distances(X, X)[1]).isEqualTo(m instanceof MetricSpace.Euclidean ? 5f : 1f);
      k.close();
      closed(() -> k.distances(X, X));
      closed(() -> k.distances(X, 0, 1, X, 0, 1, new float[1], 0, 1));
      closed(() -> k.forEachBlock(X, X, 2, (i, b, o, n) -> {}, ProgressListener.NONE));
      closed(() -> k.nearest(X, 1, ProgressListener.NONE));
      closed(() -> k.nearest(X, X.select(new int[] {0, 1}), 1, ProgressListener.NONE));
      k.close(); // idempotent
    }
  }

  @Test
  void aCreatedBackendFailsAfterCloseButTheSharedOnesIgnoreIt() {
    ComputeBackend b = Backends.create("cpu");
    assertThat(b.covariance(X, ProgressListener.NONE).mean()).containsExactly(1.5, 1.25);
    assertThat(b.covariance(X, ProgressListener.NONE).matrix()[0])
        .isEqualTo(1.25); // (2.25 + 2.25 + 0.25 + 0.25) / 4
    b.close();
    closed(() -> b.covariance(X, ProgressListener.NONE));
    closed(() -> b.distanceKernel(MetricSpace.euclidean()));
    b.close();
    ComputeBackend checked =
        Backends.checked(new io.github.embeddinggeometry.testing.ReferenceBackend());
    checked.close();
    closed(() -> checked.covariance(X, ProgressListener.NONE));
    Backends.cpu().close();
    assertThat(Backends.cpu().distanceKernel(MetricSpace.euclidean()).distances(X, X)[1])
        .isEqualTo(5f);
  }

  @Test
  void aMissingBackendModuleIsNamedByItsArtifact() {
    assertThatThrownBy(() -> Backends.create("cuda", List.of()))
        .isInstanceOf(UnsupportedOperationException.class)
        .hasMessageContaining("io.github.embeddinggeometry:geometry-cuda");
    assertThatThrownBy(() -> Backends.create("Spark ", List.of()))
        .hasMessageContaining("io.github.embeddinggeometry:geometry-spark");
    assertThatThrownBy(() -> Backends.create("blas", List.of()))
        .hasMessageContaining("io.github.embeddinggeometry:geometry-blas");
    assertThatThrownBy(() -> Backends.create("bogus", List.of()))
        .hasMessageContaining("unknown backend 'bogus'");
  }
}
