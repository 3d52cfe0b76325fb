package io.github.embeddinggeometry.internal.cpu;

import io.github.embeddinggeometry.EmbeddingMatrix;
import io.github.embeddinggeometry.ProgressListener;
import io.github.embeddinggeometry.backend.spi.Exact;
import io.github.embeddinggeometry.backend.spi.Parallel;
import io.github.embeddinggeometry.backend.spi.TileKernel;
import io.github.embeddinggeometry.backend.spi.UpperBlocks;
import io.github.embeddinggeometry.internal.Settings;
import io.github.embeddinggeometry.metric.DistanceBlockConsumer;

/**
 * Tiled distances by the GEMM identity, with the exactness contract of docs/definitions.md applied
 * in the epilogue of every tile.
 *
 * <p><b>Tiles.</b> A task owns a tile of up to {@link #tileRows} query rows, packs them once, then
 * walks the base rows in tiles of {@link #tileCols} rows: pack, {@link TileKernel#tile} (C = A B^T
 * in float32), epilogue. The kernel says which sizes it wants (240 x 256 for the Java kernels,
 * whose packed A and C stay in L2; larger for a native GEMM, which pays a fixed cost per call).
 * Nothing larger than a tile is ever allocated, whatever N is, except the base packed once.
 *
 * <p><b>Euclidean.</b> {@code v = (|a|^2 + |b|^2) - 2 a.b} in float32. When {@code v <= REFINE *
 * (|a|^2 + |b|^2)} (with {@link #REFINE} = 0.05, i.e. cosine similarity above about 0.95 for rows
 * of equal norm) the identity has lost too many digits to cancellation, and the distance is
 * recomputed directly as {@code sqrt(sum (a_k - b_k)^2)} in float64; bitwise-equal rows then give
 * exactly 0. Otherwise the distance is {@code sqrt(v)}, where {@code v} is at least 5% of {@code
 * |a|^2 + |b|^2}, so the float32 rounding of the dot product (about {@code sqrt(d) * 6e-8}
 * relative) costs at most about {@code 10 * sqrt(d) * 6e-8} relative in the distance (3e-5 at d =
 * 2560). A NaN from overflow also takes the direct path, so no NaN and no negative value is ever
 * returned.
 *
 * <p><b>Cosine.</b> {@code sim = a.b * (1/|a| * 1/|b|)}, clamped to [-1, 1], distance {@code 1 -
 * sim}. A distance at most {@link #REFINE} is recomputed in float64; there, bitwise-equal non-zero
 * rows are detected explicitly and get similarity exactly 1 (distance 0). A zero row has similarity
 * 0 (distance 1) to every row, itself included.
 *
 * <p>Every step depends only on the two rows, never on their position in a tile, so bitwise-equal
 * rows get bitwise-equal distances and {@code d(a, b) == d(b, a)} bitwise.
 */
final class DistanceEngine {
  /** Refinement threshold, relative (Euclidean: share of |a|^2 + |b|^2; cosine: the distance). */
  static final float REFINE = 0.05f;

  /**
   * Tiles per task of the symmetric k-NN: few enough that progress and cancellation are seen every
   * few tiles, never once per block row.
   */
  static final int SELF_TILES_PER_TASK = 4;

  /** Query rows per task: {@code -Dembgeo.mb}, else the kernel's own, rounded up to its mr. */
  static int tileRows(TileKernel kern) {
    return roundUp(Settings.positiveInt(Settings.MB, kern.tileRows()), kern.mr());
  }

  /** Base rows per tile: {@code -Dembgeo.nb}, else the kernel's own, rounded up to its nr. */
  static int tileCols(TileKernel kern) {
    return roundUp(Settings.positiveInt(Settings.NB, kern.tileCols()), kern.nr());
  }

  /** Query rows per tile of a plain product: {@code -Dembgeo.mb}, else the kernel's own. */
  static int productTileRows(TileKernel kern) {
    return roundUp(Settings.positiveInt(Settings.MB, kern.productTileRows()), kern.mr());
  }

  /** Base rows per tile of a plain product: {@code -Dembgeo.nb}, else the kernel's own. */
  static int productTileCols(TileKernel kern) {
    return roundUp(Settings.positiveInt(Settings.NB, kern.productTileCols()), kern.nr());
  }

  private static int roundUp(int rows, int panel) {
    return panel * Math.max(1, (rows + panel - 1) / panel);
  }

  enum Kind {
    EUCLIDEAN,
    COSINE
  }

  private final TileKernel kern;
  private final Kind kind;
  private final int mb;
  private final int nb;

