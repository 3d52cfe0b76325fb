package io.github.embeddinggeometry.backend.spi;

import io.github.embeddinggeometry.internal.Settings;

/**
 * The register-blocked inner loops of every GEMM-shaped computation: {@code C = A B^T} over packed
 * panels, plus the distance epilogues. Two implementations: {@code
 * internal.kernel.ScalarTileKernel} (plain Java) and {@code internal.simd.VectorTileKernel} (JDK
 * Vector API), chosen once by {@code SimdProvider}.
 *
 * <p><b>Packed layout.</b> A micro-panel of {@code mr()} rows of A over a depth of {@code len} is
 * stored depth-major: {@code ap[p + k * mr + r] = A[r][k]}; a B micro-panel likewise with {@code
 * nr()} rows. Panels are zero-padded to full width, so every dot product of the tile goes through
 * the same micro-kernel with the same summation order (sequential over k). The value computed for a
 * pair of rows therefore depends only on the two rows, never on their positions in the tile:
 * bitwise-equal rows get bitwise-equal dot products (docs/definitions.md, exactness contract, rule
 * 5), and {@code dot(a, b) == dot(b, a)}.
 *
 * <p><b>Blocking.</b> {@link #tile} walks the depth in blocks of {@link #kc()} and A in blocks of
 * {@link #ic()} rows, chosen per kernel from its panel widths and this machine's caches ({@link
 * CacheSizes}) unless {@code -Dembgeo.kc} / {@code -Dembgeo.ic} say otherwise. Between depth blocks
 * C goes through memory as float32, exactly, so the blocking never changes a value: every dot
 * product is still the sequential sum over k.
 *
 * @since 0.1
 */
public abstract class TileKernel {
  private int kc;
  private int ic;

  /** Set by {@link #watchRate} (the calibrated kernel in use): watches its rate. */
  private RateWatch guard;

  /**
   * Rows of A per micro-panel.
   *
   * @return the panel height of A
   */
  public abstract int mr();

  /**
   * Rows of B per micro-panel.
   *
   * @return the panel height of B
   */
  public abstract int nr();

  /**
   * Human-readable description, e.g. "Vector API, 256-bit".
   *
   * @return the description
   */
  public abstract String description();

  /**
   * Query rows per engine tile this kernel wants (before rounding to {@link #mr()}); {@code
   * -Dembgeo.mb} overrides it. 240 rows of packed A stay in L2 while a base tile streams by.
   *
   * @return rows, at least 1
   */
  public int tileRows() {
    return 240;
  }

  /**
   * Base rows per engine tile this kernel wants (before rounding to {@link #nr()}); {@code
   * -Dembgeo.nb} overrides it. A C tile of 240 x 256 floats stays in L2 for the epilogue.
   *
   * @return rows, at least 1
   */
  public int tileCols() {
    return 256;
  }

  /**
   * Query rows per tile of a plain product ({@code CpuEngine.multiplyTransposed}), where no
   * epilogue reads the tile back, so a kernel whose calls cost a fixed share (a native GEMM packs
   * its operands per call) may ask for far larger tiles than the distance engine's; {@code
   * -Dembgeo.mb} overrides it. The engine still cuts a product into at least two tiles per thread.
   *
   * @return rows, at least 1; by default {@link #tileRows()}
   */
  public int productTileRows() {
    return tileRows();
  }

  /**
   * Base rows per tile of a plain product, as {@link #productTileRows()}; {@code -Dembgeo.nb}
   * overrides it.
   *
   * @return rows, at least 1; by default {@link #tileCols()}
   */
  public int productTileCols() {
    return tileCols();
  }

  /**
   * Says that {@code packed[from, to)}, B panels the caller will pass to {@link #tile} many times,
   * stays unchanged until the returned handle is closed, so that a kernel whose tiles run elsewhere
   * (a native GEMM) can copy it there once instead of per tile. The caller closes the handle when
   * its operation ends; this kernel needs nothing, so the handle does nothing.
   *
   * @param packed the packed B panels. Not modified.
   * @param from first float of the shared range (inclusive)
   * @param to last float (exclusive)
   * @return the handle, to be closed when the operation ends
   */
  public SharedBase shareBase(float[] packed, int from, int to) {
    return SharedBase.NONE;
  }

  /**
   * The scope of a {@link #shareBase} announcement; closing it frees what the kernel kept.
   *
   * @since 0.1
   */
  public interface SharedBase extends AutoCloseable {
    /** For kernels that keep nothing. */
    SharedBase NONE = () -> {};

