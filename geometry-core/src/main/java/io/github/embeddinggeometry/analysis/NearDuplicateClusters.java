package io.github.embeddinggeometry.analysis;

import io.github.embeddinggeometry.EmbeddingMatrix;
import io.github.embeddinggeometry.ProgressListener;
import io.github.embeddinggeometry.metric.DistanceKernel;

/**
 * Near-duplicate clusters (spec section 6, notebooks 1.4g-1.4h): the connected components of the
 * graph joining rows at distance {@code <= eps} ({@code eps = 0}: the exact-duplicate classes).
 *
 * <p>Components are found by union-find fed from a streaming pass over the upper triangle of the
 * distance matrix (never materialised). Pairs whose distance lies within float32 rounding of eps
 * may legitimately join or not depending on the backend.
 *
 * @since 0.1
 */
public final class NearDuplicateClusters {
  private NearDuplicateClusters() {}

  /**
   * Finds the components.
   *
   * @param w the rows; not modified
   * @param eps distance threshold, finite and &gt;= 0
   */
  public static NearDuplicateClusters find(
      EmbeddingMatrix w, double eps, DistanceKernel kernel, ProgressListener progress) {
    throw new UnsupportedOperationException("not implemented yet");
  }

  /** The rows the components are of. */
  public EmbeddingMatrix matrix() {
    throw new UnsupportedOperationException("not implemented yet");
  }

  /** The threshold eps. */
  public double eps() {
    throw new UnsupportedOperationException("not implemented yet");
  }

  /** Number of components (singletons included). */
  public int componentCount() {
    throw new UnsupportedOperationException("not implemented yet");
  }

  /** Number of components of size 1. */
  public int singletonCount() {
    throw new UnsupportedOperationException("not implemented yet");
  }

  /**
   * Component sizes, largest first (ties: the component holding the lower row first).
   */
  public int[] sizes() {
    throw new UnsupportedOperationException("not implemented yet");
  }

  /**
   * Label of each row: the row position of the lowest row in its component, so two rows are in
   * the same component iff their labels are equal.
   */
  public int[] labels() {
    throw new UnsupportedOperationException("not implemented yet");
  }

  /**
   * Vocabulary ids of every component of at least {@code minSize} rows, each ascending; components
   * ordered largest first (ties: the one holding the lowest id first).
   */
  public java.util.List<int[]> components(int minSize) {
    throw new UnsupportedOperationException("not implemented yet");
  }

  /** Size of the largest component. */
  public int largestSize() {
    throw new UnsupportedOperationException("not implemented yet");
  }

  /**
   * Vocabulary ids of the largest component, ascending (ties: the component holding the lowest
   * id).
   */
  public int[] largestIds() {
    throw new UnsupportedOperationException("not implemented yet");
  }

  /**
   * The "void" around the largest component: the smallest distance from one of its rows to a row
   * outside it, minus the largest nearest-neighbour distance inside it. Positive when the cluster
   * is separated from the rest by more than its own spacing. Computed on first call with the
   * kernel given to {@link #find}.
   *
   * @return NaN when the largest component is a singleton or holds every row
   */
  public double voidWidth(ProgressListener progress) {
    throw new UnsupportedOperationException("not implemented yet");
  }

  /** Centroid of the largest component (float32, accumulated in double). */
  public float[] largestCentroid() {
    throw new UnsupportedOperationException("not implemented yet");
  }

  /**
   * The unweighted mean of the rows with the given vocabulary ids (spec section 6), accumulated in
   * double and rounded to float32.
   *
   * @param ids vocabulary ids, sorted and de-duplicated before use
   */
  public static float[] centroid(EmbeddingMatrix w, int[] ids) {
    throw new UnsupportedOperationException("not implemented yet");
  }
}