  DistanceEngine(TileKernel kern, Kind kind) {
    this(kern, kind, tileRows(kern), tileCols(kern));
  }

  /** With tiles of {@code mb x nb} rows, multiples of the kernel's mr and nr (tests). */
  DistanceEngine(TileKernel kern, Kind kind, int mb, int nb) {
    this.kern = kern;
    this.kind = kind;
    this.mb = mb;
    this.nb = nb;
  }

  /**
   * Rows of the square tiles of the symmetric k-NN sweeps: a multiple of both panel widths that
   * fits a {@link Scratch} either way.
   */
  int squareBlock() {
    int step = lcm(kern.mr(), kern.nr());
    return Math.max(step, Math.min(mb, nb) / step * step);
  }

  /**
   * The base rows in B panels: packed once for all tasks when that copy fits {@link
   * Packing#prepackBudget()}, else packed tile by tile by each task. A packed copy is announced to
   * the kernel ({@link TileKernel#shareBase}) until {@link #close}, which ends the operation.
   */
  final class Base implements AutoCloseable {
    final Operand op;
    final float[] packed;
    private final TileKernel.SharedBase shared;

    Base(Operand op, ProgressListener progress) {
      this.op = op;
      this.packed =
          Packing.packAll(op.m, op.from, op.rows, kern.nr(), op.scale, op.rowScale, progress);
      this.shared =
          packed == null ? TileKernel.SharedBase.NONE : kern.shareBase(packed, 0, packed.length);
    }

    /** Packed tile by tile. */
    Base(Operand op) {
      this.op = op;
      this.packed = null;
      this.shared = TileKernel.SharedBase.NONE;
    }

    @Override
    public void close() {
      shared.close();
    }
  }

  Base base(Operand op, ProgressListener progress) {
    return new Base(op, progress);
  }

  /** Measures rows {@code [from, to)}; the engine's methods scale both operands to one domain. */
  Operand operand(EmbeddingMatrix m, int from, int to, ProgressListener progress) {
    return Operand.measure(m, from, to, progress);
  }

  /**
   * Both operands in their scaled domain (the same object twice when a == b): one common power of
   * two for Euclidean, one per row for cosine.
   */
  Operand[] scaled(Operand a, Operand b) {
    if (kind == Kind.COSINE) {
      Operand sa = a.scaledPerRow();
      return new Operand[] {sa, b == a ? sa : b.scaledPerRow()};
    }
    int e = Operand.exponent(a, b);
    Operand sa = a.scaled(e, REFINE);
    return new Operand[] {sa, b == a ? sa : b.scaled(e, REFINE)};
  }

  /** Per-worker scratch: packed panels and the C tile. */
  final class Scratch {
    final int d;
    private final int rows;
    private float[] ap;
    final float[] bp;
    final float[] c;
    final int ldc;

    /** Where the A panels of the current query tile lie: {@link #ap}, or a packed base. */
    private float[] aArr;

    private int aOff;

    Scratch(int d, boolean packB) {
      this(d, packB, mb);
    }

    /** For query tiles of up to {@code rows} rows. */
    Scratch(int d, boolean packB, int rows) {
      this.d = d;
      this.rows = rows;
      this.bp = packB ? new float[nb * d] : null;
      this.ldc = nb;
      this.c = new float[rows * nb];
    }

    /** Packs query rows {@code [i0, i0+m)} of {@code a}. */
    int packA(Operand a, int i0, int m) {
      if (ap == null) {
        ap = new float[rows * d]; // not before it is needed: self-products may never need it
      }
      aArr = ap;
      aOff = 0;
      return Packing.pack(a.m, a.from + i0, m, kern.mr(), ap, 0, a.scale, a.rowScale, i0);
    }

    /**
     * As {@link #packA(Operand, int, int)}; where {@code b} is {@code a}'s own packed base in
     * panels of one row, the query rows are its rows, read in place instead of copied.
     */
    int packA(Operand a, int i0, int m, Base b) {
      if (b.op == a && b.packed != null && kern.mr() == 1) {
        aArr = b.packed;
        aOff = i0 * d;
        return m;
      }
      return packA(a, i0, m);
    }

    /** Multiplies the packed A with base rows {@code [j0, j0+n)} (j0 a multiple of nr). */
    void multiply(int aPanels, Base b, int j0, int n) {
      int nr = kern.nr();
      int bPanels = (n + nr - 1) / nr;
      if (b.packed != null) {
        kern.tile(aArr, aOff, aPanels, b.packed, j0 * d, bPanels, d, c, 0, ldc);
      } else {
        Packing.pack(b.op.m, b.op.from + j0, n, nr, bp, 0, b.op.scale, b.op.rowScale, j0);
        kern.tile(aArr, aOff, aPanels, bp, 0, bPanels, d, c, 0, ldc);
      }
    }
  }

