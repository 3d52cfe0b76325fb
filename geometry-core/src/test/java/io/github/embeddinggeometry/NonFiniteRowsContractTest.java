package io.github.embeddinggeometry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.embeddinggeometry.analysis.CausalNorms;
import io.github.embeddinggeometry.analysis.DensestPoint;
import io.github.embeddinggeometry.analysis.DistanceStatistics;
import io.github.embeddinggeometry.analysis.NearDuplicateClusters;
import io.github.embeddinggeometry.backend.Backends;
import io.github.embeddinggeometry.backend.ComputeBackend;
import io.github.embeddinggeometry.density.DensityField;
import io.github.embeddinggeometry.density.KnnDensity;
import io.github.embeddinggeometry.frame.Pca;
import io.github.embeddinggeometry.frame.ReferenceFrame;
import io.github.embeddinggeometry.frame.SphericalCoordinates;
import io.github.embeddinggeometry.metric.CausalMetric;
import io.github.embeddinggeometry.metric.DistanceKernel;
import io.github.embeddinggeometry.metric.MetricSpace;
import java.util.LinkedHashMap;
import java.util.Map;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * One contract over every public entry point that reads rows: a NaN or infinite entry is rejected
 * with an IllegalArgumentException naming its row, vocabulary id and column, never turned into a
 * plausible number (SphericalCoordinates gave lat = lon = 0, CausalNorms a silent NaN).
 */
class NonFiniteRowsContractTest {
  private static final int N = 8;
  private static final int D = 4;
  private static final int BAD_ROW = 5;
  private static final int BAD_COLUMN = 2;
  private static final int ID_OFFSET = 100;

  private static EmbeddingMatrix matrix(float bad) {
    float[] x = new float[N * D];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) Math.sin(1.7 * i + 0.3 * (i % D)); // no duplicates, full rank
    }
    x[BAD_ROW * D + BAD_COLUMN] = bad;
    int[] ids = new int[N];
    for (int i = 0; i < N; i++) {
      ids[i] = ID_OFFSET + i;
    }
    return EmbeddingMatrix.wrap(x, N, D).withIds(ids);
  }

  private static Map<String, ThrowingCallable> entryPoints(EmbeddingMatrix bad) {
    EmbeddingMatrix good = matrix(0.25f);
    ComputeBackend cpu = Backends.cpu();
    DistanceKernel euclid = cpu.distanceKernel(MetricSpace.euclidean());
    DistanceKernel cosine = cpu.distanceKernel(MetricSpace.cosine());
    CausalMetric metric =
        CausalMetric.inverseOf(
            cpu.covariance(good, ProgressListener.NONE), 1e-3, ProgressListener.NONE);
    DistanceKernel causal = cpu.distanceKernel(MetricSpace.causal(metric));
    ReferenceFrame frame = Pca.fit(good, cpu, ProgressListener.NONE).frame();
    DensityField field = KnnDensity.of(2, euclid).estimate(good, ProgressListener.NONE);
    EmbeddingMatrix scores = frame.project(good, 2, ProgressListener.NONE);
    float[] s = scores.backingArray().clone();
    s[BAD_ROW * 2 + 1] = bad.get(BAD_ROW, BAD_COLUMN);
    EmbeddingMatrix badScores = EmbeddingMatrix.wrap(s, N, 2).withIds(good.ids());
    Map<String, ThrowingCallable> m = new LinkedHashMap<>();
    m.put("SphericalCoordinates.of", () -> SphericalCoordinates.of(bad, frame, 2, 1, 3));
    m.put("CausalNorms.norms", () -> CausalNorms.norms(bad, metric, ProgressListener.NONE));
    m.put("CausalMetric.map", () -> metric.map(bad, ProgressListener.NONE));
    m.put("Pca.fit", () -> Pca.fit(bad, cpu, ProgressListener.NONE));
    m.put("Pca.top", () -> Pca.top(bad, 2, cpu, ProgressListener.NONE));
    m.put("ComputeBackend.covariance", () -> cpu.covariance(bad, ProgressListener.NONE));
    m.put("ComputeBackend.mapRows", () -> cpu.mapRows(bad, metric, ProgressListener.NONE));
    m.put("ReferenceFrame.project", () -> frame.project(bad, 2, ProgressListener.NONE));
    m.put("ReferenceFrame.reconstruct", () -> frame.reconstruct(badScores, ProgressListener.NONE));
    m.put(
        "KnnDensity.estimate", () -> KnnDensity.of(2, euclid).estimate(bad, ProgressListener.NONE));
    m.put(
        "KnnDensity.estimate (causal)",
        () -> KnnDensity.of(2, causal).estimate(bad, ProgressListener.NONE));
    m.put("DistanceStatistics.of", () -> DistanceStatistics.of(bad, euclid, ProgressListener.NONE));
    m.put(
        "NearDuplicateClusters.find",
        () -> NearDuplicateClusters.find(bad, 0.1, cosine, ProgressListener.NONE));
    m.put(
        "NearDuplicateClusters.centroid",
        () -> NearDuplicateClusters.centroid(bad, new int[] {ID_OFFSET + 1, ID_OFFSET + BAD_ROW}));
    m.put(
        "DensestPoint.of",
        () -> DensestPoint.of(bad, field, euclid, cosine, 3, ProgressListener.NONE));
    m.put("DistanceKernel.distances", () -> euclid.distances(bad, good));
    m.put("DistanceKernel.nearest", () -> cosine.nearest(good, bad, 2, ProgressListener.NONE));
    m.put(
        "DistanceKernel.forEachBlock",
        () -> causal.forEachBlock(bad, bad, 3, (a, b, c, d) -> {}, ProgressListener.NONE));
    return m;
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(floats = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY})
  void everyEntryPointNamesTheRowTheIdAndTheColumn(float value) {
    EmbeddingMatrix bad = matrix(value);
    Map<String, ThrowingCallable> points = entryPoints(bad);
    assertThat(points).hasSizeGreaterThanOrEqualTo(18);
    for (Map.Entry<String, ThrowingCallable> e : points.entrySet()) {
      assertThatThrownBy(e.getValue())
          .as(e.getKey())
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("row " + BAD_ROW)
          .hasMessageContaining("vocabulary id " + (ID_OFFSET + BAD_ROW))
          .hasMessageContaining(
              "column " + (e.getKey().equals("ReferenceFrame.reconstruct") ? 1 : BAD_COLUMN))
          .hasMessageContaining(String.valueOf(value));
    }
  }
}
