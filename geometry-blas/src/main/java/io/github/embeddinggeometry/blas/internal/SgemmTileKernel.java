package io.github.embeddinggeometry.blas.internal;

import static org.bytedeco.openblas.global.openblas_nolapack.CblasNoTrans;
import static org.bytedeco.openblas.global.openblas_nolapack.CblasRowMajor;
import static org.bytedeco.openblas.global.openblas_nolapack.CblasTrans;
import static org.bytedeco.openblas.global.openblas_nolapack.cblas_sgemm;

import io.github.embeddinggeometry.backend.spi.Parallel;
import io.github.embeddinggeometry.backend.spi.TileKernel;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.bytedeco.javacpp.FloatPointer;

/**
 * A {@link TileKernel} whose tiles come from OpenBLAS's {@code sgemm} ({@code C = A B^T}, never
 * SSYRK: OpenBLAS 0.3.31's AVX-512 SSYRK crashes on Zen 5 from N of about 28,000). With {@code mr()
 * == nr() == 1} the engine's packed panels are plain row-major rows, which is what {@code sgemm}
 * reads. Everything after the product, the distance epilogues and the float64 micro-kernel, is the
 * pure-Java kernel's, so the exactness contract is the same code.
 *
 * <p>Each call copies its A rows into a native buffer and the product back: a JNI call on Java
 * arrays would copy the whole arrays. A self-product's A rows lie in the shared base (below) and
 * are not copied at all. B is often the whole packed base, announced by {@link #shareBase}: it is
 * then copied to native memory once per operation, a segment at a time by whichever thread first
 * needs it; a B not announced (or one whose native copy cannot be allocated) is copied per call
 * like A. All these buffers come from a {@link BufferPool} that keeps up to {@link
 * #RETAINED_FLOATS} floats for the next call and operation (fresh native memory costs a page fault
 * per 4 KB), freed by {@link #releaseBuffers()} or when the backend closes.
 *
 * <p>OpenBLAS re-packs both operands on every call, a cost proportional to {@code (m + n) depth}
 * against {@code m n depth} multiply-adds, so this kernel asks the engine for much larger tiles
 * than the Java kernels' L2-sized ones ({@link #tileRows()} x {@link #tileCols()}), and larger
 * still for a plain product, whose tiles no epilogue reads back ({@link #productTileRows()}).
 *
 * <p>Within one process a pair's dot product depends only on its two rows: every element of a tile
 * is one sequential multiply-add chain over the depth in OpenBLAS's kernel, with the same depth
 * blocking for every element, so bitwise-equal rows give bitwise-equal values and {@code dot(a, b)
 * == dot(b, a)}; the contract tests of geometry-core check that. The bits can differ from the
 * pure-Java kernel's and from another OpenBLAS kernel's (another CPU).
 */
public final class SgemmTileKernel extends TileKernel {
  private final TileKernel epilogues;

  /** Native buffers kept between calls and operations: see {@link BufferPool}. */
  private final BufferPool pool = new BufferPool(RETAINED_FLOATS);

  /**
   * Floats of native memory this kernel keeps between operations (384 MB): the shared base and the
   * tiles of a two-thread product of 8,192 x 8,192 rows of depth 2,560, or of the MiniLM k-NN,
   * without a fresh page for every 4 KB of them on the next operation.
   */
  static final long RETAINED_FLOATS = 96L << 20;

  /** Floats of C one product tile may hold in flight, summed over the threads (256 MB). */
  static final long PRODUCT_FLOATS_IN_FLIGHT = 64L << 20;

  /** Floats per segment of a shared base's off-heap copy (4 MB): the unit one thread copies. */
  static final int SEGMENT = 1 << 20;

  /** The bases announced by operations in progress (few at a time, so a list). */
  private final List<Shared> shared = new CopyOnWriteArrayList<>();

  /**
   * A packed base {@code packed[origin, end)} and its off-heap copy, filled segment by segment on
   * first use.
   */
  private final class Shared implements SharedBase {
    final float[] packed;
    private final int origin;
    private final int end;
    final FloatPointer copy;
    private final AtomicIntegerArray ready;
    private final Object[] locks;

