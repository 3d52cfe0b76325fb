package io.github.embeddinggeometry.cuda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.embeddinggeometry.EmbeddingMatrix;
import io.github.embeddinggeometry.ProgressListener;
import io.github.embeddinggeometry.backend.Backends;
import io.github.embeddinggeometry.metric.CausalMetric;
import io.github.embeddinggeometry.metric.DistanceKernel;
import io.github.embeddinggeometry.metric.MetricSpace;
import io.github.embeddinggeometry.metric.Neighbours;
import io.github.embeddinggeometry.testing.Float64Oracle;
import java.util.BitSet;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What only the GPU backend has to show beyond the shared contracts ({@link CudaContractsIT}):
 * agreement with the CPU backend (exact zeros in the same places, the same neighbour sets up to
 * ties), streaming under a tiny memory budget, the lifecycle of device resources, and the TF32
 * mode's refinement. Skipped, with the probe's reasons, where no GPU can be used.
 */
// The context scope is held for its lock, never referenced: "try" lint does not apply.
@SuppressWarnings("try")
class CudaAgreementIT {
  private static final long SEED = 20_240_607L;
  private static CudaBackend gpu;

  /** Per test, so that every test is reported as skipped with the reason (not silently absent). */
  @BeforeEach
  void open() {
    List<String> reasons = CudaBackend.unavailableReasons();
    assumeTrue(reasons.isEmpty(), () -> "GPU tests skipped: " + String.join("; ", reasons));
    synchronized (CudaAgreementIT.class) {
      if (gpu == null) {
        gpu = CudaBackend.create(CudaPrecision.FP32);
      }
    }
  }

  @AfterAll
  static void close() {
    if (gpu != null) {
      gpu.close();
      gpu = null;
    }
  }

  /** n rows of d bf16-rounded Gaussians; rows 1..dups copy row 0, and row n-1 is zero. */
  static EmbeddingMatrix data(int n, int d, int dups, long seed) {
    Random rnd = new Random(seed);
    float[] x = new float[n * d];
    for (int i = 0; i < x.length; i++) {
      x[i] = Float64Oracle.bf16((float) (rnd.nextGaussian() * 0.05));
    }
    for (int r = 1; r <= dups; r++) {
      System.arraycopy(x, 0, x, r * d, d);
    }
    // A second planted pair, far apart in the row order.
    System.arraycopy(x, (n / 2) * d, x, (n - 2) * d, d);
    java.util.Arrays.fill(x, (n - 1) * d, n * d, 0f);
    return EmbeddingMatrix.wrap(x, n, d);
  }

  static void assertClose(float got, double want, String where) {
    assertThat(Float64Oracle.close(want, got))
        .as("%s: got %s, float64 %s", where, got, want)
        .isTrue();
    assertThat(got).as(where).isGreaterThanOrEqualTo(0f);
  }

  private static void checkBlocks(
      MetricSpace metric, EmbeddingMatrix w, EmbeddingMatrix rowsForDirect) {
    try (DistanceKernel g = gpu.distanceKernel(metric)) {
      float[] dg = g.distances(w, w);
      float[] dc = Backends.cpu().distanceKernel(metric).distances(w, w);
      int n = w.rows();
      for (int i = 0; i < n; i++) {
        for (int j = 0; j < n; j++) {
          float v = dg[i * n + j];
          assertThat(v == 0f)
              .as("exact zero at (%d, %d) in %s", i, j, metric)
              .isEqualTo(dc[i * n + j] == 0f);
          if ((i * 31 + j) % 7 == 0) {
            assertClose(
                v,
                Float64Oracle.distance(metric, rowsForDirect.row(i), rowsForDirect.row(j)),
                metric + " (" + i + ", " + j + ")");
          }
          assertThat(Math.abs(v - dc[i * n + j]))
              .as("gpu vs cpu at (%d, %d)", i, j)
              .isLessThanOrEqualTo((float) Math.max(1e-5, 1e-4 * dc[i * n + j]));
        }
      }
      // Bitwise-equal rows: exactly 0 and bitwise-equal distances to every other row.
      for (int j = 0; j < n; j++) {
        assertThat(dg[1 * n + j]).isEqualTo(dg[j]);
      }
      assertThat(dg[1]).isZero();
    }
  }

  @Test
  void euclideanBlocksAgreeWithCpuAndFloat64() {
    for (int d : new int[] {256, 257, 7}) {
      EmbeddingMatrix w = data(300, d, 12, SEED + d);
      checkBlocks(MetricSpace.euclidean(), w, w);
    }
  }

