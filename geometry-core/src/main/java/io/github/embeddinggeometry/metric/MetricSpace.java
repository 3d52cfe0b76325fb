package io.github.embeddinggeometry.metric;

/**
 * How distance between two rows is measured (see <a
 * href="{@docRoot}/io/github/embeddinggeometry/doc-files/definitions.html#distances">the
 * definitions</a>).
 *
 * <ul>
 *   <li>{@link #euclidean()}: {@code ||a - b||_2}.
 *   <li>{@link #cosine()}: distance {@code 1 - a.b / (||a|| ||b||)}, the similarity clamped to [-1,
 *       1]; a zero row has similarity 0 to every row. Not a metric (no triangle inequality).
 *   <li>{@link #causal(CausalMetric)}: {@code sqrt((a-b)^T M (a-b))} for an SPD tensor M, computed
 *       as the Euclidean distance of the rows mapped by {@code L^T} where {@code M = L L^T}.
 * </ul>
 *
 * <p><b>Units.</b> A metric fixes the unit of every distance computed in it: embedding units
 * (whatever W is stored in) for Euclidean, logometers for a causal metric (M turns differences of
 * unembedding rows into log-probability units), none for cosine. Densities are the reciprocals.
 *
 * <p><b>Thread safety.</b> Values: immutable and safe to share. The interface is sealed; a metric
 * is turned into distances by {@link
 * io.github.embeddinggeometry.backend.ComputeBackend#distanceKernel ComputeBackend.distanceKernel}.
 *
 * <p><b>Serialization.</b> A metric is {@link java.io.Serializable}, so that a distributed backend
 * ships it as itself: Euclidean and cosine read back as the one instance, a causal metric as its
 * tensor M, whose Cholesky factor is rebuilt on reading (the factorisation is deterministic, so the
 * rebuilt metric maps rows to the same bits).
 *
 * @since 0.1
 */
public sealed interface MetricSpace extends java.io.Serializable
    permits MetricSpace.Euclidean, MetricSpace.Cosine, MetricSpace.Causal {

  /**
   * Euclidean distance.
   *
   * @return the one Euclidean metric
   */
  static MetricSpace euclidean() {
    return Euclidean.INSTANCE;
  }

  /**
   * Cosine distance {@code 1 - similarity}.
   *
   * @return the one cosine metric
   */
  static MetricSpace cosine() {
    return Cosine.INSTANCE;
  }

  /**
   * Causal (Mahalanobis) distance under {@code metric}.
   *
   * @param metric the tensor M with its Cholesky factor
   * @return a causal metric; equal to another one exactly when their tensors are the same object
   * @throws NullPointerException if {@code metric} is null
   */
  static MetricSpace causal(CausalMetric metric) {
    return new Causal(metric);
  }

  /**
   * Short name.
   *
   * @return "euclidean", "cosine" or "causal"
   */
  String name();

  /**
   * Whether this is a metric in the mathematical sense.
   *
   * @return true when the triangle inequality holds (not for cosine distance)
   */
  boolean isMetric();

  /**
   * Euclidean distance, {@code ||a - b||_2}.
   *
   * @since 0.1
   */
  final class Euclidean implements MetricSpace {
    /** Serialized as the one instance ({@code readResolve}). */
    private static final long serialVersionUID = 1L;

    static final Euclidean INSTANCE = new Euclidean();

    private Euclidean() {}

    /**
     * The one instance, also after serialization.
     *
     * @return the one instance
     */
    private Object readResolve() {
      return INSTANCE;
    }

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

  /**
   * Cosine distance, {@code 1 - clamp(a.b / (||a|| ||b||), -1, 1)}; a zero row has similarity 0 to
   * every row.
   *
   * @since 0.1
   */
  final class Cosine implements MetricSpace {
    /** Serialized as the one instance ({@code readResolve}). */
    private static final long serialVersionUID = 1L;

    static final Cosine INSTANCE = new Cosine();

    private Cosine() {}

    /**
     * The one instance, also after serialization.
     *
     * @return the one instance
     */
    private Object readResolve() {
      return INSTANCE;
    }

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

  /**
   * Causal (Mahalanobis) distance {@code sqrt((a-b)^T M (a-b))}.
   *
   * @param metric the tensor M with its Cholesky factor
   * @serial exclude (its one component is a {@link CausalMetric}, serialized as its tensor M)
   * @since 0.1
   */
  record Causal(CausalMetric metric) implements MetricSpace {
    /** Serialized as its tensor M ({@link CausalMetric}'s serialized form). */
    private static final long serialVersionUID = 1L;

    /**
     * Checks the tensor.
     *
     * @param metric the tensor M with its Cholesky factor
     * @throws NullPointerException if {@code metric} is null
     */
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