    Shared(float[] packed, int origin, int end, FloatPointer copy) {
      this.packed = packed;
      this.origin = origin;
      this.end = end;
      this.copy = copy;
      int segments = (end - origin + SEGMENT - 1) / SEGMENT;
      this.ready = new AtomicIntegerArray(segments);
      this.locks = new Object[segments];
      Arrays.setAll(locks, i -> new Object());
    }

    /**
     * The copy of {@code packed[from, from + len)}, copied first where it was not yet; null when
     * that range is not all shared.
     */
    FloatPointer at(int from, int len) {
      if (from < origin || from + len > end) {
        return null;
      }
      int rel = from - origin;
      for (int seg = rel / SEGMENT, last = (rel + len - 1) / SEGMENT; seg <= last; seg++) {
        if (ready.get(seg) == 0) {
          synchronized (locks[seg]) {
            if (ready.get(seg) == 0) {
              int start = seg * SEGMENT;
              int count = Math.min(SEGMENT, end - origin - start);
              copy.getPointer(start).put(packed, origin + start, count);
              ready.set(seg, 1);
            }
          }
        }
      }
      return copy.getPointer(rel);
    }

    @Override
    public void close() {
      if (shared.remove(this)) {
        pool.give(copy);
      }
    }
  }

  /**
   * A kernel on OpenBLAS, with the epilogues of {@code epilogues}.
   *
   * @param epilogues the pure-Java kernel whose distance epilogues and float64 micro-kernel are
   *     used
   * @throws UnsupportedOperationException if OpenBLAS cannot be loaded here
   */
  public SgemmTileKernel(TileKernel epilogues) {
    Native.require();
    this.epilogues = Objects.requireNonNull(epilogues, "epilogues");
  }

  /** Frees the native buffers kept for later operations (they are made again when needed). */
  public void releaseBuffers() {
    pool.clear();
  }

  /** Floats of native memory kept for later operations (for tests). */
  long retainedFloats() {
    return pool.retained();
  }

  /**
   * Copies {@code packed[from, to)} off-heap once, in segments as the tiles first need them, until
   * the handle is closed; where that copy cannot be allocated, B is copied per call as before.
   */
  @Override
  public SharedBase shareBase(float[] packed, int from, int to) {
    Objects.checkFromToIndex(from, to, packed.length);
    if (to == from) {
      return SharedBase.NONE;
    }
    FloatPointer copy;
    try {
      copy = pool.take(to - from);
    } catch (OutOfMemoryError e) {
      return SharedBase.NONE; // JavaCPP's off-heap limit: per-call copies need no more than a tile
    }
    Shared s = new Shared(packed, from, to, copy);
    shared.add(s);
    return s;
  }

  /** Bases announced and not yet closed (for tests: a closed operation leaves none behind). */
  int sharedBases() {
    return shared.size();
  }

  /**
   * 512 query rows: OpenBLAS's packing of B, once per call, is then a small part of the call, and a
   * thread's A and C stay within a few MB.
   */
  @Override
  public int tileRows() {
    return 512;
  }

  /** 4,096 base rows: the per-call copy of A and packing of A are spread over 4,096 columns. */
  @Override
  public int tileCols() {
    return 4096;
  }

  /**
   * 2,048 query rows for a plain product (fewer where the threads' C tiles would exceed {@link
   * #PRODUCT_FLOATS_IN_FLIGHT}): each call packs all of its B, so few large calls come closest to
   * one whole-operand {@code sgemm}.
   */
  @Override
  public int productTileRows() {
    long perThread = PRODUCT_FLOATS_IN_FLIGHT / Parallel.threads() / productTileCols();
    return (int) Math.max(tileRows(), Math.min(2048, perThread));
  }

  /** 8,192 base rows for a plain product: see {@link #productTileRows()}. */
  @Override
  public int productTileCols() {
    return 8192;
  }

  @Override
  public int mr() {
    return 1;
  }

  @Override
  public int nr() {
    return 1;
  }

  @Override
  public String description() {
    return "OpenBLAS sgemm, epilogues on " + epilogues.description();
  }

