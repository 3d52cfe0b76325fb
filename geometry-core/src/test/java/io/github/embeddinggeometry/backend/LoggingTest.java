package io.github.embeddinggeometry.backend;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.embeddinggeometry.EmbeddingMatrix;
import io.github.embeddinggeometry.ProgressListener;
import io.github.embeddinggeometry.density.DensityEstimator;
import io.github.embeddinggeometry.frame.Pca;
import io.github.embeddinggeometry.metric.CausalMetric;
import io.github.embeddinggeometry.metric.MetricSpace;
import io.github.embeddinggeometry.testing.Float64Oracle;
import io.github.embeddinggeometry.testing.LogCapture;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A quiet library: at most one INFO line per JVM (the backend chosen), warnings only for a missing
 * Vector API (one, naming the flag), every line under the logger {@code
 * io.github.embeddinggeometry}. The build runs this in JVMs of their own, with and without {@code
 * jdk.incubator.vector}, so the capture sees the very first line the library logs.
 */
class LoggingTest {
  @Test
  void aSessionLogsOneInfoLineAndWarnsOnlyAboutAMissingVectorApi() {
    try (LogCapture log = new LogCapture()) {
      Random rnd = new Random(2);
      EmbeddingMatrix w = EmbeddingMatrix.wrap(Float64Oracle.gaussian(rnd, 300, 16), 300, 16);
      for (int round = 0; round < 2; round++) {
        ComputeBackend shared = Backends.get();
        try (ComputeBackend own = Backends.create("best");
            ComputeBackend cpu = Backends.create("cpu")) {
          Pca.fit(w, shared, ProgressListener.NONE);
          Pca.fit(w, own, ProgressListener.NONE);
          DensityEstimator.knn(5, cpu.distanceKernel(MetricSpace.euclidean()))
              .estimate(w, ProgressListener.NONE);
          CausalMetric.of(identity(16), 16).map(w, ProgressListener.NONE);
        }
        Backends.cpu();
      }
      assertThat(log.info()).hasSize(1);
      assertThat(log.info().get(0)).contains("embedding-geometry backend: cpu");
      boolean vectorMissing = ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty();
      boolean vectorOff = "false".equals(System.getProperty("embgeo.vector"));
      if (vectorMissing && !vectorOff) {
        assertThat(log.warnings())
            .singleElement()
            .asString()
            .contains("--add-modules jdk.incubator.vector");
      } else {
        assertThat(log.warnings()).isEmpty();
      }
      assertThat(log.loggerNames())
          .allSatisfy(n -> assertThat(n).startsWith(LogCapture.LIBRARY_LOGGER + "."));
    }
  }

  private static double[] identity(int d) {
    double[] m = new double[d * d];
    for (int i = 0; i < d; i++) {
      m[i * d + i] = 1;
    }
    return m;
  }
}