  // ---------------------------------------------------------------- distances into an array

  /** {@code out[outOffset + i * stride + j] = d(a_i, b_j)} for all local rows of a and b. */
  void distances(
      Operand rawA,
      Operand rawB,
      float[] out,
      int outOffset,
      int stride,
      ProgressListener progress) {
    Operand[] ab = scaled(rawA, rawB);
    Operand a = ab[0];
    Operand b = ab[1];
    int m = a.rows;
    int n = b.rows;
    if (m == 0 || n == 0) {
      return;
    }
    int qTiles = (m + mb - 1) / mb;
    int bTilesAll = (n + nb - 1) / nb;
    int bChunks = Math.max(1, Math.min(bTilesAll, (4 * Parallel.threads() + qTiles - 1) / qTiles));
    int tilesPerChunk = (bTilesAll + bChunks - 1) / bChunks;
    bChunks = (bTilesAll + tilesPerChunk - 1) / tilesPerChunk;
    int chunks = bChunks;
    try (Base bb = qTiles > 1 ? base(b, progress) : new Base(b)) {
      distances(a, b, bb, qTiles, chunks, tilesPerChunk, out, outOffset, stride, progress);
    }
  }

  private void distances(
      Operand a,
      Operand b,
      Base bb,
      int qTiles,
      int chunks,
      int tilesPerChunk,
      float[] out,
      int outOffset,
      int stride,
      ProgressListener progress) {
    int m = a.rows;
    int n = b.rows;
    int d = a.dim();
    Parallel.run(
        "distances",
        qTiles * chunks,
        (long) m * n,
        () -> new Scratch(d, bb.packed == null),
        (s, t) -> {
          int tq = t / chunks;
          int tb = t % chunks;
          int i0 = tq * mb;
          int mm = Math.min(mb, m - i0);
          int aPanels = s.packA(a, i0, mm, bb);
          int jStart = tb * tilesPerChunk * nb;
          int jEnd = Math.min(n, jStart + tilesPerChunk * nb);
          for (int j0 = jStart; j0 < jEnd; j0 += nb) {
            int nn = Math.min(nb, jEnd - j0);
            s.multiply(aPanels, bb, j0, nn);
            writeTile(s, 0, a, i0, mm, b, j0, nn, out, outOffset + i0 * stride + j0, stride);
          }
          return (long) mm * (jEnd - jStart);
        },
        progress);
  }

  /**
   * Streams the distances of {@code x} to itself in blocks of {@code blockRows} query rows, only
   * the tiles that hold an entry above the diagonal (see {@code internal.UpperBlocks}): the first
   * base tile of query tile {@code [i0, i0 + mm)} is the one holding column {@code i0 + 1}. Each
   * computed entry is the one {@link #forEachBlock} gives: tiles do not change a pair's bits.
   */
  void forEachBlockAbove(
      Operand raw, int blockRows, DistanceBlockConsumer consumer, ProgressListener progress) {
    Operand a = scaled(raw, raw)[0];
    stream(a, a, true, blockRows, consumer, progress);
  }

