package io.github.embeddinggeometry.internal.cpu;

import io.github.embeddinggeometry.EmbeddingMatrix;
import io.github.embeddinggeometry.ProgressListener;
import io.github.embeddinggeometry.backend.spi.Parallel;
import io.github.embeddinggeometry.backend.spi.TileKernel;
import io.github.embeddinggeometry.internal.kernel.Kernels;
import java.util.Objects;

/**
 * {@code C = A B^T} in float32 for row ranges of two matrices, on all cores, with the same tiles
 * and micro-kernel as the distance engine. The entry point for benchmarks (GFLOP/s = {@code 2 m n d
 * / seconds}).
 */
public final class CpuGemm {
  private CpuGemm() {}

  /**
   * {@code c[cOffset + i * ldc + j] = sum_k a[aFrom + i][k] * b[bFrom + j][k]} with the default
   * kernel ({@link Kernels#get()}).
   *
   * @param c Modified: receives the {@code (aTo-aFrom) x (bTo-bFrom)} product
   */
  public static void multiplyTransposed(
      EmbeddingMatrix a,
      int aFrom,
      int aTo,
      EmbeddingMatrix b,
      int bFrom,
      int bTo,
      float[] c,
      int cOffset,
      int ldc) {
    multiplyTransposed(
        Kernels.get(), a, aFrom, aTo, b, bFrom, bTo, c, cOffset, ldc, ProgressListener.NONE);
  }

  /** As above, with an explicit micro-kernel and progress listener. */
  public static void multiplyTransposed(
      TileKernel kern,
      EmbeddingMatrix a,
      int aFrom,
      int aTo,
      EmbeddingMatrix b,
      int bFrom,
      int bTo,
      float[] c,
      int cOffset,
      int ldc,
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
      throw new IllegalArgumentException(
          "c cannot hold " + m + " x " + n + " at offset " + cOffset + " with stride " + ldc);
    }
    int mb = queryRows(kern, m, n);
    int qTiles = (m + mb - 1) / mb;
    // Panels of one row are plain rows: a contiguous B is then its own packed copy, used in place.
    boolean inPlace = kern.nr() == 1 && b.isContiguous();
    float[] packedB =
        inPlace
            ? b.backingArray()
            : qTiles > 1 ? Packing.packAll(b, bFrom, n, kern.nr(), progress) : null;
    int bBase = inPlace ? b.rowOffsetInt(bFrom) : 0;
    // A likewise: its rows are its panels, read in place (a native kernel finds them in B's share
    // when the product is of a matrix with itself, and copies them per call otherwise).
    boolean aInPlace = kern.mr() == 1 && a.isContiguous();
    int aBase = aInPlace ? a.rowOffsetInt(aFrom) : 0;
    try (TileKernel.SharedBase shared =
        packedB == null
            ? TileKernel.SharedBase.NONE
            : kern.shareBase(packedB, bBase, bBase + n * a.dim())) {
      multiply(
          kern,
          mb,
          a,
          aFrom,
          aInPlace ? a.backingArray() : null,
          aBase,
          m,
          packedB,
          bBase,
          b,
          bFrom,
          n,
          c,
          cOffset,
          ldc,
          progress);
    }
  }

  /**
   * Query rows per tile: the kernel's, fewer where its tiles would leave threads without work (a
   * native GEMM's wide tiles cut a product of a few thousand rows into fewer tiles than threads).
   */
  private static int queryRows(TileKernel kern, int m, int n) {
    int mr = kern.mr();
    int nb = DistanceEngine.productTileCols(kern);
    int bTiles = (n + nb - 1) / nb;
    int wanted = (2 * Parallel.threads() + bTiles - 1) / bTiles; // two tiles per thread
    int fit = ((m + wanted - 1) / wanted + mr - 1) / mr * mr;
    return Math.max(mr, Math.min(DistanceEngine.productTileRows(kern), fit));
  }

  /**
   * The tasks of {@link #multiplyTransposed}, B packed once ({@code packedB}, its first row at
   * {@code bBase}) or per tile, A read in place ({@code inPlaceA}, row {@code aFrom} at {@code
   * aBase}) or packed per tile, in query tiles of {@code mb} rows ({@link #queryRows}).
   */
  private static void multiply(
      TileKernel kern,
      int mb,
      EmbeddingMatrix a,
      int aFrom,
      float[] inPlaceA,
      int aBase,
      int m,
      float[] packedB,
      int bBase,
      EmbeddingMatrix b,
      int bFrom,
      int n,
      float[] c,
      int cOffset,
      int ldc,
      ProgressListener progress) {
    int d = a.dim();
    int mr = kern.mr();
    int nr = kern.nr();
    int nb = DistanceEngine.productTileCols(kern);
    int qTiles = (m + mb - 1) / mb;
    int bTiles = (n + nb - 1) / nb;
    final class S {
      final float[] ap = inPlaceA == null ? new float[mb * d] : null;
      final float[] bp = packedB == null ? new float[nb * d] : null;
      float[] ct; // only for partial micro-tiles
    }
    // Task = one query tile against a run of base tiles; enough tasks for every thread.
    int chunks = Math.max(1, Math.min(bTiles, (4 * Parallel.threads() + qTiles - 1) / qTiles));
    int perChunk = (bTiles + chunks - 1) / chunks;
    int nChunks = (bTiles + perChunk - 1) / perChunk;
    Parallel.run(
        "gemm",
        qTiles * nChunks,
        (long) m * n,
        S::new,
        (s, t) -> {
          int tq = t / nChunks;
          int tb = t % nChunks;
          int i0 = tq * mb;
          int mm = Math.min(mb, m - i0);
          int aPanels = inPlaceA != null ? mm : Packing.pack(a, aFrom + i0, mm, mr, s.ap, 0);
          float[] aArr = inPlaceA != null ? inPlaceA : s.ap;
          int aOff = inPlaceA != null ? aBase + i0 * d : 0;
          int jStart = tb * perChunk * nb;
          int jEnd = Math.min(n, jStart + perChunk * nb);
          for (int j0 = jStart; j0 < jEnd; j0 += nb) {
            int nn = Math.min(nb, jEnd - j0);
            int bPanels = (nn + nr - 1) / nr;
            float[] bArr = packedB != null ? packedB : s.bp;
            int bOff = packedB != null ? bBase + j0 * d : 0;
            if (packedB == null) {
              Packing.pack(b, bFrom + j0, nn, nr, s.bp, 0);
            }
            if (mm % mr == 0 && nn % nr == 0) {
              // whole micro-tiles: straight into the caller's C
              kern.tile(
                  aArr, aOff, aPanels, bArr, bOff, bPanels, d, c, cOffset + i0 * ldc + j0, ldc);
            } else {
              if (s.ct == null) {
                s.ct = new float[mb * nb];
              }
              kern.tile(aArr, aOff, aPanels, bArr, bOff, bPanels, d, s.ct, 0, nb);
              for (int i = 0; i < mm; i++) {
                System.arraycopy(s.ct, i * nb, c, cOffset + (i0 + i) * ldc + j0, nn);
              }
            }
          }
          return (long) mm * (jEnd - jStart);
        },
        progress);
  }
}
