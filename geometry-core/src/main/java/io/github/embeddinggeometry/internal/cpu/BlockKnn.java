package io.github.embeddinggeometry.internal.cpu;

import io.github.embeddinggeometry.EmbeddingMatrix;
import io.github.embeddinggeometry.ProgressListener;
import io.github.embeddinggeometry.backend.spi.TileKernel;
import io.github.embeddinggeometry.internal.kernel.Kernels;

/**
 * k nearest neighbours between row blocks of one matrix, for engines that cut the rows into blocks
 * on several machines (geometry-spark) and merge the per-block lists afterwards.
 *
 * <p>Every distance comes from {@link DistanceEngine}'s own epilogue ({@code offerRow}), which
 * depends only on the two rows, never on their position in a tile, and is symmetric bit for bit;
 * the heaps order candidates by (distance, index). So the lists of a row, merged over all blocks by
 * (distance, row), are exactly the single-machine {@link CpuDistanceKernel#nearest} lists, whatever
 * the block boundaries.
 *
 * <p>Each call scales its blocks to the engine's domain (a power of two, exact) from the blocks'
 * own magnitudes. A distance is the same in any such domain unless a product leaves float32's range
 * in one of them, which only rows near float32's limits can make happen: for those, a block pair
 * may differ in the last bits from the single-machine run, which scales by the whole matrix.
 *
 * <p>Runs on the calling thread only: a distributed task is one core's work.
 */
public final class BlockKnn {
  private final DistanceEngine engine;
  private final TileKernel kern;

  private BlockKnn(TileKernel kern, DistanceEngine.Kind kind) {
    this.kern = kern;
    this.engine = new DistanceEngine(kern, kind);
  }

  /** Euclidean distances; the causal metric is this on rows mapped by its Cholesky factor. */
  public static BlockKnn euclidean() {
    return new BlockKnn(Kernels.get(), DistanceEngine.Kind.EUCLIDEAN);
  }

  /** Cosine distances. */
  public static BlockKnn cosine() {
    return new BlockKnn(Kernels.get(), DistanceEngine.Kind.COSINE);
  }

  /**
   * The candidates of each row of one block among the rows of another: {@code k} per row (fewer
   * than asked when the other block is small), nearest first by (distance, index).
   *
   * @param index row-major {@code rows x k}: rows of the other block, local to it
   * @param distance the matching distances
   */
  public record Lists(int rows, int k, int[] index, float[] distance) {}

  /**
   * Each row's nearest rows of the same block, itself excluded by index.
   *
   * @return {@code min(k, rows - 1)} per row
   */
  public Lists within(EmbeddingMatrix a, int k) {
    Operand raw = engine.operand(a, 0, a.rows(), ProgressListener.NONE);
    Operand x = engine.scaled(raw, raw)[0];
    TopK top = heap(a.rows(), Math.min(k, a.rows() - 1), x.scale);
    sweep(x, x, top, null);
    return drain(top, a.rows(), Math.min(k, a.rows() - 1));
  }

  /**
   * Both directions of a pair of different blocks from one sweep of their tiles: each tile feeds
   * the heaps of a's rows row-wise and those of b's rows column-wise.
   *
   * @return {@code [a's rows among b's, b's rows among a's]}
   */
  public Lists[] between(EmbeddingMatrix a, EmbeddingMatrix b, int k) {
    Operand[] xy =
        engine.scaled(
            engine.operand(a, 0, a.rows(), ProgressListener.NONE),
            engine.operand(b, 0, b.rows(), ProgressListener.NONE));
    Operand x = xy[0];
    Operand y = xy[1];
    int kx = Math.min(k, b.rows());
    int ky = Math.min(k, a.rows());
    TopK topX = heap(a.rows(), kx, x.scale);
    TopK topY = heap(b.rows(), ky, y.scale);
    sweep(x, y, topX, topY);
    return new Lists[] {drain(topX, a.rows(), kx), drain(topY, b.rows(), ky)};
  }

  /**
   * The nearest rows of {@code base} to each query row, excluding base row {@code self[i]} (-1 for
   * none): the general single-machine path on one block.
   *
   * @return {@code min(k, candidates)} per row, where every query row has the same number of
   *     candidates (the caller passes at most one excluded row per query)
   */
  public Lists query(EmbeddingMatrix queries, EmbeddingMatrix base, int k, int[] self) {
    int m = queries.rows();
    int excluded = 0;
    for (int s : self) {
      excluded = Math.max(excluded, s >= 0 ? 1 : 0);
    }
    int kk = Math.min(k, base.rows() - excluded);
    int[] idx = new int[m * kk];
    float[] dist = new float[m * kk];
    if (kk > 0 && m > 0) {
      Operand q = engine.operand(queries, 0, m, ProgressListener.NONE);
      Operand b = engine.operand(base, 0, base.rows(), ProgressListener.NONE);
      engine.nearest(q, b, kk, self, idx, dist, ProgressListener.NONE);
    }
    return new Lists(m, kk, idx, dist);
  }

  private static TopK heap(int rows, int k, double boundScale) {
    if (k <= 0) {
      return null;
    }
    TopK t = new TopK(rows, k, boundScale);
    t.reset(rows);
    return t;
  }

  private static Lists drain(TopK top, int rows, int k) {
    int kk = Math.max(0, k);
    int[] idx = new int[rows * kk];
    float[] dist = new float[rows * kk];
    if (top != null) {
      top.drain(rows, 0, idx, dist);
    }
    return new Lists(rows, kk, idx, dist);
  }

  /**
   * Tiles of x against tiles of y. With {@code topY == null}, y is x: only tiles (I, J >= I) are
   * multiplied and a tile feeds both blocks' heaps (as {@link DistanceEngine#nearestSelf}).
   */
  private void sweep(Operand x, Operand y, TopK topX, TopK topY) {
    boolean self = topY == null;
    if (topX == null && topY == null) {
      return;
    }
    // As DistanceEngine.nearestSelf: square tiles that fit the engine's scratch.
    int sb = engine.squareBlock();
    int n = x.rows;
    int m = y.rows;
    int d = x.dim();
    try (DistanceEngine.Base by = engine.base(y, ProgressListener.NONE)) {
      DistanceEngine.Scratch s = engine.new Scratch(d, by.packed == null);
      float[] ct = new float[sb * sb];
      TopK back = self ? topX : topY;
      for (int i0 = 0; i0 < n; i0 += sb) {
        int mi = Math.min(sb, n - i0);
        int aPanels = s.packA(x, i0, mi);
        for (int j0 = self ? i0 : 0; j0 < m; j0 += sb) {
          int nj = Math.min(sb, m - j0);
          s.multiply(aPanels, by, j0, nj);
          float[] c = s.c;
          int ldc = s.ldc;
          if (topX != null) {
            for (int i = 0; i < mi; i++) {
              engine.offerRow(
                  topX, i0 + i, x, i0 + i, c, i * ldc, y, j0, nj, self ? i0 + i : -1, d);
            }
          }
          if ((!self || j0 != i0) && back != null) {
            engine.offerColumns(back, x, i0, mi, c, ldc, y, j0, nj, ct, sb, d);
          }
        }
      }
    }
  }
}