  /**
   * The tiles of {@code x} with itself that hold an entry above the diagonal ({@code
   * internal.UpperBlocks#forEachTileAbove}): query tiles of {@link #tileRows} rows, each against
   * base tiles that start at the B panel holding column {@code i0 + 1} (not at a multiple of the
   * tile width: with a native GEMM's wide tiles, about half a tile per query row would be computed
   * below the diagonal and dropped), a run of them per task so that the packed query tile is reused
   * over at least {@link #TASK_COLUMNS} columns. A tile's distances are the ones {@link
   * #forEachBlock} gives for those pairs.
   */
  void forEachTileAbove(Operand raw, UpperBlocks.Tiles consumer, ProgressListener progress) {
    Operand a = scaled(raw, raw)[0];
    int n = a.rows;
    if (n == 0) {
      return;
    }
    int qTiles = (n + mb - 1) / mb;
    int perTask = Math.max(1, TASK_COLUMNS / nb);
    int[] taskTile = new int[qTiles + 1]; // tasks of query tile q: [taskTile[q], taskTile[q + 1])
    for (int q = 0; q < qTiles; q++) {
      int i0 = q * mb;
      int bTiles = (n - firstPanel(i0 + 1) + nb - 1) / nb;
      taskTile[q + 1] = taskTile[q] + (bTiles + perTask - 1) / perTask;
    }
    int tasks = taskTile[qTiles];
    int d = a.dim();
    try (Base bb = qTiles > 1 ? base(a, progress) : new Base(a)) {
      int strip = stripRows();
      class TileScratch {
        final Scratch s = new Scratch(d, bb.packed == null);
        final float[] out = new float[strip * nb];
      }
      Parallel.run(
          "distances",
          tasks,
          (long) n * (n - 1) / 2,
          TileScratch::new,
          (ts, t) -> {
            int q = upperIndex(taskTile, t);
            int i0 = q * mb;
            int mm = Math.min(mb, n - i0);
            int aPanels = ts.s.packA(a, i0, mm, bb);
            int jFirst = firstPanel(i0 + 1) + (t - taskTile[q]) * perTask * nb;
            int jEnd = Math.min(n, jFirst + perTask * nb);
            long pairs = 0;
            for (int j0 = jFirst; j0 < jEnd; j0 += nb) {
              int nn = Math.min(nb, n - j0);
              ts.s.multiply(aPanels, bb, j0, nn);
              for (int r = 0; r < mm; r += strip) {
                int rr = Math.min(strip, mm - r);
                writeTile(ts.s, r, a, i0 + r, rr, a, j0, nn, ts.out, 0, nb);
                consumer.accept(
                    a.from + i0 + r,
                    a.from + i0 + r + rr,
                    a.from + j0,
                    a.from + j0 + nn,
                    ts.out,
                    nb);
              }
              for (int i = i0; i < i0 + mm; i++) {
                pairs += Math.max(0, j0 + nn - Math.max(j0, i + 1));
              }
            }
            return pairs;
          },
          progress);
    }
  }

  /**
   * Rows of a tile that {@link #forEachTileAbove} turns into distances and hands over at a time:
   * {@link #STRIP_FLOATS} of them, so that the distances are still in cache when the consumer reads
   * them. A native GEMM's tiles (512 x 4,096, 8 MB) are far larger than a core's cache; whole, the
   * distances went to memory and came back: strips took the pairwise statistics with OpenBLAS from
   * 1.22 to 1.18 times a bare GEMM's time on a Zen 5 (AVX-512, same JVM). The Java kernels' tiles
   * are a strip or two.
   */
  private int stripRows() {
    return Math.max(1, Math.min(mb, STRIP_FLOATS / nb));
  }

  /** Distances per strip of {@link #stripRows}: 64 KB, in a core's L2 with the product rows. */
  private static final int STRIP_FLOATS = 1 << 14;

  /** The first row of the B panel that holds base row {@code j}. */
  private int firstPanel(int j) {
    return j / kern.nr() * kern.nr();
  }

  /** Columns a task of {@link #forEachTileAbove} sweeps with one packed query tile, at least. */
  static final int TASK_COLUMNS = 2048;

  /** The q with {@code starts[q] <= t < starts[q + 1]} ({@code starts} ascending). */
  private static int upperIndex(int[] starts, int t) {
    int lo = 0;
    int hi = starts.length - 2;
    while (lo < hi) {
      int mid = (lo + hi + 1) >>> 1;
      if (starts[mid] <= t) {
        lo = mid;
      } else {
        hi = mid - 1;
      }
    }
    return lo;
  }

  /**
   * Streams {@code a x b} distances to {@code consumer} in blocks of {@code blockRows} query rows.
   */
  void forEachBlock(
      Operand rawA,
      Operand rawB,
      int blockRows,
      DistanceBlockConsumer consumer,
      ProgressListener progress) {
    Operand[] ab = scaled(rawA, rawB);
    stream(ab[0], ab[1], false, blockRows, consumer, progress);
  }

  /** Both streams; {@code above}: a is b, and only tiles with an entry above the diagonal. */
  private void stream(
      Operand a,
      Operand b,
      boolean above,
      int blockRows,
      DistanceBlockConsumer consumer,
      ProgressListener progress) {
    int m = a.rows;
    int n = b.rows;
    if (m == 0) {
      return;
    }
    if ((long) Math.min(blockRows, m) * n > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException(
          "a block of "
              + blockRows
              + " x "
              + n
              + " distances does not fit one array;"
              + " use fewer block rows");
    }
    try (Base bb = m > mb ? base(b, progress) : new Base(b)) {
      stream(a, b, above, blockRows, bb, consumer, progress);
    }
  }

