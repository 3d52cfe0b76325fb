package io.github.embeddinggeometry.blas.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.embeddinggeometry.EmbeddingMatrix;
import io.github.embeddinggeometry.ProgressListener;
import io.github.embeddinggeometry.backend.spi.TileKernel;
import io.github.embeddinggeometry.backend.spi.cpu.CpuEngine;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The sgemm tile against float64 dot products: every entry within the float32 summation bound
 * {@code d * 2^-24 * sum |a_k b_k|}, at offsets and strides the engine uses, and for tiles larger
 * than the thread's buffers so far.
 */
class SgemmTileKernelTest {
  private final SgemmTileKernel kern = BlasTests.kernel();

  private static float[] random(int count, long seed) {
    Random r = new Random(seed);
    float[] v = new float[count];
    for (int i = 0; i < count; i++) {
      v[i] = (float) r.nextGaussian();
    }
    return v;
  }

  /** Checks C = A B^T for A rows at ap[0..], B rows at bp[bOff..], C at c[cOff] with stride ldc. */
  private void check(int m, int n, int d, int bOff, int cOff, int ldc, long seed) {
    float[] ap = random(m * d, seed);
    float[] bp = random(bOff + n * d + 7, seed + 1);
    float[] c = new float[cOff + Math.max(0, m - 1) * ldc + n + 3];
    java.util.Arrays.fill(c, Float.NaN);
    kern.tile(ap, m, bp, bOff, n, d, c, cOff, ldc);
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < n; j++) {
        double exact = 0;
        double abs = 0;
        for (int k = 0; k < d; k++) {
          double p = (double) ap[i * d + k] * bp[bOff + j * d + k];
          exact += p;
          abs += Math.abs(p);
        }
        double bound = d * 0x1p-24 * abs + Float.MIN_NORMAL;
        assertThat(Math.abs(c[cOff + i * ldc + j] - exact))
            .as("C[%d][%d] of %d x %d x %d", i, j, m, n, d)
            .isLessThanOrEqualTo(bound);
      }
      // entries beyond the tile's n columns are left alone (another thread's C there)
      for (int j = n; j < ldc && i < m - 1; j++) {
        assertThat(c[cOff + i * ldc + j]).isNaN();
      }
    }
    assertThat(c[cOff - 1 < 0 ? c.length - 1 : cOff - 1]).isNaN();
  }

  @Test
  void aSingleDotProduct() {
    check(1, 1, 5, 0, 0, 1, 1);
  }

  @Test
  void rowMajorWithOffsetsAndAWiderStride() {
    check(37, 50, 17, 3 * 17, 5, 64, 2);
  }

  @Test
  void contiguousTileGrowingTheBuffers() {
    check(8, 8, 16, 0, 0, 8, 3);
    check(240, 256, 384, 256 * 384, 1, 256, 4);
    check(3, 2, 700, 0, 2, 9, 5);
  }

  /** The float64 product of A's row i and B's row j, and the float32 bound around it. */
  private static void assertNear(float[] c, int ci, float[] a, int ao, float[] b, int bo, int d) {
    double exact = 0;
    double abs = 0;
    for (int k = 0; k < d; k++) {
      double p = (double) a[ao + k] * b[bo + k];
      exact += p;
      abs += Math.abs(p);
    }
    assertThat(Math.abs(c[ci] - exact)).isLessThanOrEqualTo(d * 0x1p-24 * abs + Float.MIN_NORMAL);
  }

  /**
   * A base announced by {@code shareBase} is read from its off-heap copy: a tile across a segment
   * boundary gives the float64 products within the bound and the bits of the per-call copy; closing
   * the handle drops the copy, so a later change of the array is seen.
   */
  @Test
  void aSharedBaseIsCopiedOnceAndDroppedOnClose() {
    int d = 64;
    int n = SgemmTileKernel.SEGMENT / d + 100;
    int m = 7;
    int j0 = SgemmTileKernel.SEGMENT / d - 50; // columns [j0, n) cross the first segment's end
    int cols = n - j0;
    float[] ap = random(m * d, 7);
    float[] bp = random(n * d, 8);
    float[] perCall = new float[m * cols];
    kern.tile(ap, m, bp, j0 * d, cols, d, perCall, 0, cols);
    float[] viaCopy = new float[m * cols];
    float[] outside = new float[m * 3];
    try (TileKernel.SharedBase s = kern.shareBase(bp, 3 * d, bp.length)) {
      assertThat(kern.sharedBases()).isEqualTo(1);
      kern.tile(ap, m, bp, j0 * d, cols, d, viaCopy, 0, cols);
      kern.tile(ap, m, bp, 3 * d, 3, d, new float[m * 3], 0, 3); // the first segment, again
      kern.tile(ap, m, bp, 0, 3, d, outside, 0, 3); // rows before the shared range: per call
    }
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < 3; j++) {
        assertNear(outside, i * 3 + j, ap, i * d, bp, j * d, d);
      }
    }
    assertThat(kern.sharedBases()).isZero();
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < cols; j++) {
        assertNear(viaCopy, i * cols + j, ap, i * d, bp, (j0 + j) * d, d);
      }
    }
    assertThat(viaCopy).containsExactly(perCall);
    Arrays.fill(bp, 1f);
    Arrays.fill(ap, 1f);
    float[] after = new float[m * cols];
    kern.tile(ap, m, bp, j0 * d, cols, d, after, 0, cols);
    assertThat(after).containsOnly((float) d);
    // the closed share's native copy is kept for the next operation, until released
    assertThat(kern.retainedFloats()).isGreaterThanOrEqualTo(bp.length - 3L * d);
    kern.releaseBuffers();
    assertThat(kern.retainedFloats()).isZero();
  }

  /**
   * A rows at an offset of the shared base (a self-product's query tile) are read from the share:
   * the same bits as the same rows copied into an array of their own, within the float64 bound, and
   * a change of the array after the share closed is seen.
   */
  @Test
  void queryRowsInsideTheSharedBaseGiveTheBitsOfACopy() {
    int d = 48;
    int n = 40;
    int i0 = 11;
    int m = 9;
    float[] x = random(n * d, 9);
    float[] rows = Arrays.copyOfRange(x, i0 * d, (i0 + m) * d);
    float[] own = new float[m * n];
    kern.tile(rows, m, x, 0, n, d, own, 0, n);
    float[] inPlace = new float[m * n];
    try (TileKernel.SharedBase s = kern.shareBase(x, 0, x.length)) {
      kern.tile(x, i0 * d, m, x, 0, n, d, inPlace, 0, n);
    }
    assertThat(inPlace).containsExactly(own);
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < n; j++) {
        assertNear(inPlace, i * n + j, x, (i0 + i) * d, x, j * d, d);
      }
    }
    Arrays.fill(x, 1f);
    float[] after = new float[m * n];
    kern.tile(x, i0 * d, m, x, 0, n, d, after, 0, n);
    assertThat(after).containsOnly((float) d);
  }

  /**
   * CpuGemm on this kernel reads a contiguous B in place from its first row: a product of row
   * ranges of two matrices, over several query tiles, into C at an offset and a wider stride,
   * against float64, and no shared base left behind.
   */
  @Test
  void cpuGemmOnRowRangesMatchesFloat64() {
    int d = 40;
    float[] av = random(600 * d, 9);
    float[] bv = random(700 * d, 10);
    EmbeddingMatrix a = EmbeddingMatrix.wrap(av, 600, d);
    EmbeddingMatrix b = EmbeddingMatrix.wrap(bv, 700, d);
    int aFrom = 5;
    int m = 595; // several query tiles, so B is shared once for all of them
    int bFrom = 123;
    int n = 527;
    int ldc = n + 3;
    float[] c = new float[2 + m * ldc];
    CpuEngine.multiplyTransposed(
        kern, a, aFrom, aFrom + m, b, bFrom, bFrom + n, c, 2, ldc, ProgressListener.NONE);
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < n; j++) {
        assertNear(c, 2 + i * ldc + j, av, (aFrom + i) * d, bv, (bFrom + j) * d, d);
      }
    }
    assertThat(kern.sharedBases()).isZero();
  }

  @Test
  void zeroDepthGivesZeros() {
    float[] c = {9f, 9f, 9f, 9f, 9f};
    kern.tile(new float[0], 2, new float[0], 0, 2, 0, c, 0, 3);
    assertThat(c).containsExactly(0f, 0f, 9f, 0f, 0f);
  }

  /**
   * Documents why geometry-blas does not promise rule 5's bits: OpenBLAS's sgemm gives {@code
   * dot(a, b)} and {@code dot(b, a)}, or the same pair at two positions of a tile, different last
   * bits on the machines measured (Zen 5: a few percent of the pairs). Both stay within the float32
   * summation bound; the test fails if they ever leave it.
   */
  @Test
  void symmetricWithinTheFloat32Bound() {
    int n = 53;
    int d = 301;
    float[] x = random(n * d, 6);
    float[] c = new float[n * n];
    kern.tile(x, n, x, 0, n, d, c, 0, n);
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        double abs = 0;
        for (int k = 0; k < d; k++) {
          abs += Math.abs((double) x[i * d + k] * x[j * d + k]);
        }
        assertThat((double) Math.abs(c[i * n + j] - c[j * n + i]))
            .isLessThanOrEqualTo(2 * d * 0x1p-24 * abs);
      }
    }
  }

  @Test
  void epiloguesAreThePureJavaKernels() {
    assertThat(kern.description()).contains(CpuEngine.kernel().description()).contains("OpenBLAS");
    assertThat(kern.mr()).isEqualTo(1);
    assertThat(kern.nr()).isEqualTo(1);
  }
}
