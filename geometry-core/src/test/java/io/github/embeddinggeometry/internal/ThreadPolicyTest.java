package io.github.embeddinggeometry.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.embeddinggeometry.EmbeddingMatrix;
import io.github.embeddinggeometry.ProgressListener;
import io.github.embeddinggeometry.analysis.CausalNorms;
import io.github.embeddinggeometry.analysis.DistanceStatistics;
import io.github.embeddinggeometry.analysis.NearDuplicateClusters;
import io.github.embeddinggeometry.backend.Backends;
import io.github.embeddinggeometry.backend.ComputeBackend;
import io.github.embeddinggeometry.density.DensityEstimator;
import io.github.embeddinggeometry.frame.Pca;
import io.github.embeddinggeometry.frame.PcaResult;
import io.github.embeddinggeometry.frame.SphericalCoordinates;
import io.github.embeddinggeometry.metric.CausalMetric;
import io.github.embeddinggeometry.metric.MetricSpace;
import io.github.embeddinggeometry.testing.Float64Oracle;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/**
 * One thread-pool policy: every parallel loop of the library runs on the pool sized by {@code
 * embgeo.threads}, never on the JDK's common pool. The build runs this test twice: with the default
 * thread count, and with {@code -Dembgeo.threads=1}, where the calling thread must do all the work
 * and no pool thread may ever start.
 */
class ThreadPolicyTest {
  @Test
  void everyAnalysisRunsOnTheLibraryPoolOnly() {
    Set<String> workers = ConcurrentHashMap.newKeySet();
    ProgressListener record = (task, done, total) -> workers.add(Thread.currentThread().getName());
    String caller = Thread.currentThread().getName();
    Random rnd = new Random(5);
    int n = 3000;
    int d = 40;
    EmbeddingMatrix w = EmbeddingMatrix.wrap(Float64Oracle.gaussian(rnd, n, d), n, d);
    ComputeBackend cpu = Backends.cpu();

    PcaResult pca = Pca.fit(w, cpu, record);
    Pca.top(w, 3, cpu, record);
    Pca.top(EmbeddingMatrix.wrap(Float64Oracle.gaussian(rnd, 400, 80), 400, 80), 2, cpu, record);
    SphericalCoordinates.of(w, pca.frame(), 2, 1, 3);
    CausalMetric m = CausalMetric.inverseOf(cpu.covariance(w, record), 1e-3, record);
    CausalNorms.norms(w, m, record);
    DensityEstimator.knn(10, cpu.distanceKernel(MetricSpace.causal(m))).estimate(w, record);
    DensityEstimator.knn(10, cpu.distanceKernel(MetricSpace.cosine())).estimate(w, record);
    DistanceStatistics.of(w.slice(0, 1500), cpu.distanceKernel(MetricSpace.euclidean()), record);
    NearDuplicateClusters.find(w, 0.5, cpu.distanceKernel(MetricSpace.euclidean()), record)
        .voidWidth(record);

    Set<String> live = new TreeSet<>();
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      live.add(t.getName());
    }
    assertThat(live)
        .as("no parallel stream or common-pool task anywhere")
        .noneMatch(name -> name.startsWith("ForkJoinPool.commonPool"));
    if (Settings.threads() == 1) {
      assertThat(workers)
          .as("with -Dembgeo.threads=1 only the caller computes")
          .containsExactly(caller);
      assertThat(live)
          .as("no pool thread was ever started")
          .noneMatch(name -> name.startsWith("embgeo-cpu-"));
    } else {
      assertThat(workers).allMatch(name -> name.equals(caller) || name.startsWith("embgeo-cpu-"));
      assertThat(workers).anyMatch(name -> name.startsWith("embgeo-cpu-"));
    }
  }
}