  private void stream(
      Operand a,
      Operand b,
      boolean above,
      int blockRows,
      Base bb,
      DistanceBlockConsumer consumer,
      ProgressListener progress) {
    int m = a.rows;
    int n = b.rows;
    int blocks = (m + blockRows - 1) / blockRows;
    int d = a.dim();
    class BlockScratch {
      final Scratch s = new Scratch(d, bb.packed == null);
      final float[] block = new float[Math.min(blockRows, m) * n];
    }
    Parallel.run(
        "distances",
        blocks,
        above ? (long) n * (n - 1) / 2 : (long) m * n,
        BlockScratch::new,
        (bs, t) -> {
          int r0 = t * blockRows;
          int r1 = Math.min(m, r0 + blockRows);
          for (int i0 = r0; i0 < r1; i0 += mb) {
            int mm = Math.min(mb, r1 - i0);
            int aPanels = bs.s.packA(a, i0, mm, bb);
            for (int j0 = above ? (i0 + 1) / nb * nb : 0; j0 < n; j0 += nb) {
              int nn = Math.min(nb, n - j0);
              bs.s.multiply(aPanels, bb, j0, nn);
              writeTile(bs.s, 0, a, i0, mm, b, j0, nn, bs.block, (i0 - r0) * n + j0, n);
            }
          }
          consumer.accept(a.from + r0, a.from + r1, bs.block, n);
          // pairs above the diagonal in rows [r0, r1): sum of (n - 1 - i)
          long rows = r1 - r0;
          return above ? rows * (n - 1) - (rows * (r0 + r1 - 1)) / 2 : rows * n;
        },
        progress);
  }

  /**
   * Distances of rows {@code [row0, row0 + m)} of the product tile in {@code s}, query rows from
   * {@code i0}, base rows from {@code j0}, into {@code out}.
   */
  private void writeTile(
      Scratch s,
      int row0,
      Operand a,
      int i0,
      int m,
      Operand b,
      int j0,
      int n,
      float[] out,
      int outOff,
      int stride) {
    float[] c = s.c;
    int ldc = s.ldc;
    float[] ad = a.m.backingArray();
    float[] bd = b.m.backingArray();
    int d = s.d;
    float scale = powerOfTwo(a.exponent);
    for (int i = 0; i < m; i++) {
      int ai = i0 + i;
      int co = (row0 + i) * ldc;
      int oo = outOff + i * stride;
      if (kind == Kind.EUCLIDEAN) {
        float na = a.sq[ai];
        float ra = a.ref[ai];
        int j;
        if (scale != 0) {
          j = kern.euclideanDistances(c, co, na, ra, b.sq, b.ref, j0, n, scale, out, oo);
        } else {
          kern.sqrtEuclidean(c, co, na, b.sq, j0, n, out, oo);
          scaleBack(out, oo, n, a.exponent);
          // bound -inf: only the pairs that need refinement
          j = kern.scanEuclidean(c, co, na, ra, b.sq, b.ref, j0, 0, n, Float.NEGATIVE_INFINITY);
        }
        while (j < n) {
          out[oo + j] =
              (float) Math.sqrt(Exact.squaredDistance(ad, a.offset(ai), bd, b.offset(j0 + j), d));
          j = kern.scanEuclidean(c, co, na, ra, b.sq, b.ref, j0, j + 1, n, Float.NEGATIVE_INFINITY);
        }
      } else {
        float ia = a.inv[ai];
        kern.cosineDistances(c, co, ia, b.inv, j0, n, out, oo);
        int j = kern.scanCosine(c, co, ia, b.inv, j0, 0, n, Float.NEGATIVE_INFINITY, REFINE);
        while (j < n) {
          out[oo + j] = Exact.cosineDistance(ad, a.offset(ai), bd, b.offset(j0 + j), d);
          j = kern.scanCosine(c, co, ia, b.inv, j0, j + 1, n, Float.NEGATIVE_INFINITY, REFINE);
        }
      }
    }
  }

  /**
   * {@code a[off + j] = Math.scalb(a[off + j], exp)} for {@code j < len}. Math.scalb is one
   * correctly rounded multiplication by {@code 2^exp}, so where that power is a normal float a
   * plain multiplication gives the same bits; the JIT vectorises it, where each Math.scalb call
   * cost about 3 ns: a tenth of a pairwise pass over rows whose largest entry is 2 or more.
   */
  static void scaleBack(float[] a, int off, int len, int exp) {
    float f = powerOfTwo(exp);
    if (f != 0) {
      for (int j = off; j < off + len; j++) {
        a[j] *= f;
      }
    } else {
      for (int j = off; j < off + len; j++) {
        a[j] = Math.scalb(a[j], exp);
      }
    }
  }

