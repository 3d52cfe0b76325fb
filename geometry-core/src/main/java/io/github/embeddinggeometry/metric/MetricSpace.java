package io.github.embeddinggeometry.metric;

/**
 * How distance between two rows is measured (spec section 4).
 *
 * <ul>
 *   <li>{@link #euclidean()}: {@code ||a - b||_2}.
 *   <li>{@link #cosine()}: distance {@code 1 - a.b / (||a|| ||b||)}, the similarity clamped to [-1,
 *       1]; a zero row has similarity 0 to every row. Not a metric (no triangle inequality).
 *   <li>{@link #causal(CausalMetric)}: {@code sqrt((a-b)^T M (a-b))} for an SPD tensor M, computed
 *       as the Euclidean distance of the rows mapped by {@code L^T} where {@code M = L L^T}.
 * </ul>
 *
 * @since 0.1
 */
public sealed interface MetricSpace
    permits MetricSpace.Euclidean, MetricSpace.Cosine, MetricSpace.Causal {

  /** Euclidean distance. */
  static MetricSpace euclidean() {
    return Euclidean.INSTANCE;
  }

  /** Cosine distance {@code 1 - similarity}. */
  static MetricSpace cosine() {
    return Cosine.INSTANCE;
  }

  /** Causal (Mahalanobis) distance under {@code metric}. */
  static MetricSpace causal(CausalMetric metric) {
    return new Causal(metric);
  }

  /** Short name: "euclidean", "cosine" or "causal". */
  String name();

  /** True when the triangle inequality holds (not for cosine distance). */
  boolean isMetric();

  /** Euclidean distance, {@code ||a - b||_2}. */
  final class Euclidean implements MetricSpace {
    static final Euclidean INSTANCE = new Euclidean();

    private Euclidean() {}

    @Override
    public String name() {
      return "euclidean";
    }

    @Override
    public boolean isMetric() {
      return true;
    }

    @Override
    public String toString() {
      return name();
    }
  }

  /** Cosine distance, {@code 1 - clamp(a.b / (||a|| ||b||), -1, 1)}. */
  final class Cosine implements MetricSpace {
    static final Cosine INSTANCE = new Cosine();

    private Cosine() {}

    @Override
    public String name() {
      return "cosine";
    }

    @Override
    public boolean isMetric() {
      return false;
    }

    @Override
    public String toString() {
      return name();
    }
  }

  /** Causal (Mahalanobis) distance {@code sqrt((a-b)^T M (a-b))}. */
  record Causal(CausalMetric metric) implements MetricSpace {
    public Causal {
      java.util.Objects.requireNonNull(metric, "metric");
    }

    @Override
    public String name() {
      return "causal";
    }

    @Override
    public boolean isMetric() {
      return true;
    }
  }
}