    @Override
    void close();
  }

  /**
   * Something that watches a calibrated kernel at work, for example to warn when it runs far below
   * the rate its calibration measured.
   *
   * @since 0.1
   */
  public interface RateWatch {
    /**
     * Adds one {@link #tile} call's work; called concurrently by every thread that computes tiles.
     *
     * @param flops floating-point operations of the call
     * @param nanos its wall time in nanoseconds
     */
    void tile(long flops, long nanos);

    /**
     * The rate the calibration measured.
     *
     * @return GFLOP/s per thread
     */
    double calibratedGflops();
  }

  /**
   * From now on, tells {@code watch} the work and time of every {@link #tile} call of this class's
   * loop, and adds its calibrated rate to {@link #descriptionWithRate()}. Set once, by whoever
   * calibrated this kernel, before the kernel is handed out.
   *
   * @param watch the watch. Not null.
   */
  public final void watchRate(RateWatch watch) {
    guard = java.util.Objects.requireNonNull(watch, "watch");
  }

  /**
   * {@link #description()}, and the calibrated rate when a calibration chose this kernel: "...,
   * calibrated R GFLOP/s" with R the calibrated rate.
   *
   * @return the description
   */
  public final String descriptionWithRate() {
    RateWatch g = guard;
    return g == null
        ? description()
        : String.format(
            java.util.Locale.ROOT,
            "%s, calibrated %.1f GFLOP/s",
            description(),
            g.calibratedGflops());
  }

  /**
   * The micro-kernel: {@code C[r][c] (+)= sum_{k < kc} ap[apOff + k*mr + r] * bp[bpOff + k*nr + c]}
   * for an {@code mr x nr} block of C at {@code c[cOff + r * ldc + col]}.
   *
   * @param ap packed A panels. Not modified.
   * @param apOff where the A micro-panel starts
   * @param bp packed B panels. Not modified.
   * @param bpOff where the B micro-panel starts
   * @param kc depth of the product
   * @param c Modified: receives the tile
   * @param cOff where the tile starts in {@code c}
   * @param ldc row stride of {@code c}
   * @param accumulate add to C when true, overwrite when false
   */
  public abstract void micro(
      float[] ap,
      int apOff,
      float[] bp,
      int bpOff,
      int kc,
      float[] c,
      int cOff,
      int ldc,
      boolean accumulate);

  /**
   * {@code C = A B^T} for packed panels spanning the full depth {@code depth}: A holds {@code
   * aPanels} panels of {@code mr} rows ({@code depth * mr} floats each), B {@code bPanels} panels
   * of {@code nr} rows from {@code bp[bOff]}. C is row-major {@code (aPanels*mr) x (bPanels*nr)}
   * with row stride {@code ldc}. Blocked over depth in chunks of at most {@link #KC} so one B
   * micro-panel stays in L1 while the A panels stream from L2.
   *
   * @param ap the A panels. Not modified.
   * @param aPanels number of A panels
   * @param bp the B panels. Not modified.
   * @param bOff where the first B panel starts
   * @param bPanels number of B panels
   * @param depth the depth of every panel
   * @param c Modified: receives the product
   * @param ldc row stride of {@code c}
   */
  public final void tile(
      float[] ap, int aPanels, float[] bp, int bOff, int bPanels, int depth, float[] c, int ldc) {
    tile(ap, aPanels, bp, bOff, bPanels, depth, c, 0, ldc);
  }

  /**
   * As above, with C starting at {@code c[cOff]}.
   *
   * @param ap the A panels. Not modified.
   * @param aPanels number of A panels
   * @param bp the B panels. Not modified.
   * @param bOff where the first B panel starts
   * @param bPanels number of B panels
   * @param depth the depth of every panel
   * @param c Modified: receives the product
   * @param cOff where the product starts in {@code c}
   * @param ldc row stride of {@code c}
   */
  public final void tile(
      float[] ap,
      int aPanels,
      float[] bp,
      int bOff,
      int bPanels,
      int depth,
      float[] c,
      int cOff,
      int ldc) {
    tile(ap, 0, aPanels, bp, bOff, bPanels, depth, c, cOff, ldc);
  }