  @Override
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
    int m = aPanels;
    int n = bPanels;
    if (m == 0 || n == 0) {
      return;
    }
    if (depth == 0) {
      for (int i = 0; i < m; i++) {
        Arrays.fill(c, cOff + i * ldc, cOff + i * ldc + n, 0f);
      }
      return;
    }
    FloatPointer cBuf = pool.take((long) m * n);
    FloatPointer aBuf = null;
    FloatPointer bBuf = null;
    try {
      // A self-product's query rows lie in the shared base too: then neither operand is copied.
      FloatPointer a = inShared(ap, aOff, m * depth);
      if (a == null) {
        aBuf = pool.take((long) m * depth);
        aBuf.put(ap, aOff, m * depth);
        a = aBuf;
      }
      FloatPointer b = inShared(bp, bOff, n * depth);
      if (b == null) {
        bBuf = pool.take((long) n * depth);
        bBuf.put(bp, bOff, n * depth);
        b = bBuf;
      }
      cblas_sgemm(
          CblasRowMajor,
          CblasNoTrans,
          CblasTrans,
          m,
          n,
          depth,
          1f,
          a,
          depth,
          b,
          depth,
          0f,
          cBuf,
          n);
      if (ldc == n) {
        cBuf.get(c, cOff, m * n);
      } else {
        // Row by row through a direct buffer, not JNI: a JNI copy pins the array (a critical
        // section) per row, which cost the k-NN's 512-column tiles in rows of 4,096 about 2% of
        // their time.
        FloatBuffer view = cBuf.limit((long) m * n).asBuffer();
        for (int i = 0; i < m; i++) {
          view.get(i * n, c, cOff + i * ldc, n);
        }
      }
    } finally {
      pool.give(cBuf);
      pool.give(aBuf);
      pool.give(bBuf);
    }
  }

  /** The off-heap copy of {@code array[from, from + len)} where a share holds it, else null. */
  private FloatPointer inShared(float[] array, int from, int len) {
    for (Shared s : shared) {
      FloatPointer p;
      if (s.packed == array && (p = s.at(from, len)) != null) {
        return p;
      }
    }
    return null;
  }

  /** The 1 x 1 micro-kernel: one dot product, for callers that use micro-kernels directly. */
  @Override
  public void micro(
      float[] ap,
      int apOff,
      float[] bp,
      int bpOff,
      int kc,
      float[] c,
      int cOff,
      int ldc,
      boolean accumulate) {
    float s = accumulate ? c[cOff] : 0f;
    for (int k = 0; k < kc; k++) {
      s = Math.fma(ap[apOff + k], bp[bpOff + k], s);
    }
    c[cOff] = s;
  }

  @Override
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
    return epilogues.scanEuclidean(c, co, na, ra, nb, rb, bo, from, to, bound);
  }

  @Override
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
    return epilogues.scanEuclideanColumns(c, co, na, ra, nb, rb, bounds, bo, from, to);
  }

  @Override
  public void sqrtEuclidean(
      float[] c, int co, float na, float[] nb, int bo, int n, float[] out, int oo) {
    epilogues.sqrtEuclidean(c, co, na, nb, bo, n, out, oo);
  }

  @Override
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
    return epilogues.euclideanDistances(c, co, na, ra, nb, rb, bo, n, scale, out, oo);
  }

  @Override
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
    return epilogues.scanCosine(c, co, ia, ib, bo, from, to, worst, refine);
  }

  @Override
  public void cosineDistances(
      float[] c, int co, float ia, float[] ib, int bo, int n, float[] out, int oo) {
    epilogues.cosineDistances(c, co, ia, ib, bo, n, out, oo);
  }

  @Override
  public int mrDouble() {
    return epilogues.mrDouble();
  }

  @Override
  public int nrDouble() {
    return epilogues.nrDouble();
  }

  @Override
  public void microDouble(
      double[] ap, int apOff, double[] bp, int bpOff, int kc, double[] c, int cOff, int ldc) {
    epilogues.microDouble(ap, apOff, bp, bpOff, kc, c, cOff, ldc);
  }
}