  @Test
  void cosineBlocksAgreeWithCpuAndFloat64() {
    EmbeddingMatrix w = data(300, 130, 12, SEED);
    checkBlocks(MetricSpace.cosine(), w, w);
  }

  /**
   * The causal row map on the device against the CPU backend's map (the CUDA distance kernel maps
   * its rows this way): within one float32 rounding of each value, most of them bit-equal (all of
   * them where the CPU kernel fuses multiply-adds); d = 300 spans several 16-wide tiles and a
   * ragged last one, the view of selected rows keeps its ids.
   */
  @Test
  void causalMapOnTheDeviceMatchesTheCpuMap() {
    int d = 300;
    EmbeddingMatrix w = data(1000, d, 3, SEED + 7);
    Random rnd = new Random(SEED + 8);
    CausalMetric cm = Float64Oracle.randomMetric(rnd, d);
    int[] pick = {999, 0, 1, 500, 998};
    for (EmbeddingMatrix x : List.of(w, w.select(pick))) {
      EmbeddingMatrix got = gpu.mapRows(x, cm, ProgressListener.NONE);
      EmbeddingMatrix want = Backends.cpu().mapRows(x, cm, ProgressListener.NONE);
      assertThat(got.ids()).containsExactly(want.ids());
      long same = 0;
      for (int r = 0; r < x.rows(); r++) {
        for (int j = 0; j < d; j++) {
          float g = got.get(r, j);
          float c = want.get(r, j);
          same += Float.floatToRawIntBits(g) == Float.floatToRawIntBits(c) ? 1 : 0;
          assertThat(Math.abs(g - c))
              .as("(L^T w)[%d][%d] device %s, CPU %s", r, j, g, c)
              .isLessThanOrEqualTo(Math.ulp(c));
        }
      }
      assertThat(same).as("bit-equal values").isGreaterThan((long) x.rows() * d / 2);
    }
  }

  @Test
  void causalBlocksAgreeWithCpu() {
    int d = 48;
    EmbeddingMatrix w = data(200, d, 5, SEED + 1);
    Random rnd = new Random(SEED);
    double[] a = new double[d * d];
    for (int i = 0; i < a.length; i++) {
      a[i] = rnd.nextGaussian();
    }
    double[] m = new double[d * d];
    for (int i = 0; i < d; i++) {
      for (int j = 0; j < d; j++) {
        double s = i == j ? d : 0;
        for (int t = 0; t < d; t++) {
          s += a[i * d + t] * a[j * d + t];
        }
        m[i * d + j] = s / d;
      }
    }
    CausalMetric cm = CausalMetric.of(m, d);
    checkBlocks(MetricSpace.causal(cm), w, w);
  }

  private static void checkNeighbours(Neighbours g, Neighbours c) {
    assertThat(g.rows()).isEqualTo(c.rows());
    int k = g.k();
    for (int i = 0; i < g.rows(); i++) {
      for (int r = 0; r < k; r++) {
        float dg = g.distance(i, r);
        float dc = c.distance(i, r);
        assertThat(Math.abs(dg - dc))
            .as("row %d rank %d", i, r)
            .isLessThanOrEqualTo((float) Math.max(1e-5, 1e-4 * dc));
        assertThat(dg == 0f).isEqualTo(dc == 0f);
      }
      // Same neighbour sets, except members tied (within tolerance) with the k-th distance.
      float kth = c.distance(i, k - 1);
      float tol = (float) Math.max(1e-5, 1e-4 * kth);
      Set<Integer> gs = new HashSet<>();
      Set<Integer> cs = new HashSet<>();
      for (int r = 0; r < k; r++) {
        if (g.distance(i, r) < kth - tol) {
          gs.add(g.index(i, r));
        }
        if (c.distance(i, r) < kth - tol) {
          cs.add(c.index(i, r));
        }
      }
      assertThat(gs).as("neighbours of row %d", i).isEqualTo(cs);
      for (int r = 0; r < k; r++) {
        assertThat(g.index(i, r))
            .as("self excluded, row %d", i)
            .isNotEqualTo(g.queries() == g.base() ? i : -1);
      }
    }
  }

