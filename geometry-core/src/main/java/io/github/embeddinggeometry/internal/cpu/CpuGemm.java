package io.github.embeddinggeometry.internal.cpu;

import io.github.embeddinggeometry.EmbeddingMatrix;
import io.github.embeddinggeometry.ProgressListener;
import java.util.Objects;

/**
 * {@code C = A B^T} in float32 for row ranges of two matrices, on all cores, with the same tiles
 * and micro-kernel as the distance engine. The entry point for benchmarks (GFLOP/s = {@code 2 m n
 * d / seconds}).
 */
public final class CpuGemm {
  private static final int MB = 64;

  private CpuGemm() {}

  /**
   * {@code c[cOffset + i * ldc + j] = sum_k a[aFrom + i][k] * b[bFrom + j][k]} with the default
   * kernel ({@link Kernels#get()}).
   *
   * @param c Modified: receives the {@code (aTo-aFrom) x (bTo-bFrom)} product
   */
  public static void multiplyTransposed(EmbeddingMatrix a, int aFrom, int aTo, EmbeddingMatrix b,
      int bFrom, int bTo, float[] c, int cOffset, int ldc) {
    multiplyTransposed(Kernels.get(), a, aFrom, aTo, b, bFrom, bTo, c, cOffset, ldc,
        ProgressListener.NONE);
  }

  /** As above, with an explicit micro-kernel and progress listener. */
  public static void multiplyTransposed(TileKernel kern, EmbeddingMatrix a, int aFrom, int aTo,
      EmbeddingMatrix b, int bFrom, int bTo, float[] c, int cOffset, int ldc,
      ProgressListener progress) {
    Objects.requireNonNull(c, "c");
    if (a.dim() != b.dim()) {
      throw new IllegalArgumentException("row dimensions differ: " + a.dim() + " vs " + b.dim());
    }
    Objects.checkFromToIndex(aFrom, aTo, a.rows());
    Objects.checkFromToIndex(bFrom, bTo, b.rows());
    int m = aTo - aFrom;
    int n = bTo - bFrom;
    if (m == 0 || n == 0) {
      return;
    }
    if (cOffset < 0 || ldc < n || (long) cOffset + (long) (m - 1) * ldc + n > c.length) {
      throw new IllegalArgumentException("c cannot hold " + m + " x " + n + " at offset "
          + cOffset + " with stride " + ldc);
    }
    int d = a.dim();
    int mr = kern.mr();
    int nr = kern.nr();
    int nb = nr * Math.max(1, (256 + nr - 1) / nr);
    int qTiles = (m + MB - 1) / MB;
    int bTiles = (n + nb - 1) / nb;
    final class S {
      final float[] ap = new float[MB * d];
      final float[] bp = new float[nb * d];
      final float[] ct = new float[MB * nb];
    }
    // Task = one query tile against a run of base tiles; enough tasks for every thread.
    int chunks = Math.max(1, Math.min(bTiles, (4 * Parallel.threads() + qTiles - 1) / qTiles));
    int perChunk = (bTiles + chunks - 1) / chunks;
    int nChunks = (bTiles + perChunk - 1) / perChunk;
    Parallel.run("gemm", qTiles * nChunks, (long) m * n, S::new, (s, t) -> {
      int tq = t / nChunks;
      int tb = t % nChunks;
      int i0 = tq * MB;
      int mm = Math.min(MB, m - i0);
      int aPanels = pack(a, aFrom + i0, mm, mr, d, s.ap);
      int jStart = tb * perChunk * nb;
      int jEnd = Math.min(n, jStart + perChunk * nb);
      for (int j0 = jStart; j0 < jEnd; j0 += nb) {
        int nn = Math.min(nb, jEnd - j0);
        int bPanels = pack(b, bFrom + j0, nn, nr, d, s.bp);
        kern.tile(s.ap, aPanels, s.bp, bPanels, d, s.ct, nb);
        for (int i = 0; i < mm; i++) {
          System.arraycopy(s.ct, i * nb, c, cOffset + (i0 + i) * ldc + j0, nn);
        }
      }
      return (long) mm * (jEnd - jStart);
    }, progress);
  }

  /** Packs {@code count} rows from {@code from} into depth-major panels; returns the panels. */
  static int pack(EmbeddingMatrix x, int from, int count, int panelRows, int d, float[] dst) {
    float[] src = x.backingArray();
    int panels = (count + panelRows - 1) / panelRows;
    for (int p = 0; p < panels; p++) {
      int pBase = p * d * panelRows;
      for (int r = 0; r < panelRows; r++) {
        int row = p * panelRows + r;
        int o = pBase + r;
        if (row < count) {
          int so = x.rowOffsetInt(from + row);
          for (int k = 0; k < d; k++, o += panelRows) {
            dst[o] = src[so + k];
          }
        } else {
          for (int k = 0; k < d; k++, o += panelRows) {
            dst[o] = 0f;
          }
        }
      }
    }
    return panels;
  }
}
