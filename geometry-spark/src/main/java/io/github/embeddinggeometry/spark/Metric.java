package io.github.embeddinggeometry.spark;

import io.github.embeddinggeometry.EmbeddingMatrix;
import io.github.embeddinggeometry.ProgressListener;
import io.github.embeddinggeometry.backend.Backends;
import io.github.embeddinggeometry.backend.spi.cpu.BlockKnn;
import io.github.embeddinggeometry.metric.CausalMetric;
import io.github.embeddinggeometry.metric.DistanceKernel;
import io.github.embeddinggeometry.metric.MetricSpace;
import java.io.Serializable;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;

/**
 * A {@link MetricSpace} that travels to the executors: Euclidean and cosine by name, the causal
 * metric as a broadcast of its tensor M, from which each executor JVM rebuilds the same {@link
 * CausalMetric} once (the Cholesky factor is deterministic, so rows map to the same bits there as
 * on the driver).
 */
final class Metric implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Causal metrics rebuilt on this JVM, by broadcast id. */
  private static final Map<Long, CausalMetric> REBUILT = new ConcurrentHashMap<>();

  private final String kind;
  private final Broadcast<double[]> tensor;
  private final int dim;
  private transient CausalMetric local;

  private Metric(String kind, Broadcast<double[]> tensor, int dim, CausalMetric local) {
    this.kind = kind;
    this.tensor = tensor;
    this.dim = dim;
    this.local = local;
  }

  static Metric of(JavaSparkContext sc, MetricSpace metric) {
    if (metric instanceof MetricSpace.Causal c) {
      CausalMetric m = c.metric();
      return new Metric("causal", sc.broadcast(m.tensor()), m.dim(), m);
    }
    return new Metric(metric instanceof MetricSpace.Cosine ? "cosine" : "euclidean", null, 0, null);
  }

  /** The metric, rebuilt on an executor. */
  MetricSpace space() {
    switch (kind) {
      case "cosine":
        return MetricSpace.cosine();
      case "euclidean":
        return MetricSpace.euclidean();
      default:
        return MetricSpace.causal(causal());
    }
  }

  private CausalMetric causal() {
    if (local == null) {
      local = REBUILT.computeIfAbsent(tensor.id(), id -> CausalMetric.of(tensor.value(), dim));
    }
    return local;
  }

  /** Whether {@link #map} changes rows (a causal metric's factor; a cost of {@code d^2} a row). */
  boolean maps() {
    return kind.equals("causal");
  }

  /** Rows in the space the block kernels work in: mapped by the Cholesky factor when causal. */
  EmbeddingMatrix map(EmbeddingMatrix rows) {
    return maps() && rows.rows() > 0 ? causal().map(rows, ProgressListener.NONE) : rows;
  }

  /** The block k-NN of this metric (on {@link #map mapped} rows). */
  BlockKnn knn() {
    return kind.equals("cosine") ? BlockKnn.cosine() : BlockKnn.euclidean();
  }

  /**
   * The library's CPU kernel for {@link #map mapped} rows (Euclidean for the causal metric, as the
   * CPU backend computes causal distances), for distances handed out one block at a time.
   */
  DistanceKernel mappedKernel() {
    return Backends.cpu()
        .distanceKernel(kind.equals("cosine") ? MetricSpace.cosine() : MetricSpace.euclidean());
  }

  void destroy() {
    if (tensor != null) {
      REBUILT.remove(tensor.id());
      tensor.destroy();
    }
  }
}
