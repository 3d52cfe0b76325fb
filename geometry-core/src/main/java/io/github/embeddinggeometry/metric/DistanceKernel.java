package io.github.embeddinggeometry.metric;

import io.github.embeddinggeometry.EmbeddingMatrix;
import io.github.embeddinggeometry.ProgressListener;

/**
 * Distances between row sets in one metric, computed by a backend (CPU or GPU).
 *
 * <p><b>Exactness contract</b> (spec section 4), kept by every implementation: distances are never
 * negative or NaN for finite input; {@code d(a, b) == 0} exactly when rows a and b are bitwise
 * equal (cosine similarity exactly 1 for non-zero rows); distances below a refinement threshold
 * relative to the row norms are recomputed directly, so small distances carry full relative
 * precision; results agree with a float64 direct computation within 1e-5 absolute or 1e-4 relative.
 * Rows holding NaN or infinity are rejected with an {@link IllegalArgumentException} naming the
 * row.
 *
 * <p>The N x N matrix is never materialised: {@link #forEachBlock} streams it and {@link #nearest}
 * keeps only N x k results. Implementations are thread-safe and use all cores (or the GPU).
 *
 * @since 0.1
 */
public interface DistanceKernel extends AutoCloseable {

  /** The metric of every distance this kernel returns. */
  MetricSpace metric();

  /**
   * Distances between rows {@code [aFrom, aTo)} of {@code a} and {@code [bFrom, bTo)} of {@code b}:
   * {@code out[outOffset + (i - aFrom) * outStride + (j - bFrom)] = d(a_i, b_j)}.
   *
   * @param out Modified: receives the block. Must not be a backing array of {@code a} or {@code b}.
   */
  void distances(
      EmbeddingMatrix a,
      int aFrom,
      int aTo,
      EmbeddingMatrix b,
      int bFrom,
      int bTo,
      float[] out,
      int outOffset,
      int outStride);

  /** The full {@code a.rows() x b.rows()} distance matrix, row-major. Only for small inputs. */
  default float[] distances(EmbeddingMatrix a, EmbeddingMatrix b) {
    long n = (long) a.rows() * b.rows();
    if (n > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException(
          a.rows() + " x " + b.rows() + " distances do not fit one array; use forEachBlock");
    }
    float[] out = new float[(int) n];
    distances(a, 0, a.rows(), b, 0, b.rows(), out, 0, b.rows());
    return out;
  }

  /**
   * Streams the {@code a.rows() x b.rows()} distance matrix to {@code consumer} in blocks of up to
   * {@code blockRows} query rows. Each query row is delivered exactly once; blocks may arrive out
   * of order and concurrently.
   */
  void forEachBlock(
      EmbeddingMatrix a,
      EmbeddingMatrix b,
      int blockRows,
      DistanceBlockConsumer consumer,
      ProgressListener progress);

  /**
   * The k nearest neighbours of every row of {@code x} among the rows of {@code x}, self excluded
   * by index (never by value), ties by lower row index.
   *
   * @throws IllegalArgumentException if {@code k < 1} or {@code k > x.rows() - 1}
   */
  default Neighbours nearest(EmbeddingMatrix x, int k, ProgressListener progress) {
    return nearest(x, x, k, progress);
  }

  /**
   * The k nearest neighbours of every row of {@code queries} among the rows of {@code base}. A base
   * row with the same vocabulary id as the query row is the query itself and is excluded, so a
   * query drawn from the base never finds itself; a bitwise-equal row with another id is a
   * neighbour at distance 0.
   *
   * <p>Selection is streaming: per query row a bounded top-k is kept while the base rows are walked
   * in tiles, so memory is {@code O(queries x k)} plus per-thread tiles, never {@code queries x
   * base}.
   *
   * @throws IllegalArgumentException if {@code k < 1} or {@code k} exceeds the number of candidates
   *     ({@code base.rows()}, less one when a query row's id occurs in the base)
   */
  Neighbours nearest(
      EmbeddingMatrix queries, EmbeddingMatrix base, int k, ProgressListener progress);

  /** Releases native resources, if any. Idempotent. */
  @Override
  default void close() {}
}