  /** {@code Math.scalb(v, exp)}, by a multiplication where that gives the same bits (above). */
  private static float scaleBack(float v, int exp) {
    float f = powerOfTwo(exp);
    return f != 0 ? v * f : Math.scalb(v, exp);
  }

  /**
   * {@code 2^exp} where it is a normal float, so that multiplying by it gives Math.scalb's bits;
   * else 0.
   */
  private static float powerOfTwo(int exp) {
    return exp >= Float.MIN_EXPONENT && exp <= Float.MAX_EXPONENT
        ? Float.intBitsToFloat((exp + Float.MAX_EXPONENT) << 23)
        : 0f;
  }

  // ---------------------------------------------------------------- k nearest neighbours

  /**
   * The k nearest base rows of every query row, excluding {@code self[i]} (a local base row, or
   * -1), ties by lower base row.
   *
   * @param outIdx Modified: {@code rows x k} local base rows, nearest first
   * @param outDist Modified: matching distances
   */
  void nearest(
      Operand rawQ,
      Operand rawB,
      int k,
      int[] self,
      int[] outIdx,
      float[] outDist,
      ProgressListener progress) {
    Operand[] qb = scaled(rawQ, rawB);
    Operand q = qb[0];
    Operand b = qb[1];
    int m = q.rows;
    int n = b.rows;
    if (m == 0) {
      return;
    }
    // more than one tile: pack once if it fits
    try (Base bb = m > kern.mr() ? base(b, progress) : new Base(b)) {
      nearest(q, b, bb, k, self, outIdx, outDist, progress);
    }
  }

  private void nearest(
      Operand q,
      Operand b,
      Base bb,
      int k,
      int[] self,
      int[] outIdx,
      float[] outDist,
      ProgressListener progress) {
    int m = q.rows;
    int n = b.rows;
    int threads = Parallel.threads();
    int mr = kern.mr();
    int d = q.dim();
    // A base too large to pack once is packed tile by tile by every task, a cost proportional to
    // N d per task: 4x taller query tiles cut it by 4.
    int maxRows = bb.packed == null ? 4 * mb : mb;
    // At least two tiles per thread when there are few queries, and a multiple of the threads,
    // so that no thread idles at the end.
    int tiles = Math.max(2 * threads, (m + maxRows - 1) / maxRows);
    tiles = (tiles + threads - 1) / threads * threads;
    int tileRows = Math.max(mr, ((m + tiles - 1) / tiles + mr - 1) / mr * mr);
    int tileCount = (m + tileRows - 1) / tileRows;
    class KnnScratch {
      final Scratch s = new Scratch(d, bb.packed == null, tileRows);
      final TopK top = new TopK(tileRows, k, q.scale);
    }
    // A query tile sweeps the whole base (151,936 x 2,560: seconds), so it reports its rows in
    // proportion to the base swept, after every base block, which also polls cancellation.
    Parallel.runLong(
        "k-NN",
        tileCount,
        m,
        KnnScratch::new,
        (ks, t, partial) -> {
          int i0 = t * tileRows;
          int mm = Math.min(tileRows, m - i0);
          ks.top.reset(mm);
          int aPanels = ks.s.packA(q, i0, mm, bb);
          long reported = 0;
          for (int j0 = 0; j0 < n; j0 += nb) {
            int nn = Math.min(nb, n - j0);
            ks.s.multiply(aPanels, bb, j0, nn);
            for (int i = 0; i < mm; i++) {
              offerRow(ks.top, i, q, i0 + i, ks.s.c, i * ks.s.ldc, b, j0, nn, self[i0 + i], d);
            }
            if (j0 + nn < n) {
              long due = (long) mm * (j0 + nn) / n;
              partial.report(due - reported);
              reported = due;
            }
          }
          ks.top.drain(mm, i0, outIdx, outDist);
          return mm - reported;
        },
        progress);
  }

  /**
   * The k nearest neighbours of every row of {@code x} among the rows of {@code x}, itself
   * excluded, exploiting symmetry: the rows are cut into blocks and only the tiles (I, J) with
   * {@code J >= I} are multiplied; each tile feeds the heaps of block I row-wise and those of block
   * J column-wise, so half the arithmetic of the general path. A tile's offers to a block are made
   * under that block's lock. Heaps order candidates by (distance, index), so the result is the same
   * whatever order the tiles finish in, and the same as the general path's (d(a, b) == d(b, a)
   * bitwise).
   */
  void nearestSelf(Operand rawX, int k, int[] outIdx, float[] outDist, ProgressListener progress) {
    Operand x = scaled(rawX, rawX)[0];
    int n = x.rows;
    if (n == 0) {
      return;
    }
    try (Base bb = base(x, progress)) {
      nearestSelf(x, bb, k, outIdx, outDist, progress);
    }
  }

