package io.github.embeddinggeometry.internal.cpu;

import io.github.embeddinggeometry.EmbeddingMatrix;
import io.github.embeddinggeometry.ProgressListener;
import io.github.embeddinggeometry.backend.spi.TileKernel;
import io.github.embeddinggeometry.backend.spi.UpperBlocks;
import io.github.embeddinggeometry.internal.linalg.CausalMap;
import io.github.embeddinggeometry.metric.DistanceBlockConsumer;
import io.github.embeddinggeometry.metric.DistanceKernel;
import io.github.embeddinggeometry.metric.MetricSpace;
import io.github.embeddinggeometry.metric.Neighbours;
import java.lang.ref.SoftReference;
import java.lang.ref.WeakReference;
import java.util.Objects;

/**
 * The pure-Java {@link DistanceKernel}: Euclidean and cosine through {@link DistanceEngine}; causal
 * as the Euclidean distance of rows mapped once by {@link CausalMap} (the last two mapped matrices
 * are cached, softly, keyed by identity; a view of a cached matrix, e.g. a slice, reuses its mapped
 * rows, so repeated block calls map only once).
 *
 * <p>Causal rows are mapped by the normalised factor ({@link CausalMap.Factor}), so they stay in
 * float32's range whatever the scale of M, and every distance is multiplied back by {@code
 * 2^exponent} at the end (exact wherever float32 holds the result). k-NN lists keep the distances
 * of the normalised metric with that exponent ({@link Neighbours}), so neighbour order and mean
 * distances survive scales float32 cannot hold.
 */
final class CpuDistanceKernel implements DistanceKernel, UpperBlocks {
  private final MetricSpace metric;
  private final DistanceEngine engine;
  private final CausalMap.Factor causal;
  private final MappedCache cache = new MappedCache();
  private final TileKernel kern;

  CpuDistanceKernel(MetricSpace metric, TileKernel kern) {
    this.kern = kern;
    this.metric = Objects.requireNonNull(metric, "metric");
    if (metric instanceof MetricSpace.Cosine) {
      engine = new DistanceEngine(kern, DistanceEngine.Kind.COSINE);
      causal = null;
    } else if (metric instanceof MetricSpace.Euclidean) {
      engine = new DistanceEngine(kern, DistanceEngine.Kind.EUCLIDEAN);
      causal = null;
    } else {
      engine = new DistanceEngine(kern, DistanceEngine.Kind.EUCLIDEAN);
      causal = CausalMap.Factor.of(((MetricSpace.Causal) metric).metric().choleskyLower());
    }
  }

  /** Power of two that takes distances of the normalised causal metric to M's units; else 0. */
  private int exponent() {
    return causal == null ? 0 : causal.exponent();
  }

  /** Multiplies rows {@code [0, rows)} of a block by {@code 2^exponent()}, in place. */
  private void unscale(float[] block, int offset, int rows, int cols, int stride) {
    int e = exponent();
    if (e == 0) {
      return;
    }
    for (int i = 0; i < rows; i++) {
      DistanceEngine.scaleBack(block, offset + i * stride, cols, e);
    }
  }

