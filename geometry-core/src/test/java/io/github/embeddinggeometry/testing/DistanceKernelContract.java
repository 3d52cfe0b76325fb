package io.github.embeddinggeometry.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import io.github.embeddinggeometry.EmbeddingMatrix;
import io.github.embeddinggeometry.ProgressListener;
import io.github.embeddinggeometry.metric.DistanceKernel;
import io.github.embeddinggeometry.metric.MetricSpace;
import io.github.embeddinggeometry.metric.Neighbours;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The contract of {@link DistanceKernel}, for every backend: a subclass says how to {@link
 * #create()} the backend under test (EJML's {@code Generic*Tests} idea). Everything is compared
 * with {@link Float64Oracle}: the exactness contract (never negative, exact zeros for bitwise-equal
 * rows, float64 agreement within 1e-5 absolute or 1e-4 relative, symmetric bits), streamed blocks,
 * k-NN with self excluded by id and ties by lower index, duplicates beyond k, and the argument
 * checks.
 */
public abstract class DistanceKernelContract extends BackendContract {
  /** A kernel of the backend under test. */
  protected final DistanceKernel kernel(MetricSpace metric) {
    return backend.distanceKernel(metric);
  }

  /**
   * Whether the backend gives a pair the same bits wherever the pair lies (anywhere in a tile, in a
   * block, a sub-range or a view, on the self or the general k-NN path), {@code d(a, b) == d(b, a)}
   * included. True for the pure-Java engine and the GPU; a backend whose GEMM rounds a sum by its
   * position in the tile (geometry-blas on OpenBLAS) returns false, and those comparisons then
   * allow float32 rounding ({@link Float64Oracle#close}) instead of asking for the same bits.
   */
  protected boolean sameBitsWherever() {
    return true;
  }

  /** Two values of one pair computed in two places: the same bits, or close where allowed. */
  private boolean same(float a, float b) {
    return sameBitsWherever()
        ? Float.floatToRawIntBits(a) == Float.floatToRawIntBits(b)
        : Float64Oracle.close(a, b);
  }

  static Stream<Arguments> shapes() {
    int[][] shapes = {
      {1, 1}, {2, 1}, {2, 7}, {3, 8}, {5, 17}, {33, 1}, {33, 207}, {70, 384}, {130, 17}, {300, 7},
      {300, 8}, {90, 517}
    };
    return Arrays.stream(shapes).map(s -> Arguments.of(s[0], s[1]));
  }

  /**
   * Every metric against float64, over shapes that hit every tail of the micro-kernels (d not a
   * multiple of the vector width, d above one cache block, N below one panel, N over several
   * tiles), with a near-duplicate and a zero row planted.
   */
  @ParameterizedTest(name = "N={0} d={1}")
  @MethodSource("shapes")
  void matchesFloat64(int n, int d) {
    long seed = 1000L * n + d;
    Random rnd = new Random(seed);
    float[] data = Float64Oracle.gaussian(rnd, n, d);
    if (n > 4) {
      for (int k = 0; k < d; k++) {
        data[3 * d + k] = data[2 * d + k] * (1 + 1e-3f * (float) rnd.nextGaussian());
        data[4 * d + k] = 0f;
      }
    }
    EmbeddingMatrix x = EmbeddingMatrix.wrap(data, n, d);
    for (MetricSpace metric : Float64Oracle.metrics(rnd, d)) {
      double[] want = Float64Oracle.matrix(metric, x, x);
      String ctx = backend.description() + " " + metric + " N=" + n + " d=" + d + " seed=" + seed;
      DistanceKernel dk = kernel(metric);
      float[] got = dk.distances(x, x);
      for (int i = 0; i < n; i++) {
        for (int j = 0; j < n; j++) {
          float g = got[i * n + j];
          double w = want[i * n + j];
          if (!(g >= 0) || !Float64Oracle.close(w, g)) {
            fail(ctx + ": d(" + i + ", " + j + ") = " + g + ", float64 says " + w);
          }
          if (!same(g, got[j * n + i])) {
            fail(ctx + ": not symmetric at (" + i + ", " + j + ")");
          }
        }
        boolean zeroCosine = metric instanceof MetricSpace.Cosine && isZero(x.row(i));
        assertThat(got[i * n + i]).as(ctx + " diagonal " + i).isEqualTo(zeroCosine ? 1f : 0f);
      }
      checkBlocks(dk, x, got, ctx);
      checkSubRange(dk, x, got, ctx);
      for (int k : new int[] {1, 2, 5, n - 2, n - 1}) {
        if (k >= 1 && k <= n - 1) {
          checkKnn(dk, x, want, k, ctx);
        }
      }
    }
  }

  private static boolean isZero(float[] r) {
    for (float v : r) {
      if (v != 0) {
        return false;
      }
    }
    return true;
  }

  /** Streamed blocks are bitwise the same as the full matrix; every row exactly once. */
  private void checkBlocks(DistanceKernel dk, EmbeddingMatrix x, float[] full, String ctx) {
    int n = x.rows();
    for (int blockRows : new int[] {1, 7, n + 3}) {
      AtomicIntegerArray seen = new AtomicIntegerArray(n);
      dk.forEachBlock(
          x,
          x,
          blockRows,
          (from, to, block, stride) -> {
            if (stride < n) {
              fail(ctx + ": stride " + stride + " < " + n);
            }
            if (to - from < 1 || to - from > blockRows) {
              fail(ctx + ": block of " + (to - from) + " rows for blockRows = " + blockRows);
            }
            for (int i = from; i < to; i++) {
              seen.incrementAndGet(i);
              for (int j = 0; j < n; j++) {
                if (!same(block[(i - from) * stride + j], full[i * n + j])) {
                  fail(ctx + ": block value (" + i + ", " + j + ") differs");
                }
              }
            }
          },
          ProgressListener.NONE);
      for (int i = 0; i < n; i++) {
        assertThat(seen.get(i)).as(ctx + " row " + i + " delivered").isEqualTo(1);
      }
    }
  }

  /** A sub-block written at an offset with a stride: right values, nothing else touched. */
  private void checkSubRange(DistanceKernel dk, EmbeddingMatrix x, float[] full, String ctx) {
    int n = x.rows();
    int a0 = n / 3;
    int a1 = n;
    int b0 = n / 2;
    int b1 = Math.max(b0, n - 1);
    int stride = (b1 - b0) + 3;
    float[] out = new float[5 + (a1 - a0) * stride];
    Arrays.fill(out, -7f);
    dk.distances(x, a0, a1, x, b0, b1, out, 5, stride);
    for (int p = 0; p < out.length; p++) {
      int q = p - 5;
      boolean inside = q >= 0 && q % stride < b1 - b0;
      if (inside) {
        int i = a0 + q / stride;
        int j = b0 + q % stride;
        boolean equal =
            sameBitsWherever() ? out[p] == full[i * n + j] : same(out[p], full[i * n + j]);
        if (!equal) {
          fail(
              ctx
                  + " sub-block ("
                  + i
                  + ", "
                  + j
                  + ") = "
                  + out[p]
                  + ", full matrix has "
                  + full[i * n + j]);
        }
      } else if (out[p] != -7f) {
        fail(ctx + ": distances() wrote outside its block at " + p);
      }
    }
  }

  private void checkKnn(DistanceKernel dk, EmbeddingMatrix x, double[] want, int k, String ctx) {
    int n = x.rows();
    Neighbours nb = dk.nearest(x, k, ProgressListener.NONE);
    assertThat(nb.k()).isEqualTo(k);
    // A view with the same ids (self excluded by id) gives the same bits as the self path.
    Neighbours general = dk.nearest(x.select(x.ids()), x, k, ProgressListener.NONE);
    if (sameBitsWherever()
        && (!Arrays.equals(general.indices(), nb.indices())
            || !Arrays.equals(general.distances(), nb.distances()))) {
      fail(ctx + " k=" + k + ": queries-vs-base and self k-NN differ");
    }
    if (!sameBitsWherever()) {
      int[] gi = general.indices();
      int[] si = nb.indices();
      float[] gd = general.distances();
      float[] sd = nb.distances();
      for (int i = 0; i < gi.length; i++) {
        int q = i / k;
        if (!same(gd[i], sd[i])
            || gi[i] != si[i] && !Float64Oracle.nearTie(want[q * n + gi[i]], want[q * n + si[i]])) {
          fail(ctx + " k=" + k + ": queries-vs-base and self k-NN differ beyond rounding");
        }
      }
    }
    for (int q = 0; q < n; q++) {
      double[] row = Arrays.copyOfRange(want, q * n, q * n + n);
      int[] order = Float64Oracle.order(row, x, q, x);
      for (int r = 0; r < k; r++) {
        int got = nb.index(q, r);
        float dist = nb.distance(q, r);
        if (got == q) {
          fail(ctx + " k=" + k + ": row " + q + " is its own neighbour");
        }
        if (!Float64Oracle.close(row[got], dist)) {
          fail(
              ctx
                  + " k="
                  + k
                  + ": neighbour "
                  + got
                  + " of "
                  + q
                  + " at "
                  + dist
                  + ", float64 says "
                  + row[got]);
        }
        if (r > 0) {
          float prev = nb.distance(q, r - 1);
          if (!(dist > prev || (dist == prev && got > nb.index(q, r - 1)))) {
            fail(ctx + " k=" + k + ": row " + q + " not sorted by (distance, index) at rank " + r);
          }
        }
        int ref = order[r];
        if (got != ref && !Float64Oracle.nearTie(row[got], row[ref])) {
          fail(
              ctx
                  + " k="
                  + k
                  + ": query "
                  + q
                  + " rank "
                  + r
                  + " is "
                  + got
                  + " ("
                  + row[got]
                  + "), float64 says "
                  + ref
                  + " ("
                  + row[ref]
                  + ")");
        }
      }
    }
  }

  // ------------------------------------------------------------------ bitwise duplicates

  private static final int DUP_N = 700;
  private static final int DUP_D = 203;
  private static final int DUP_K = 6;

  /** Class A: 15 copies (more than k); class B: 3 copies (fewer than k). */
  private static final int[] CLASS_A = {
    3, 10, 11, 64, 65, 66, 200, 263, 264, 265, 300, 301, 500, 650, 699
  };

  private static final int[] CLASS_B = {5, 330, 331};

  /** bf16-rounded rows, nearly parallel (so many pairs are refined), with planted copies. */
  private static EmbeddingMatrix planted() {
    Random rnd = new Random(42);
    float[] x = new float[DUP_N * DUP_D];
    for (int i = 0; i < x.length; i++) {
      x[i] = Float64Oracle.bf16((float) (0.3 + 0.05 * rnd.nextGaussian()));
    }
    for (int[] cls : new int[][] {CLASS_A, CLASS_B}) {
      for (int r : cls) {
        System.arraycopy(x, cls[0] * DUP_D, x, r * DUP_D, DUP_D);
      }
    }
    return EmbeddingMatrix.wrap(x, DUP_N, DUP_D);
  }

  /**
   * Bitwise-equal rows are exactly 0 apart in every metric and have bitwise-equal distances to
   * every other row; a row with more than k copies has the lowest-index copies as its neighbours.
   */
  @Test
  void duplicatesAreExactZerosAndLowestIndexCopiesComeFirst() {
    EmbeddingMatrix x = planted();
    Random rnd = new Random(7);
    for (MetricSpace metric : Float64Oracle.metrics(rnd, DUP_D)) {
      String ctx = backend.description() + " " + metric;
      DistanceKernel dk = kernel(metric);
      float[] all = dk.distances(x, x);
      for (int[] cls : new int[][] {CLASS_A, CLASS_B}) {
        for (int a : cls) {
          for (int b : cls) {
            assertThat(all[a * DUP_N + b]).as(ctx + " d(%d, %d)", a, b).isEqualTo(0f);
          }
          for (int j = 0; j < DUP_N; j++) {
            assertThat(Float.floatToRawIntBits(all[a * DUP_N + j]))
                .as(ctx + " row %d vs %d at %d", a, cls[0], j)
                .isEqualTo(Float.floatToRawIntBits(all[cls[0] * DUP_N + j]));
          }
        }
      }
      for (int i = 0; i < DUP_N; i++) {
        assertThat(all[i * DUP_N + i]).as(ctx + " d(%d, %d)", i, i).isEqualTo(0f);
      }
      Neighbours nb = dk.nearest(x, DUP_K, ProgressListener.NONE);
      for (int a : CLASS_A) {
        List<Integer> want = new ArrayList<>();
        for (int b : CLASS_A) {
          if (b != a && want.size() < DUP_K) {
            want.add(b);
          }
        }
        List<Integer> got = new ArrayList<>();
        for (int r = 0; r < DUP_K; r++) {
          got.add(nb.index(a, r));
          assertThat(nb.distance(a, r)).as(ctx + " row %d rank %d", a, r).isEqualTo(0f);
          if (metric instanceof MetricSpace.Cosine) {
            assertThat(nb.similarity(a, r)).isEqualTo(1f);
          }
        }
        assertThat(got).as(ctx + " neighbours of %d", a).isEqualTo(want);
      }
      for (int a : CLASS_B) {
        TreeSet<Integer> others = new TreeSet<>();
        for (int b : CLASS_B) {
          if (b != a) {
            others.add(b);
          }
        }
        assertThat(List.of(nb.index(a, 0), nb.index(a, 1)))
            .as(ctx)
            .isEqualTo(new ArrayList<>(others));
        assertThat(nb.distance(a, 1)).isEqualTo(0f);
        assertThat(nb.distance(a, 2)).isGreaterThan(0f);
      }
    }
  }

  /** A query drawn from the base excludes only itself (by id), not its bitwise copies. */
  @Test
  void queriesFromAViewExcludeThemselvesByIdOnly() {
    EmbeddingMatrix x = planted();
    EmbeddingMatrix queries = x.select(new int[] {10, 65, 331, 400});
    Neighbours nb = kernel(MetricSpace.euclidean()).nearest(queries, x, 3, ProgressListener.NONE);
    assertThat(new int[] {nb.id(0, 0), nb.id(0, 1), nb.id(0, 2)}).containsExactly(3, 11, 64);
    assertThat(new int[] {nb.id(1, 0), nb.id(1, 1), nb.id(1, 2)}).containsExactly(3, 10, 11);
    assertThat(new int[] {nb.id(2, 0), nb.id(2, 1)}).containsExactly(5, 330);
    assertThat(nb.id(3, 0)).isNotEqualTo(400);
    assertThat(nb.distance(3, 0)).isGreaterThan(0f);
  }

  /** Causal distances of a view, or of the same rows under other ids, are the same bits. */
  @Test
  void causalDistancesOfViewsAndRelabelledRowsAreTheSameBits() {
    Random rnd = new Random(11);
    int n = 60;
    int d = 19;
    EmbeddingMatrix x = EmbeddingMatrix.wrap(Float64Oracle.gaussian(rnd, n, d), n, d);
    DistanceKernel dk = kernel(MetricSpace.causal(Float64Oracle.randomMetric(rnd, d)));
    float[] full = dk.distances(x, x);
    float[] part = dk.distances(x.slice(10, 50), x);
    for (int i = 0; i < 40; i++) {
      for (int j = 0; j < n; j++) {
        assertThat(same(part[i * n + j], full[(i + 10) * n + j])).as("(%d, %d)", i, j).isTrue();
      }
    }
    int[] ids = new int[n];
    for (int i = 0; i < n; i++) {
      ids[i] = 1000 + 2 * i;
    }
    float[] relabelled = dk.distances(x.withIds(ids), x);
    for (int p = 0; p < full.length; p++) {
      assertThat(same(relabelled[p], full[p])).as("entry %d", p).isTrue();
    }
  }

  /** A zero row has cosine distance 1 to everything; opposite rows are clamped to exactly 2. */
  @Test
  void cosineOfZeroRowsIsOneAndClampedElsewhere() {
    float[] x = {0, 0, 0, 1, 2, 3, -1, -2, -3, 2, 4, 6};
    EmbeddingMatrix m = EmbeddingMatrix.wrap(x, 4, 3);
    float[] d = kernel(MetricSpace.cosine()).distances(m, m);
    assertThat(new float[] {d[0], d[1], d[2], d[3], d[4], d[8]})
        .containsExactly(1f, 1f, 1f, 1f, 1f, 1f);
    assertThat(d[1 * 4 + 2]).isEqualTo(2f);
    assertThat(d[1 * 4 + 3]).isBetween(0f, 1e-7f);
    assertThat(d[1 * 4 + 1]).isEqualTo(0f);
  }

  // ------------------------------------------------------------------ argument checks

  private static EmbeddingMatrix random(int n, int d) {
    return EmbeddingMatrix.wrap(Float64Oracle.gaussian(new Random(n * 31L + d), n, d), n, d);
  }

  /** 1 <= k <= candidates: k = N - 1 selects every other row; one message for anything larger. */
  @Test
  void kRangesFromOneToTheCandidates() {
    DistanceKernel euclid = kernel(MetricSpace.euclidean());
    assertThatThrownBy(() -> euclid.nearest(random(1, 8), 1, ProgressListener.NONE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("k = 1 is too large")
        .hasMessageContaining("0 candidates");
    EmbeddingMatrix ten = random(10, 8);
    assertThatThrownBy(() -> euclid.nearest(ten, 10, ProgressListener.NONE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("k = 10 is too large")
        .hasMessageContaining("9 candidates")
        .hasMessageContaining("itself excluded")
        .hasMessageContaining("at most 9");
    assertThatThrownBy(() -> euclid.nearest(ten, 0, ProgressListener.NONE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at least 1");
    Neighbours all = euclid.nearest(ten, 9, ProgressListener.NONE);
    for (int q = 0; q < 10; q++) {
      TreeSet<Integer> others = new TreeSet<>();
      for (int r = 0; r < 9; r++) {
        others.add(all.index(q, r));
      }
      assertThat(others).hasSize(9).doesNotContain(q);
    }
    // queries that are not in the base: every base row is a candidate
    EmbeddingMatrix other = random(3, 8).withIds(new int[] {100, 101, 102});
    assertThat(euclid.nearest(other, ten, 10, ProgressListener.NONE).k()).isEqualTo(10);
    assertThatThrownBy(() -> euclid.nearest(other, ten, 11, ProgressListener.NONE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("10 candidates");
  }

  @Test
  void nonFiniteRowsAreNamed() {
    float[] x = Float64Oracle.gaussian(new Random(1), 20, 5);
    x[7 * 5 + 2] = Float.NaN;
    EmbeddingMatrix m = EmbeddingMatrix.wrap(x, 20, 5);
    for (MetricSpace metric : new MetricSpace[] {MetricSpace.euclidean(), MetricSpace.cosine()}) {
      DistanceKernel dk = kernel(metric);
      assertThatThrownBy(() -> dk.nearest(m, 3, ProgressListener.NONE))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("row 7 (vocabulary id 7)")
          .hasMessageContaining("NaN");
      assertThatThrownBy(() -> dk.distances(m, m))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("row 7");
      assertThatThrownBy(() -> dk.forEachBlock(m, m, 4, (f, t, b, s) -> {}, ProgressListener.NONE))
          .hasMessageContaining("row 7");
    }
    EmbeddingMatrix view = m.select(new int[] {1, 7, 9});
    assertThatThrownBy(() -> kernel(MetricSpace.euclidean()).distances(view, view))
        .hasMessageContaining("row 1 (vocabulary id 7)");
    x[7 * 5 + 2] = Float.POSITIVE_INFINITY;
    assertThatThrownBy(() -> backend.covariance(m, ProgressListener.NONE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("row 7")
        .hasMessageContaining("Infinity");
  }

  @Test
  void shapesAndBuffersAreChecked() {
    DistanceKernel euclid = kernel(MetricSpace.euclidean());
    EmbeddingMatrix a = random(4, 3);
    EmbeddingMatrix b = random(4, 5);
    assertThatThrownBy(() -> euclid.distances(a, b))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("3 vs 5");
    assertThatThrownBy(() -> euclid.distances(a, 0, 4, a, 0, 4, new float[15], 0, 4))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("cannot hold 4 x 4");
    assertThatThrownBy(() -> euclid.distances(a, 0, 2, a, 0, 4, a.backingArray(), 0, 4))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("backing array");
    assertThatThrownBy(() -> euclid.distances(a, 0, 5, a, 0, 4, new float[40], 0, 4))
        .isInstanceOf(IndexOutOfBoundsException.class);
    assertThatThrownBy(
            () -> euclid.forEachBlock(a, a, 0, (f, t, bl, s) -> {}, ProgressListener.NONE))
        .hasMessageContaining("blockRows");
    DistanceKernel causal =
        kernel(MetricSpace.causal(Float64Oracle.randomMetric(new Random(2), 4)));
    assertThatThrownBy(() -> causal.distances(a, a))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("d = 3")
        .hasMessageContaining("4 x 4");
  }
}
