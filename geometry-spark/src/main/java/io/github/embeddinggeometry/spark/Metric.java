package io.github.embeddinggeometry.spark;

import io.github.embeddinggeometry.EmbeddingMatrix;
import io.github.embeddinggeometry.ProgressListener;
import io.github.embeddinggeometry.backend.Backends;
import io.github.embeddinggeometry.backend.spi.cpu.BlockKnn;
import io.github.embeddinggeometry.metric.DistanceKernel;
import io.github.embeddinggeometry.metric.MetricSpace;
import java.io.Serializable;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;

/**
 * A {@link MetricSpace} on its way to the executors: the metric itself, as a broadcast (a causal
 * metric serializes as its tensor M, and each executor JVM reads the broadcast once, so it
 * factorises M once; the factorisation is deterministic, so rows map to the same bits there as on
 * the driver), with what the block jobs need of it.
 */
final class Metric implements Serializable {
  private static final long serialVersionUID = 1L;

  private final Broadcast<MetricSpace> shipped;

  private Metric(Broadcast<MetricSpace> shipped) {
    this.shipped = shipped;
  }

  static Metric of(JavaSparkContext sc, MetricSpace metric) {
    return new Metric(sc.broadcast(java.util.Objects.requireNonNull(metric, "metric")));
  }

  /** The metric (on an executor: as read from the broadcast, once per JVM). */
  MetricSpace space() {
    return shipped.value();
  }

  /** Whether {@link #map} changes rows (a causal metric's factor; a cost of {@code d^2} a row). */
  boolean maps() {
    return space() instanceof MetricSpace.Causal;
  }

  /** Rows in the space the block kernels work in: mapped by the Cholesky factor when causal. */
  EmbeddingMatrix map(EmbeddingMatrix rows) {
    return space() instanceof MetricSpace.Causal c && rows.rows() > 0
        ? c.metric().map(rows, ProgressListener.NONE)
        : rows;
  }

  /** The metric of {@link #map mapped} rows: Euclidean for a causal metric. */
  private MetricSpace mappedSpace() {
    return space() instanceof MetricSpace.Causal ? MetricSpace.euclidean() : space();
  }

  /** The block k-NN of this metric (on {@link #map mapped} rows). */
  BlockKnn knn() {
    return mappedSpace() instanceof MetricSpace.Cosine ? BlockKnn.cosine() : BlockKnn.euclidean();
  }

  /**
   * The library's CPU kernel for {@link #map mapped} rows (Euclidean for the causal metric, as the
   * CPU backend computes causal distances), for distances handed out one block at a time.
   */
  DistanceKernel mappedKernel() {
    return Backends.cpu().distanceKernel(mappedSpace());
  }

  void destroy() {
    shipped.destroy();
  }
}
