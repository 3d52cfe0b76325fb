package io.github.embeddinggeometry.cuda.internal;

import io.github.embeddinggeometry.EmbeddingMatrix;
import io.github.embeddinggeometry.ProgressListener;
import io.github.embeddinggeometry.backend.Backends;
import io.github.embeddinggeometry.metric.CausalMetric;
import io.github.embeddinggeometry.metric.DistanceBlockConsumer;
import io.github.embeddinggeometry.metric.DistanceKernel;
import io.github.embeddinggeometry.metric.MetricSpace;
import io.github.embeddinggeometry.metric.Neighbours;
import java.lang.ref.WeakReference;
import java.util.Objects;

/**
 * The CUDA {@link DistanceKernel}. Rows live on the device (uploaded once per matrix, float32);
 * Gram blocks come from {@link Gemm} on row chunks; the epilogue kernel applies the CPU backend's
 * exactness rule (same refinement threshold, same direct formulas); k-NN keeps per-row top-k lists
 * on the device so only {@code N x k} results come back. Causal distances are Euclidean distances
 * of rows mapped on the device as they are uploaded ({@link DeviceCausalMap}, the metric's factor
 * resident with the kernel); only the host refinement of tensor-core candidates maps rows on the
 * CPU ({@link CausalMetric#map}).
 *
 * <p>Thread-safe: GPU work is serialised by the session's context lock.
 */
// The context scope is held for its lock, never referenced: "try" lint does not apply.
@SuppressWarnings("try")
public final class CudaDistanceKernel implements DistanceKernel {
  /**
   * Refinement threshold: the CPU backend's {@code DistanceEngine.REFINE} (Euclidean: share of
   * {@code |a|^2 + |b|^2}; cosine: the distance). Kept equal so both backends refine the same
   * pairs.
   */
  static final float REFINE = 0.05f;

  /** Longest top-k list the device selection keeps (TOPK_MAX in the CUDA source). */
  static final int TOPK_MAX = 128;

  private final CudaSession session;
  private final MetricSpace metric;
  private final CausalMetric causal;
  private DeviceCausalMap deviceMap;
  private final boolean cosine;
  private final Resident cache0 = new Resident();
  private final Resident cache1 = new Resident();
  private boolean closed;

  public CudaDistanceKernel(CudaSession session, MetricSpace metric) {
    this.session = Objects.requireNonNull(session, "session");
    this.metric = Objects.requireNonNull(metric, "metric");
    this.causal = metric instanceof MetricSpace.Causal c ? c.metric() : null;
    this.cosine = metric instanceof MetricSpace.Cosine;
  }

  @Override
  public MetricSpace metric() {
    return metric;
  }

  // ------------------------------------------------------------------------------ resident rows

  /** One cached device copy: the raw matrix (weakly), its mapped rows, their device rows. */
  private static final class Resident {
    WeakReference<EmbeddingMatrix> raw = new WeakReference<>(null);
    DeviceRows rows;

    void clear() {
      if (rows != null) {
        rows.close();
      }
      rows = null;
      raw = new WeakReference<>(null);
    }
  }

  /** Device bytes this kernel keeps: the resident rows and the causal factor. */
  private long heldBytes() {
    long b = deviceMap == null ? 0 : deviceMap.bytes();
    for (Resident r : new Resident[] {cache0, cache1}) {
      if (r.rows != null) {
        b += r.rows.bytes();
      }
    }
    return b;
  }

  /**
   * The device rows of {@code m} (mapped when causal), uploaded on first use and kept for the next
   * call; the two most recent matrices stay resident. Null when {@code m} does not fit in half the
   * budget: the caller then streams row chunks.
   */
  private DeviceRows resident(EmbeddingMatrix m, EmbeddingMatrix keep, String what) {
    for (Resident r : new Resident[] {cache0, cache1}) {
      if (r.raw.get() == m && r.rows != null) {
        return r.rows;
      }
    }
    DeviceCausalMap map = deviceMap(); // first, so that the budget below counts the factor
    long need = DeviceRows.bytes(m.rows(), m.dim());
    // Evict the entry not needed by this call, then check the budget without it.
    Resident victim = cache1.raw.get() == keep && keep != null ? cache0 : cache1;
    victim.clear();
    if (need > session.budget(heldBytes()) / 2) {
      return null;
    }
    victim.rows = DeviceRows.upload(session.context(), m, 0, m.rows(), what, map);
    victim.raw = new WeakReference<>(m);
    if (victim == cache1) {
      // keep cache0 the most recent
      Resident t = new Resident();
      t.raw = cache0.raw;
      t.rows = cache0.rows;
      cache0.raw = cache1.raw;
      cache0.rows = cache1.rows;
      cache1.raw = t.raw;
      cache1.rows = t.rows;
      return cache0.rows;
    }
    return victim.rows;
  }

  /**
   * The causal metric's factor on the device, uploaded on first use; null for Euclidean and cosine.
   * Called inside the context scope.
   */
  private DeviceCausalMap deviceMap() {
    if (causal != null && deviceMap == null) {
      deviceMap = new DeviceCausalMap(session.context(), causal);
    }
    return deviceMap;
  }