  private void nearestSelf(
      Operand x, Base bb, int k, int[] outIdx, float[] outDist, ProgressListener progress) {
    int n = x.rows;
    int blockRows = squareBlock();
    int blocks = (n + blockRows - 1) / blockRows;
    int d = x.dim();
    TopK top = new TopK(n, k, x.scale);
    top.reset(n);
    Object[] locks = new Object[blocks];
    for (int i = 0; i < blocks; i++) {
      locks[i] = new Object();
    }
    long totalTiles = (long) blocks * (blocks + 1) / 2;
    // Tasks of at most SELF_TILES_PER_TASK tiles (I, J >= I), in row-major order: a whole block
    // row was one task (block 0 holds every block's tile), so progress came rarely and
    // cancellation waited for it. Progress counts rows: a task covering global tiles [t0, t1)
    // reports floor(t1 N / T) - floor(t0 N / T), which sums to N.
    int tasks = 0;
    for (int bi = 0; bi < blocks; bi++) {
      tasks += (blocks - bi + SELF_TILES_PER_TASK - 1) / SELF_TILES_PER_TASK;
    }
    int[] taskBlock = new int[tasks];
    int[] taskFirst = new int[tasks];
    long[] taskTile = new long[tasks + 1];
    long tile = 0;
    for (int bi = 0, t = 0; bi < blocks; bi++) {
      for (int bj = bi; bj < blocks; bj += SELF_TILES_PER_TASK, t++) {
        taskBlock[t] = bi;
        taskFirst[t] = bj;
        taskTile[t] = tile;
        tile += Math.min(SELF_TILES_PER_TASK, blocks - bj);
      }
    }
    taskTile[tasks] = totalTiles;
    class SelfScratch {
      final Scratch s = new Scratch(d, bb.packed == null);
      final float[] ct = new float[blockRows * blockRows];
    }
    Parallel.run(
        "k-NN",
        tasks,
        n,
        SelfScratch::new,
        (ss, task) -> {
          int bi = taskBlock[task];
          int i0 = bi * blockRows;
          int mi = Math.min(blockRows, n - i0);
          int aPanels = ss.s.packA(x, i0, mi, bb);
          float[] c = ss.s.c;
          int ldc = ss.s.ldc;
          int last = Math.min(blocks, taskFirst[task] + SELF_TILES_PER_TASK);
          for (int bj = taskFirst[task]; bj < last; bj++) {
            int j0 = bj * blockRows;
            int nj = Math.min(blockRows, n - j0);
            ss.s.multiply(aPanels, bb, j0, nj);
            synchronized (locks[bi]) {
              for (int i = 0; i < mi; i++) {
                offerRow(top, i0 + i, x, i0 + i, c, i * ldc, x, j0, nj, i0 + i, d);
              }
            }
            if (bj != bi) {
              synchronized (locks[bj]) {
                offerColumns(top, x, i0, mi, c, ldc, x, j0, nj, ss.ct, blockRows, d);
              }
            }
          }
          return taskTile[task + 1] * n / totalTiles - taskTile[task] * n / totalTiles;
        },
        progress);
    top.drain(n, 0, outIdx, outDist);
  }

  /**
   * {@code t[j * ldt + i] = c[i * ldc + j]} for an {@code rows x cols} tile, in 16 x 16 blocks: a
   * row of t at a time would write one float per cache line of a tile larger than L1.
   */
  static void transpose(float[] c, int ldc, int rows, int cols, float[] t, int ldt) {
    for (int i0 = 0; i0 < rows; i0 += 16) {
      int i1 = Math.min(rows, i0 + 16);
      for (int j0 = 0; j0 < cols; j0 += 16) {
        int j1 = Math.min(cols, j0 + 16);
        for (int i = i0; i < i1; i++) {
          int co = i * ldc;
          for (int j = j0; j < j1; j++) {
            t[j * ldt + i] = c[co + j];
          }
        }
      }
    }
  }

  static int lcm(int a, int b) {
    int x = a;
    int y = b;
    while (y != 0) {
      int t = x % y;
      x = y;
      y = t;
    }
    return a / x * b;
  }