  /**
   * As above, with the A panels starting at {@code ap[aOff]}: with {@code mr() == 1} a packed base
   * is also its own packed A, so a self-product's query rows are read where they lie. Overridable
   * so that a native GEMM can produce the tile instead (geometry-blas, with {@code mr() == nr() ==
   * 1}: the packed panels are then plain row-major rows); every caller then consumes C through the
   * same epilogues.
   *
   * @param ap the A panels. Not modified.
   * @param aOff where the first A panel starts
   * @param aPanels number of A panels
   * @param bp the B panels. Not modified.
   * @param bOff where the first B panel starts
   * @param bPanels number of B panels
   * @param depth the depth of every panel
   * @param c Modified: receives the product
   * @param cOff where the product starts in {@code c}
   * @param ldc row stride of {@code c}
   */
  public void tile(
      float[] ap,
      int aOff,
      int aPanels,
      float[] bp,
      int bOff,
      int bPanels,
      int depth,
      float[] c,
      int cOff,
      int ldc) {
    int mr = mr();
    int nr = nr();
    int kcMax = kc();
    int blocks = Math.max(1, (depth + kcMax - 1) / kcMax);
    int kcFull = (depth + blocks - 1) / blocks;
    int icPanels = Math.max(1, ic() / mr);
    RateWatch g = guard;
    long t0 = g == null ? 0 : System.nanoTime();
    int k0 = 0;
    do {
      int kc = Math.min(kcFull, depth - k0);
      boolean acc = k0 > 0;
      for (int ic = 0; ic < aPanels; ic += icPanels) {
        int icEnd = Math.min(aPanels, ic + icPanels);
        for (int jp = 0; jp < bPanels; jp++) {
          int bo = bOff + jp * depth * nr + k0 * nr;
          int co = cOff + jp * nr;
          for (int ip = ic; ip < icEnd; ip++) {
            micro(
                ap, aOff + ip * depth * mr + k0 * mr, bp, bo, kc, c, ip * mr * ldc + co, ldc, acc);
          }
        }
      }
      k0 += kcFull;
    } while (k0 < depth);
    if (g != null) {
      g.tile(2L * aPanels * mr * bPanels * nr * depth, System.nanoTime() - t0);
    }
  }

  /**
   * {@code -Dembgeo.ic}, or 128: a machine-independent row block for code that blocks by a
   * constant; {@link #tile} uses {@link #ic()}.
   */
  public static final int IC = Settings.positiveInt(Settings.IC, 128);

  /**
   * {@code -Dembgeo.kc}, or 256: a machine-independent depth block for code that blocks by a
   * constant; {@link #tile} uses {@link #kc()}.
   */
  public static final int KC = Settings.positiveInt(Settings.KC, 256);

  /**
   * Depth of one cache block of {@link #tile}: {@code -Dembgeo.kc} when set, else fitted to this
   * machine's L1 for this kernel's B panel width ({@link CacheSizes#kc}).
   *
   * @return the depth block
   */
  public final int kc() {
    if (kc == 0) {
      kc = Settings.positiveInt(Settings.KC, CacheSizes.machine().kc(nr()));
    }
    return kc;
  }

  /**
   * Rows of A per L2 block of {@link #tile} (a B micro-panel is reused from L1 across them): {@code
   * -Dembgeo.ic} when set, else fitted to this machine's L2 ({@link CacheSizes#ic}).
   *
   * @return rows of A per block
   */
  public final int ic() {
    if (ic == 0) {
      ic = Settings.positiveInt(Settings.IC, CacheSizes.machine().ic(mr(), kc()));
    }
    return ic;
  }

  /**
   * The float32 micro-kernel over {@code kc} steps from zero, its {@code mr x nr} tile then added
   * into float64: {@code acc[accOff + r * nr + col] += (double) sum_k ap[..] * bp[..]}, the sum
   * formed exactly as {@link #micro} forms it. The covariance's float64 accumulation across row
   * chunks. {@code tile} is scratch of at least {@code mr * nr} floats.
   *
   * @param ap packed A panels. Not modified.
   * @param apOff where the A micro-panel starts
   * @param bp packed B panels. Not modified.
   * @param bpOff where the B micro-panel starts
   * @param kc depth of the product
   * @param acc Modified: the float64 accumulator
   * @param accOff where the tile starts in {@code acc}
   * @param tile scratch
   */
  public final void microAddDouble(
      float[] ap,
      int apOff,
      float[] bp,
      int bpOff,
      int kc,
      double[] acc,
      int accOff,
      float[] tile) {
    micro(ap, apOff, bp, bpOff, kc, tile, 0, nr(), false);
    addWidened(tile, acc, accOff);
  }

