package io.github.embeddinggeometry.metric;

import io.github.embeddinggeometry.EmbeddingMatrix;
import io.github.embeddinggeometry.ProgressListener;

/**
 * Distances between row sets in one metric, computed by a backend (CPU or GPU).
 *
 * <p><b>Exactness contract</b>, kept by every implementation (see <a
 * href="{@docRoot}/io/github/embeddinggeometry/doc-files/definitions.html#exactness-contract">the
 * definitions</a>): distances are never negative or NaN for finite input; {@code d(a, b) == 0}
 * exactly when rows a and b are bitwise equal (cosine similarity exactly 1 for non-zero rows);
 * distances below a refinement threshold relative to the row norms are recomputed directly, so
 * small distances carry full relative precision; results agree with a float64 direct computation
 * within 1e-5 absolute or 1e-4 relative.
 *
 * <p><b>Units.</b> Distances are float32 in the units of {@link #metric()}: embedding units for
 * Euclidean, logometers for a causal metric, and the dimensionless cosine distance {@code 1 -
 * similarity} (in [0, 2]) for cosine.
 *
 * <p><b>Exceptions.</b> Arguments are checked before any work: {@link NullPointerException} for a
 * null argument; {@link IllegalArgumentException} for differing row lengths (or a causal tensor of
 * another dimension), row ranges outside a matrix, an output array that cannot hold the block or is
 * an input's backing array, {@code k} outside {@code [1, candidates]}, and rows holding NaN or
 * infinity, named by row and vocabulary id. {@link java.util.concurrent.CancellationException} when
 * a {@link ProgressListener} cancels; an exception thrown by a {@link DistanceBlockConsumer} is
 * rethrown to the caller.
 *
 * <p><b>Threads and memory.</b> Implementations are thread-safe and use all cores (or the GPU). The
 * N x N matrix is never materialised: {@link #forEachBlock} streams it and {@link #nearest} keeps
 * only N x k results. A kernel may hold native memory: close it when done (a kernel of the CPU
 * backend holds none).
 *
 * @since 0.1
 */
public interface DistanceKernel extends AutoCloseable {

  /**
   * The metric of every distance this kernel returns.
   *
   * @return the metric the kernel was created for
   */
  MetricSpace metric();

  /**
   * Distances between rows {@code [aFrom, aTo)} of {@code a} and {@code [bFrom, bTo)} of {@code b}:
   * {@code out[outOffset + (i - aFrom) * outStride + (j - bFrom)] = d(a_i, b_j)}.
   *
   * @param a the query rows. Not modified.
   * @param aFrom first row of {@code a}, inclusive
   * @param aTo last row of {@code a}, exclusive
   * @param b the base rows. Not modified.
   * @param bFrom first row of {@code b}, inclusive
   * @param bTo last row of {@code b}, exclusive
   * @param out Modified: receives the block; nothing outside it is written. Must not be a backing
   *     array of {@code a} or {@code b}.
   * @param outOffset index in {@code out} of the distance {@code d(a_aFrom, b_bFrom)}
   * @param outStride distance in {@code out} between two consecutive query rows, at least {@code
   *     bTo - bFrom}
   * @throws IllegalArgumentException if the dimensions differ, {@code out} cannot hold the block or
   *     is an input's backing array, or a row in the ranges is not finite
   * @throws IndexOutOfBoundsException if a row range lies outside its matrix
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

  /**
   * The full {@code a.rows() x b.rows()} distance matrix, row-major. Only for small inputs.
   *
   * @param a the query rows. Not modified.
   * @param b the base rows. Not modified.
   * @return a new array, {@code d(a_i, b_j)} at {@code i * b.rows() + j}
   * @throws IllegalArgumentException if the matrix would not fit one array, the dimensions differ
   *     or a row is not finite
   */
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
   * of order and concurrently, from worker threads.
   *
   * @param a the query rows. Not modified.
   * @param b the base rows. Not modified.
   * @param blockRows most query rows per block, at least 1
   * @param consumer receives the blocks; must be thread-safe
   * @param progress receives progress (query rows) and may cancel. Not modified.
   * @throws IllegalArgumentException if {@code blockRows < 1}, one block would not fit an array,
   *     the dimensions differ or a row is not finite
   * @throws java.util.concurrent.CancellationException if {@code progress} cancels
   */
  void forEachBlock(
      EmbeddingMatrix a,
      EmbeddingMatrix b,
      int blockRows,
      DistanceBlockConsumer consumer,
      ProgressListener progress);

  /**
   * The k nearest neighbours of every row of {@code x} among the rows of {@code x}, self excluded
   * by index (never by value), ties by lower row index. {@code k = x.rows() - 1} ranks every other
   * row.
   *
   * @param x the rows. Not modified.
   * @param k neighbours per row, in {@code [1, x.rows() - 1]}
   * @param progress receives progress (rows) and may cancel. Not modified.
   * @return the neighbours, nearest first
   * @throws IllegalArgumentException if {@code k < 1} or {@code k > x.rows() - 1}, or a row is not
   *     finite
   * @throws java.util.concurrent.CancellationException if {@code progress} cancels
   */
  default Neighbours nearest(EmbeddingMatrix x, int k, ProgressListener progress) {
    return nearest(x, x, k, progress);
  }

  /**
   * The k nearest neighbours of every row of {@code queries} among the rows of {@code base}. A base
   * row with the same vocabulary id as the query row is the query itself and is excluded, so a
   * query drawn from the base never finds itself; a bitwise-equal row with another id is a
   * neighbour at distance 0. Ties go to the lower base row.
   *
   * <p>Selection is streaming: per query row a bounded top-k is kept while the base rows are walked
   * in tiles, so memory is {@code O(queries x k)} plus per-thread tiles, never {@code queries x
   * base}.
   *
   * @param queries the query rows. Not modified.
   * @param base the rows the neighbours are drawn from. Not modified.
   * @param k neighbours per query row, in {@code [1, candidates]}
   * @param progress receives progress (query rows) and may cancel. Not modified.
   * @return the neighbours, nearest first
   * @throws IllegalArgumentException if {@code k < 1} or {@code k} exceeds the number of candidates
   *     ({@code base.rows()}, less one when a query row's id occurs in the base), or a row is not
   *     finite
   * @throws java.util.concurrent.CancellationException if {@code progress} cancels
   */
  Neighbours nearest(
      EmbeddingMatrix queries, EmbeddingMatrix base, int k, ProgressListener progress);

  /**
   * Releases native resources, if any. Idempotent; every call afterwards on a kernel from a backend
   * of {@link io.github.embeddinggeometry.backend.Backends} throws {@link IllegalStateException}.
   */
  @Override
  default void close() {}
}