  /**
   * Offers the candidates of one row of a C tile to heap {@code row}: query row {@code ai} of
   * {@code a} against base rows {@code [j0, j0+n)} of {@code b}, skipping base row {@code self}.
   * The vectorised scan skips every pair that can neither enter the heap nor needs refinement.
   * Package-private for {@link BlockKnn}, which sweeps row blocks of a distributed matrix.
   */
  void offerRow(
      TopK top,
      int row,
      Operand a,
      int ai,
      float[] c,
      int co,
      Operand b,
      int j0,
      int n,
      int self,
      int d) {
    float[] ad = a.m.backingArray();
    float[] bd = b.m.backingArray();
    if (kind == Kind.EUCLIDEAN) {
      float na = a.sq[ai];
      float ra = a.ref[ai];
      float bound = top.bound(row);
      int j = kern.scanEuclidean(c, co, na, ra, b.sq, b.ref, j0, 0, n, bound);
      while (j < n) {
        int bj = j0 + j;
        if (bj != self) {
          float v = (na + b.sq[bj]) - 2f * c[co + j];
          if (top.offer(row, euclidean(v, a, ai, b, bj, d), bj)) {
            bound = top.bound(row);
          }
        }
        j = kern.scanEuclidean(c, co, na, ra, b.sq, b.ref, j0, j + 1, n, bound);
      }
    } else {
      float ia = a.inv[ai];
      float worst = top.worst(row);
      int j = kern.scanCosine(c, co, ia, b.inv, j0, 0, n, worst, REFINE);
      while (j < n) {
        int bj = j0 + j;
        if (bj != self) {
          float sim = c[co + j] * (ia * b.inv[bj]);
          float dist = 1f - Math.min(1f, Math.max(-1f, sim));
          if (!(dist > REFINE)) {
            dist = Exact.cosineDistance(ad, a.offset(ai), bd, b.offset(bj), d);
          }
          if (top.offer(row, dist, bj)) {
            worst = top.worst(row);
          }
        }
        j = kern.scanCosine(c, co, ia, b.inv, j0, j + 1, n, worst, REFINE);
      }
    }
  }

  /**
   * The Euclidean distance of a pair from its squared value {@code v} by the identity: recomputed
   * in float64 where the identity lost too many digits ({@code !(v > ref_a + ref_b)}, NaN
   * included), else {@code sqrt(v)} back in the rows' units. Symmetric in the two rows, bit for
   * bit.
   */
  private static float euclidean(float v, Operand a, int ai, Operand b, int bj, int d) {
    if (!(v > a.ref[ai] + b.ref[bj])) {
      return (float)
          Math.sqrt(
              Exact.squaredDistance(
                  a.m.backingArray(), a.offset(ai), b.m.backingArray(), b.offset(bj), d));
    }
    return scaleBack((float) Math.sqrt(v), a.exponent);
  }

  /**
   * The second direction of a symmetric sweep: offers every entry of an {@code mi x nj} C tile of
   * rows {@code [i0, i0+mi)} of {@code a} against rows {@code [j0, j0+nj)} of {@code b} to the
   * heaps of b's rows (heap row = b's row), a's row as the candidate. Euclidean scans the tile row
   * by row against the columns' bounds; cosine transposes it into {@code ct} (stride {@code ldt})
   * and offers row by row.
   */
  void offerColumns(
      TopK top,
      Operand a,
      int i0,
      int mi,
      float[] c,
      int ldc,
      Operand b,
      int j0,
      int nj,
      float[] ct,
      int ldt,
      int d) {
    if (kind != Kind.EUCLIDEAN) {
      transpose(c, ldc, mi, nj, ct, ldt);
      for (int j = 0; j < nj; j++) {
        offerRow(top, j0 + j, b, j0 + j, ct, j * ldt, a, i0, mi, -1, d);
      }
      return;
    }
    float[] bounds = top.bounds();
    for (int i = 0; i < mi; i++) {
      int ai = i0 + i;
      float na = a.sq[ai];
      float ra = a.ref[ai];
      int co = i * ldc;
      int j = kern.scanEuclideanColumns(c, co, na, ra, b.sq, b.ref, bounds, j0, 0, nj);
      while (j < nj) {
        int bj = j0 + j;
        float v = (na + b.sq[bj]) - 2f * c[co + j];
        top.offer(bj, euclidean(v, b, bj, a, ai, d), ai);
        j = kern.scanEuclideanColumns(c, co, na, ra, b.sq, b.ref, bounds, j0, j + 1, nj);
      }
    }
  }

  // ---------------------------------------------------------------- direct computations

}