  /**
   * {@code acc[accOff + e] += (double) tile[e]} for the {@code mr * nr} entries of a micro-tile:
   * the second half of {@link #microAddDouble}, which kernels may do a vector at a time.
   *
   * @param tile the micro-tile. Not modified.
   * @param acc Modified: the float64 accumulator
   * @param accOff where the tile starts in {@code acc}
   */
  protected void addWidened(float[] tile, double[] acc, int accOff) {
    int n = mr() * nr();
    for (int e = 0; e < n; e++) {
      acc[accOff + e] += tile[e];
    }
  }

  // ------------------------------------------------------------------ distance epilogues
  //
  // Each works on one row of a C tile. The Vector API kernel overrides them with the same
  // arithmetic, operation for operation, so the values do not depend on the kernel's lane count:
  //   Euclidean  v = (na + nb[j]) - 2 c[j]          (2 c is exact)
  //   cosine     sim = c[j] * (ia * ib[j]),  dist = 1 - min(1, max(-1, sim))

  /**
   * The first {@code j} in {@code [from, to)} whose squared Euclidean value {@code v} has {@code v
   * <= bound} or needs refinement ({@code !(v > ra + rb[bo + j])}, NaN included); {@code to} if
   * none.
   *
   * @param c the C tile. Not modified.
   * @param co where the row starts in {@code c}
   * @param na the query row's squared norm
   * @param ra the query row's rounding bound
   * @param nb the base rows' squared norms. Not modified.
   * @param rb the base rows' rounding bounds. Not modified.
   * @param bo where column 0's norm and bound are in {@code nb}, {@code rb}
   * @param from first column (inclusive)
   * @param to last column (exclusive)
   * @param bound the query's current k-th best
   * @return the column, or {@code to}
   */
  public int scanEuclidean(
      float[] c,
      int co,
      float na,
      float ra,
      float[] nb,
      float[] rb,
      int bo,
      int from,
      int to,
      float bound) {
    return scan(c, co, na, ra, nb, rb, bo, from, to, bound, null);
  }

  /**
   * As {@link #scanEuclidean}, with a bound per column: the first {@code j} whose {@code v <=
   * bounds[bo + j]} or that needs refinement. Row {@code i} of a tile is then offered to the heaps
   * of the tile's columns (the symmetric k-NN's second direction) without transposing the tile.
   *
   * @param c the C tile. Not modified.
   * @param co where the row starts in {@code c}
   * @param na the query row's squared norm
   * @param ra the query row's rounding bound
   * @param nb the base rows' squared norms. Not modified.
   * @param rb the base rows' rounding bounds. Not modified.
   * @param bounds each column's current k-th best. Not modified.
   * @param bo where column 0's values are in {@code nb}, {@code rb}, {@code bounds}
   * @param from first column (inclusive)
   * @param to last column (exclusive)
   * @return the column, or {@code to}
   */
  public int scanEuclideanColumns(
      float[] c,
      int co,
      float na,
      float ra,
      float[] nb,
      float[] rb,
      float[] bounds,
      int bo,
      int from,
      int to) {
    return scan(c, co, na, ra, nb, rb, bo, from, to, 0f, bounds);
  }

  /** Both scans: against {@code bounds[bo + j]} when not null, else {@code bound}. */
  private static int scan(
      float[] c,
      int co,
      float na,
      float ra,
      float[] nb,
      float[] rb,
      int bo,
      int from,
      int to,
      float bound,
      float[] bounds) {
    for (int j = from; j < to; j++) {
      float v = (na + nb[bo + j]) - 2f * c[co + j];
      if (v <= (bounds == null ? bound : bounds[bo + j]) || !(v > ra + rb[bo + j])) {
        return j;
      }
    }
    return to;
  }

  /**
   * {@code out[oo + j] = (float) sqrt(v_j)} for {@code j < n} (NaN where {@code v_j < 0}).
   *
   * @param c the C tile. Not modified.
   * @param co where the row starts in {@code c}
   * @param na the query row's squared norm
   * @param nb the base rows' squared norms. Not modified.
   * @param bo where column 0's norm is in {@code nb}
   * @param n number of columns
   * @param out Modified: receives the distances
   * @param oo where they start in {@code out}
   */
  public void sqrtEuclidean(
      float[] c, int co, float na, float[] nb, int bo, int n, float[] out, int oo) {
    for (int j = 0; j < n; j++) {
      out[oo + j] = (float) Math.sqrt((na + nb[bo + j]) - 2f * c[co + j]);
    }
  }