  @Override
  public MetricSpace metric() {
    return metric;
  }

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
    EmbeddingMatrix ma = mapped(a, ProgressListener.NONE);
    EmbeddingMatrix mb = b == a ? ma : mapped(b, ProgressListener.NONE);
    Operand oa = engine.operand(ma, aFrom, aTo, ProgressListener.NONE);
    Operand ob =
        ma == mb && aFrom == bFrom && aTo == bTo
            ? oa
            : engine.operand(mb, bFrom, bTo, ProgressListener.NONE);
    engine.distances(oa, ob, out, outOffset, outStride, ProgressListener.NONE);
    unscale(out, outOffset, aTo - aFrom, bTo - bFrom, outStride);
  }

  @Override
  public void forEachBlock(
      EmbeddingMatrix a,
      EmbeddingMatrix b,
      int blockRows,
      DistanceBlockConsumer consumer,
      ProgressListener progress) {
    EmbeddingMatrix ma = mapped(a, progress);
    EmbeddingMatrix mb = b == a ? ma : mapped(b, progress);
    Operand oa = engine.operand(ma, 0, ma.rows(), progress);
    Operand ob = mb == ma ? oa : engine.operand(mb, 0, mb.rows(), progress);
    int cols = mb.rows();
    engine.forEachBlock(
        oa,
        ob,
        blockRows,
        exponent() == 0
            ? consumer
            : (from, to, block, stride) -> {
              unscale(block, 0, to - from, cols, stride);
              consumer.accept(from, to, block, stride);
            },
        progress);
  }

  @Override
  public boolean hasUpperBlocks() {
    return true;
  }

  @Override
  public void forEachBlockAbove(
      EmbeddingMatrix x, int blockRows, Blocks consumer, ProgressListener progress) {
    EmbeddingMatrix mx = mapped(x, progress);
    int cols = mx.rows();
    engine.forEachBlockAbove(
        engine.operand(mx, 0, mx.rows(), progress),
        blockRows,
        (from, to, block, stride) -> {
          // Only the entries above the diagonal are written (and read): the rest is stale.
          for (int r = 0; r < to - from; r++) {
            int first = from + r + 1;
            unscale(block, r * stride + first, 1, cols - first, stride);
          }
          consumer.accept(from, to, block, stride);
        },
        progress);
  }

  @Override
  public void forEachTileAbove(EmbeddingMatrix x, Tiles consumer, ProgressListener progress) {
    EmbeddingMatrix mx = mapped(x, progress);
    engine.forEachTileAbove(
        engine.operand(mx, 0, mx.rows(), progress),
        (r0, r1, c0, c1, tile, stride) -> {
          // Only the entries above the diagonal are written (and read): the rest is stale.
          for (int i = r0; i < r1; i++) {
            int first = Math.max(c0, i + 1);
            if (first < c1) {
              unscale(tile, (i - r0) * stride + first - c0, 1, c1 - first, stride);
            }
          }
          consumer.accept(r0, r1, c0, c1, tile, stride);
        },
        progress);
  }

  @Override
  public Neighbours nearest(
      EmbeddingMatrix queries, EmbeddingMatrix base, int k, ProgressListener progress) {
    int nq = queries.rows();
    int[] self = new int[nq];
    for (int i = 0; i < nq; i++) {
      self[i] = queries == base ? i : base.rowOf(queries.id(i));
    }
    int[] idx = new int[Math.multiplyExact(nq, k)];
    float[] dist = new float[idx.length];
    if (nq > 0) {
      EmbeddingMatrix mq = mapped(queries, progress);
      EmbeddingMatrix mb = base == queries ? mq : mapped(base, progress);
      Operand oq = engine.operand(mq, 0, nq, progress);
      Operand ob = mb == mq ? oq : engine.operand(mb, 0, mb.rows(), progress);
      if (base == queries) {
        engine.nearestSelf(oq, k, idx, dist, progress);
      } else {
        engine.nearest(oq, ob, k, self, idx, dist, progress);
      }
    }
    return new Neighbours(queries, base, metric, k, idx, dist, exponent());
  }

  private EmbeddingMatrix mapped(EmbeddingMatrix m, ProgressListener progress) {
    if (causal == null) {
      return m;
    }
    EmbeddingMatrix hit = cache.get(m);
    if (hit != null) {
      return hit;
    }
    ProgressListener.checkCancelled(progress);
    EmbeddingMatrix mm = CausalMap.mapNormalised(kern, m, causal, progress);
    cache.put(m, mm);
    return mm;
  }

  /** Two entries: raw matrix (weakly) to mapped matrix (softly). */
  private static final class MappedCache {
    private WeakReference<EmbeddingMatrix> raw0 = new WeakReference<>(null);
    private SoftReference<EmbeddingMatrix> mapped0 = new SoftReference<>(null);
    private WeakReference<EmbeddingMatrix> raw1 = new WeakReference<>(null);
    private SoftReference<EmbeddingMatrix> mapped1 = new SoftReference<>(null);

    synchronized EmbeddingMatrix get(EmbeddingMatrix raw) {
      EmbeddingMatrix hit = lookup(raw, raw0.get(), mapped0.get());
      return hit != null ? hit : lookup(raw, raw1.get(), mapped1.get());
    }

    /**
     * The mapped rows of {@code raw}: the cached matrix itself, or, when {@code raw} is a view of
     * the cached contiguous matrix (same backing array, every row where the cached matrix has that
     * id), the same selection of the cached mapped rows.
     */
    private static EmbeddingMatrix lookup(
        EmbeddingMatrix raw, EmbeddingMatrix cachedRaw, EmbeddingMatrix cachedMapped) {
      if (cachedRaw == null || cachedMapped == null) {
        return null;
      }
      if (cachedRaw == raw) {
        return cachedMapped;
      }
      if (raw.backingArray() != cachedRaw.backingArray()
          || !cachedRaw.isContiguous()
          || raw.dim() != cachedRaw.dim()) {
        return null;
      }
      for (int r = 0; r < raw.rows(); r++) {
        int p = cachedRaw.rowOf(raw.id(r));
        if (p < 0 || cachedRaw.rowOffsetInt(p) != raw.rowOffsetInt(r)) {
          return null;
        }
      }
      return cachedMapped.select(raw.ids());
    }

    synchronized void put(EmbeddingMatrix raw, EmbeddingMatrix mapped) {
      raw1 = raw0;
      mapped1 = mapped0;
      raw0 = new WeakReference<>(raw);
      mapped0 = new SoftReference<>(mapped);
    }
  }
}