  @Test
  void knnAgreesWithCpuIncludingMoreDuplicatesThanK() {
    EmbeddingMatrix w = data(2000, 96, 25, SEED + 2);
    for (MetricSpace metric : List.of(MetricSpace.euclidean(), MetricSpace.cosine())) {
      try (DistanceKernel g = gpu.distanceKernel(metric)) {
        Neighbours ng = g.nearest(w, 10, ProgressListener.NONE);
        Neighbours nc = Backends.cpu().distanceKernel(metric).nearest(w, 10, ProgressListener.NONE);
        checkNeighbours(ng, nc);
        // Row 0 has 25 bitwise duplicates (rows 1..25): its 10 neighbours are rows 1..10 at 0.
        for (int r = 0; r < 10; r++) {
          assertThat(ng.index(0, r)).isEqualTo(r + 1);
          assertThat(ng.distance(0, r)).isZero();
        }
      }
    }
  }

  @Test
  void knnOfASelectionAgainstItsVocabularyExcludesSelfById() {
    EmbeddingMatrix w = data(1500, 64, 3, SEED + 3);
    EmbeddingMatrix q = w.select(new int[] {0, 1, 7, 700, 1498, 1499});
    try (DistanceKernel g = gpu.distanceKernel(MetricSpace.euclidean())) {
      Neighbours ng = g.nearest(q, w, 5, ProgressListener.NONE);
      Neighbours nc =
          Backends.cpu()
              .distanceKernel(MetricSpace.euclidean())
              .nearest(q, w, 5, ProgressListener.NONE);
      assertThat(ng.indices()).isEqualTo(nc.indices());
      for (int i = 0; i < q.rows(); i++) {
        for (int r = 0; r < 5; r++) {
          assertThat(ng.id(i, r)).isNotEqualTo(q.id(i));
        }
      }
    }
  }

  @Test
  void streamingTheBaseUnderATinyBudgetGivesTheSameAnswers() {
    EmbeddingMatrix w = data(3000, 100, 4, SEED + 4);
    String old = System.getProperty("embgeo.cuda.memory");
    System.setProperty("embgeo.cuda.memory", "1m");
    try (DistanceKernel g = gpu.distanceKernel(MetricSpace.euclidean())) {
      Neighbours ng = g.nearest(w, 7, ProgressListener.NONE);
      Neighbours nc =
          Backends.cpu()
              .distanceKernel(MetricSpace.euclidean())
              .nearest(w, 7, ProgressListener.NONE);
      checkNeighbours(ng, nc);
      BitSet seen = new BitSet();
      g.forEachBlock(
          w,
          w,
          333,
          (from, to, block, stride) -> {
            assertThat(to - from).isLessThanOrEqualTo(333);
            seen.set(from, to);
            for (int i = from; i < to; i++) {
              assertClose(
                  block[(i - from) * stride + (i * 7 % 3000)],
                  Float64Oracle.distance(MetricSpace.euclidean(), w.row(i), w.row(i * 7 % 3000)),
                  "block " + i);
            }
          },
          ProgressListener.NONE);
      assertThat(seen.cardinality()).isEqualTo(3000);
    } finally {
      if (old == null) {
        System.clearProperty("embgeo.cuda.memory");
      } else {
        System.setProperty("embgeo.cuda.memory", old);
      }
    }
  }

  @Test
  void lifecycleIsIdempotentAndUseAfterCloseThrows() {
    try (CudaBackend b = CudaBackend.create(CudaPrecision.FP32)) {
      assertThat(b.description()).startsWith("cuda: ").contains("GEMM");
      DistanceKernel k = b.distanceKernel(MetricSpace.euclidean());
      EmbeddingMatrix w = data(50, 8, 0, SEED);
      k.nearest(w, 3, ProgressListener.NONE);
      k.close();
      k.close();
      assertThatThrownBy(() -> k.nearest(w, 3, ProgressListener.NONE))
          .isInstanceOf(IllegalStateException.class);
      b.close();
      b.close();
      assertThatThrownBy(() -> b.distanceKernel(MetricSpace.cosine()))
          .isInstanceOf(IllegalStateException.class);
    }
  }

  @Test
  void tensorCoreModeRefinesItsCandidates() {
    try (CudaBackend tc = CudaBackend.create(CudaPrecision.TF32)) {
      assumeTrue(
          tc.description().contains("TF32 tensor cores"),
          () -> "TF32 needs cuBLAS 12 here: " + tc.description());
      EmbeddingMatrix w = data(2000, 128, 25, SEED + 6);
      try (DistanceKernel g = tc.distanceKernel(MetricSpace.euclidean())) {
        Neighbours ng = g.nearest(w, 10, ProgressListener.NONE);
        Neighbours nc =
            Backends.cpu()
                .distanceKernel(MetricSpace.euclidean())
                .nearest(w, 10, ProgressListener.NONE);
        checkNeighbours(ng, nc);
      }
    }
  }
}