  /**
   * {@link #sqrtEuclidean} times {@code scale}, and {@link #scanEuclidean} from 0 with no bound, in
   * one pass: {@code out[oo + j] = (float) sqrt(v_j) * scale} for {@code j < n}, and the first
   * column that needs refinement. The Vector API kernel reads the row of C once instead of three
   * times.
   *
   * @param c the C tile. Not modified.
   * @param co where the row starts in {@code c}
   * @param na the query row's squared norm
   * @param ra the query row's rounding bound
   * @param nb the base rows' squared norms. Not modified.
   * @param rb the base rows' rounding bounds. Not modified.
   * @param bo where column 0's norm and bound are in {@code nb}, {@code rb}
   * @param n number of columns
   * @param scale a power of two (a normal float) that takes the distances back to their units
   * @param out Modified: receives the distances
   * @param oo where they start in {@code out}
   * @return the first column that needs refinement, or {@code n}
   */
  public int euclideanDistances(
      float[] c,
      int co,
      float na,
      float ra,
      float[] nb,
      float[] rb,
      int bo,
      int n,
      float scale,
      float[] out,
      int oo) {
    sqrtEuclidean(c, co, na, nb, bo, n, out, oo);
    for (int j = 0; j < n; j++) {
      out[oo + j] *= scale;
    }
    return scanEuclidean(c, co, na, ra, nb, rb, bo, 0, n, Float.NEGATIVE_INFINITY);
  }

  /**
   * The first {@code j} in {@code [from, to)} whose cosine distance is below {@code worst} or at
   * most {@code refine} (NaN included); {@code to} if none.
   *
   * @param c the C tile. Not modified.
   * @param co where the row starts in {@code c}
   * @param ia the query row's inverse norm
   * @param ib the base rows' inverse norms. Not modified.
   * @param bo where column 0's inverse norm is in {@code ib}
   * @param from first column (inclusive)
   * @param to last column (exclusive)
   * @param worst the query's current k-th best
   * @param refine distances at most this need the exact refinement
   * @return the column, or {@code to}
   */
  public int scanCosine(
      float[] c,
      int co,
      float ia,
      float[] ib,
      int bo,
      int from,
      int to,
      float worst,
      float refine) {
    for (int j = from; j < to; j++) {
      float sim = c[co + j] * (ia * ib[bo + j]);
      float dist = 1f - Math.min(1f, Math.max(-1f, sim));
      if (dist < worst || !(dist > refine)) {
        return j;
      }
    }
    return to;
  }

  /**
   * {@code out[oo + j]} = cosine distance by the formula above, for {@code j < n}.
   *
   * @param c the C tile. Not modified.
   * @param co where the row starts in {@code c}
   * @param ia the query row's inverse norm
   * @param ib the base rows' inverse norms. Not modified.
   * @param bo where column 0's inverse norm is in {@code ib}
   * @param n number of columns
   * @param out Modified: receives the distances
   * @param oo where they start in {@code out}
   */
  public void cosineDistances(
      float[] c, int co, float ia, float[] ib, int bo, int n, float[] out, int oo) {
    for (int j = 0; j < n; j++) {
      float sim = c[co + j] * (ia * ib[bo + j]);
      out[oo + j] = 1f - Math.min(1f, Math.max(-1f, sim));
    }
  }

  // ------------------------------------------------------------------ float64 micro-kernel

  /**
   * Rows of A per float64 micro-panel.
   *
   * @return the panel height of A
   */
  public abstract int mrDouble();

  /**
   * Rows of B per float64 micro-panel.
   *
   * @return the panel height of B
   */
  public abstract int nrDouble();

  /**
   * The float64 micro-kernel, same layout and contract as {@link #micro} but always accumulating
   * into C: {@code C[r][col] += sum_k ap[apOff + k*mr + r] * bp[bpOff + k*nr + col]}.
   *
   * @param ap packed A panels. Not modified.
   * @param apOff where the A micro-panel starts
   * @param bp packed B panels. Not modified.
   * @param bpOff where the B micro-panel starts
   * @param kc depth of the product
   * @param c Modified: receives the tile, added into
   * @param cOff where the tile starts in {@code c}
   * @param ldc row stride of {@code c}
   */
  public abstract void microDouble(
      double[] ap, int apOff, double[] bp, int bpOff, int kc, double[] c, int cOff, int ldc);
}