  /**
   * The rows as the host refinement sees them: mapped on the CPU by the causal metric's factor when
   * there is one. (The backends' check layer has already checked shapes and finiteness.)
   */
  private EmbeddingMatrix hostRows(EmbeddingMatrix m) {
    return causal == null ? m : causal.map(m, ProgressListener.NONE);
  }

  /** Rows [from, to) of m on the device: a view of the resident copy or a fresh upload. */
  private final class Rows implements AutoCloseable {
    final DeviceRows rows;
    final int offset;
    final boolean owned;

    Rows(DeviceRows resident, EmbeddingMatrix m, int from, int to, String what) {
      if (resident != null) {
        rows = resident;
        offset = from;
        owned = false;
      } else {
        rows = DeviceRows.upload(session.context(), m, from, to, what, deviceMap());
        offset = 0;
        owned = true;
      }
    }

    @Override
    public void close() {
      if (owned) {
        rows.close();
      }
    }
  }

  // ------------------------------------------------------------------------------ device steps

  /** D[0..m) x [0..n) = distances of query rows q[qOff..] to base rows b[bOff..]. */
  private void block(
      DeviceRows q,
      int qOff,
      int m,
      DeviceRows b,
      int bOff,
      int n,
      DeviceBuffer d,
      boolean excludeSelf) {
    int dim = q.dim;
    session.distanceGemm().abT(m, n, dim, q.row(qOff), dim, b.row(bOff), dim, d.ptr(), n);
    session
        .context()
        .launch(
            "dist_epilogue",
            Gemm.ceilDiv(n, 256),
            Math.min(m, 65535),
            256,
            d.ptr(),
            m,
            n,
            n,
            q.sq(qOff),
            q.inv(qOff),
            b.sq(bOff),
            b.inv(bOff),
            q.row(qOff),
            dim,
            b.row(bOff),
            dim,
            dim,
            excludeSelf ? q.ids(qOff) : null,
            excludeSelf ? b.ids(bOff) : null,
            cosine ? 1 : 0,
            REFINE);
  }

  // ------------------------------------------------------------------------------ API

  @Override
  public void distances(
      EmbeddingMatrix a,
      int aFrom,
      int aTo,
      EmbeddingMatrix b,
      int bFrom,
      int bTo,
      float[] out,
      int outOffset,
      int outStride) {
    if (!Magnitudes.safe(a) || !Magnitudes.safe(b)) {
      cpu().distances(a, aFrom, aTo, b, bFrom, bTo, out, outOffset, outStride);
      return;
    }
    int m = aTo - aFrom;
    int n = bTo - bFrom;
    try (CudaContext.Scope s = session.context().enter()) {
      checkOpen();
      DeviceRows ra = resident(a, b, "first matrix");
      DeviceRows rb = b == a ? ra : resident(b, a, "second matrix");
      ChunkPlan plan = ChunkPlan.plan(m, n, a.dim(), 0, false, session.budget(heldBytes()));
      try (DeviceBuffer d =
          session.context().alloc(4L * plan.queryRows() * plan.baseRows(), "distance block")) {
        for (int q0 = 0; q0 < m; q0 += plan.queryRows()) {
          int qm = Math.min(plan.queryRows(), m - q0);
          try (Rows qr = new Rows(ra, a, aFrom + q0, aFrom + q0 + qm, "first matrix")) {
            for (int b0 = 0; b0 < n; b0 += plan.baseRows()) {
              int bn = Math.min(plan.baseRows(), n - b0);
              try (Rows br = new Rows(rb, b, bFrom + b0, bFrom + b0 + bn, "second matrix")) {
                block(qr.rows, qr.offset, qm, br.rows, br.offset, bn, d, false);
                copyOut(d, qm, bn, out, outOffset + q0 * outStride + b0, outStride);
              }
            }
          }
        }
      }
    }
  }

  /** Copies an m x n device block into out with row stride {@code stride}. */
  private static void copyOut(DeviceBuffer d, int m, int n, float[] out, int off, int stride) {
    if (stride == n) {
      d.download(0, out, off, m * n);
      return;
    }
    for (int i = 0; i < m; i++) {
      d.download(4L * i * n, out, off + i * stride, n);
    }
  }

  @Override
  public void forEachBlock(
      EmbeddingMatrix a,
      EmbeddingMatrix b,
      int blockRows,
      DistanceBlockConsumer consumer,
      ProgressListener progress) {
    if (!Magnitudes.safe(a) || !Magnitudes.safe(b)) {
      cpu().forEachBlock(a, b, blockRows, consumer, progress);
      return;
    }
    int m = a.rows();
    int n = b.rows();
    if (m == 0 || n == 0) {
      return;
    }
    // Host block: at most blockRows rows, and never an array Java cannot index.
    int rows = (int) Math.max(1, Math.min(blockRows, (Integer.MAX_VALUE - 8L) / n));
    float[] block = null;
    for (int r0 = 0; r0 < m; r0 += rows) {
      ProgressListener.checkCancelled(progress);
      int r1 = Math.min(m, r0 + rows);
      if (block == null) {
        block = new float[Math.min(rows, m) * n];
      }
      distances(a, r0, r1, b, 0, n, block, 0, n);
      consumer.accept(r0, r1, block, n);
      progress.progress("distances", r1, m);
    }
  }

  @Override
  public Neighbours nearest(
      EmbeddingMatrix queries, EmbeddingMatrix base, int k, ProgressListener progress) {
    if (!Magnitudes.safe(queries) || !Magnitudes.safe(base)) {
      return cpu().nearest(queries, base, k, progress);
    }
    int nq = queries.rows();
    boolean anySelf = false;
    for (int i = 0; i < nq && !anySelf; i++) {
      anySelf = queries == base || base.rowOf(queries.id(i)) >= 0;
    }
    int candidates = base.rows() - (anySelf ? 1 : 0);
    int[] idx = new int[Math.multiplyExact(nq, k)];
    float[] dist = new float[idx.length];
    if (nq == 0) {
      return new Neighbours(queries, base, metric, k, idx, dist);
    }
    if (k > TOPK_MAX) {
      // The device top-k lists hold at most TOPK_MAX entries; longer lists are the CPU's job (the
      // same exact answer, by the contract both backends pass).
      return cpu().nearest(queries, base, k, progress);
    }
    boolean tc = session.tensorCores();
    // Tensor-core Gram values carry TF32 rounding: select extra candidates, refine them directly.
    int kc = tc ? Math.min(Math.min(TOPK_MAX, candidates), k + Math.max(k, 16)) : k;
    int nb = base.rows();
    int dim = base.dim();
    try (CudaContext.Scope s = session.context().enter()) {
      checkOpen();
      DeviceRows rb = resident(base, queries, "base");
      DeviceRows rq = queries == base ? rb : resident(queries, base, "queries");
      ChunkPlan plan =
          ChunkPlan.plan(
              nq, nb, dim, kc, queries == base && rb != null, session.budget(heldBytes()));
      int qc = plan.queryRows();
      float[] hv = new float[qc * kc];
      int[] hi = new int[qc * kc];
      CudaContext ctx = session.context();
      try (DeviceBuffer d = ctx.alloc(4L * qc * plan.baseRows(), "distance block");
          DeviceBuffer bestVal = ctx.alloc(4L * qc * kc, "top-k distances");
          DeviceBuffer bestIdx = ctx.alloc(4L * qc * kc, "top-k indices")) {
        for (int q0 = 0; q0 < nq; q0 += qc) {
          ProgressListener.checkCancelled(progress);
          int qm = Math.min(qc, nq - q0);
          try (Rows qr = new Rows(rq, queries, q0, q0 + qm, "queries")) {
            for (int b0 = 0; b0 < nb; b0 += plan.baseRows()) {
              int bn = Math.min(plan.baseRows(), nb - b0);
              try (Rows br = new Rows(rb, base, b0, b0 + bn, "base")) {
                block(qr.rows, qr.offset, qm, br.rows, br.offset, bn, d, true);
                ctx.launch(
                    "topk_merge",
                    qm,
                    1,
                    128,
                    d.ptr(),
                    qm,
                    bn,
                    bn,
                    b0,
                    kc,
                    bestVal.ptr(),
                    bestIdx.ptr(),
                    b0 > 0 ? 1 : 0);
              }
            }
            if (tc && rb != null) {
              ctx.launch(
                  "refine_candidates",
                  Gemm.ceilDiv(qm * kc, 256),
                  1,
                  256,
                  qr.rows.row(qr.offset),
                  dim,
                  rb.row(0),
                  dim,
                  dim,
                  qm,
                  bestIdx.ptr(),
                  kc,
                  bestVal.ptr(),
                  cosine ? 1 : 0);
            }
            bestVal.download(0, hv, 0, qm * kc);
            bestIdx.download(0, hi, 0, qm * kc);
          }
          if (tc && rb == null) {
            HostRefine.refine(hostRows(queries), q0, qm, hostRows(base), hi, hv, kc, cosine);
          }
          TopKLists.select(hv, hi, qm, kc, k, dist, idx, q0 * k);
          progress.progress("k-NN", q0 + qm, nq);
        }
      }
    }
    return new Neighbours(queries, base, metric, k, idx, dist);
  }

  /** The CPU backend's kernel of this metric: the answer for rows outside {@link Magnitudes}. */
  private DistanceKernel cpu() {
    return Backends.cpu().distanceKernel(metric);
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("CUDA distance kernel is closed");
    }
  }

  /** Frees the resident rows; idempotent. */
  @Override
  public void close() {
    try (CudaContext.Scope s = session.context().enter()) {
      closed = true;
      cache0.clear();
      cache1.clear();
      if (deviceMap != null) {
        deviceMap.close();
        deviceMap = null;
      }
    } catch (IllegalStateException contextClosed) {
      closed = true; // the context took the buffers with it
    }
  }
}
