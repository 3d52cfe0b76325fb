package io.github.embeddinggeometry.internal.cpu;

import static org.assertj.core.api.Assertions.assertThat;
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
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every metric, block distances, streamed blocks and k-NN against a float64 direct computation,
 * over shapes chosen to hit every tail of the micro-kernels (d not a multiple of the vector width,
 * d above one cache block, N below one panel, N spanning several tiles).
 */
class DistanceKernelPropertyTest {

  static Stream<Arguments> cases() {
    List<Arguments> out = new ArrayList<>();
    int[][] shapes = {
      {1, 1}, {2, 1}, {2, 7}, {3, 8}, {5, 17}, {33, 1}, {33, 207}, {70, 384}, {130, 17},
      {300, 7}, {300, 8}, {90, 517}
    };
    for (int[] s : shapes) {
      out.add(Arguments.of(s[0], s[1]));
    }
    return out.stream();
  }

  @ParameterizedTest(name = "N={0} d={1}")
  @MethodSource("cases")
  void matchesFloat64(int n, int d) {
    long seed = 1000L * n + d;
    Random rnd = new Random(seed);
    float[] data = Oracle.gaussian(rnd, n, d);
    if (n > 4) {
      // a near-duplicate (tiny relative distance) and a zero row
      for (int k = 0; k < d; k++) {
        data[3 * d + k] = data[2 * d + k] * (1 + 1e-3f * (float) rnd.nextGaussian());
        data[4 * d + k] = 0f;
      }
    }
    EmbeddingMatrix x = EmbeddingMatrix.wrap(data, n, d);
    for (MetricSpace metric : Fixtures.metrics(rnd, d)) {
      double[] want = Oracle.matrix(metric, x, x);
      int[][] orders = new int[n][];
      for (int q = 0; q < n; q++) {
        orders[q] = Oracle.order(Arrays.copyOfRange(want, q * n, q * n + n), x, q, x);
      }
      for (TileKernel kern : Fixtures.kernels()) {
        String ctx = kern.description() + " " + metric + " N=" + n + " d=" + d + " seed=" + seed;
        check(new CpuBackend(kern).distanceKernel(metric), x, want, orders, ctx);
      }
    }
  }

  private static void check(DistanceKernel dk, EmbeddingMatrix x, double[] want, int[][] orders,
      String ctx) {
      int n = x.rows();
      MetricSpace metric = dk.metric();
      float[] got = dk.distances(x, x);
      for (int i = 0; i < n; i++) {
        for (int j = 0; j < n; j++) {
          float g = got[i * n + j];
          double w = want[i * n + j];
          if (!(g >= 0) || !Oracle.close(w, g)) {
            fail(ctx + ": d(" + i + ", " + j + ") = " + g + ", float64 says " + w);
          }
          if (Float.floatToRawIntBits(g) != Float.floatToRawIntBits(got[j * n + i])) {
            fail(ctx + ": not symmetric at (" + i + ", " + j + ")");
          }
        }
        boolean zeroCosine = metric instanceof MetricSpace.Cosine && isZero(x.row(i));
        assertThat(got[i * n + i]).as(ctx + " diagonal " + i).isEqualTo(zeroCosine ? 1f : 0f);
      }
      checkBlocks(dk, x, got, ctx);
      checkSubRange(dk, x, got, ctx);
      for (int k : new int[] {1, 2, 5, n - 2}) {
        if (k >= 1 && k < n - 1) {
          checkKnn(dk, x, want, orders, k, ctx);
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
  private static void checkBlocks(DistanceKernel dk, EmbeddingMatrix x, float[] full, String ctx) {
    int n = x.rows();
    for (int blockRows : new int[] {1, 7, n + 3}) {
      AtomicIntegerArray seen = new AtomicIntegerArray(n);
      dk.forEachBlock(x, x, blockRows, (from, to, block, stride) -> {
        if (stride < n) {
          fail(ctx + ": stride " + stride + " < " + n);
        }
        if (to - from < 1 || to - from > blockRows) {
          fail(ctx + ": block of " + (to - from) + " rows for blockRows = " + blockRows);
        }
        for (int i = from; i < to; i++) {
          seen.incrementAndGet(i);
          for (int j = 0; j < n; j++) {
            if (Float.floatToRawIntBits(block[(i - from) * stride + j])
                != Float.floatToRawIntBits(full[i * n + j])) {
              fail(ctx + ": block value (" + i + ", " + j + ") differs");
            }
          }
        }
      }, ProgressListener.NONE);
      for (int i = 0; i < n; i++) {
        assertThat(seen.get(i)).as(ctx + " row " + i + " delivered").isEqualTo(1);
      }
    }
  }

  /** A sub-block written at an offset with a stride: right values, nothing else touched. */
  private static void checkSubRange(DistanceKernel dk, EmbeddingMatrix x, float[] full,
      String ctx) {
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
        if (out[p] != full[i * n + j]) {
          fail(ctx + " sub-block (" + i + ", " + j + ") = " + out[p] + ", full matrix has "
              + full[i * n + j]);
        }
      } else if (out[p] != -7f) {
        fail(ctx + ": distances() wrote outside its block at " + p);
      }
    }
  }

  private static void checkKnn(DistanceKernel dk, EmbeddingMatrix x, double[] want,
      int[][] orders, int k, String ctx) {
    int n = x.rows();
    Neighbours nb = dk.nearest(x, k, ProgressListener.NONE);
    assertThat(nb.k()).isEqualTo(k);
    // the general path (a view with the same ids: self excluded by id) gives the same bits as
    // the symmetric self path
    Neighbours general = dk.nearest(x.select(x.ids()), x, k, ProgressListener.NONE);
    if (!Arrays.equals(general.indices(), nb.indices())
        || !Arrays.equals(general.distances(), nb.distances())) {
      fail(ctx + " k=" + k + ": general and symmetric k-NN differ");
    }
    for (int q = 0; q < n; q++) {
      double[] row = Arrays.copyOfRange(want, q * n, q * n + n);
      int[] order = orders[q];
      for (int r = 0; r < k; r++) {
        int got = nb.index(q, r);
        float dist = nb.distance(q, r);
        if (got == q) {
          fail(ctx + " k=" + k + ": row " + q + " is its own neighbour");
        }
        if (!Oracle.close(row[got], dist)) {
          fail(ctx + " k=" + k + ": neighbour " + got + " of " + q + " at " + dist
              + ", float64 says " + row[got]);
        }
        if (r > 0) {
          float prev = nb.distance(q, r - 1);
          if (!(dist > prev || (dist == prev && got > nb.index(q, r - 1)))) {
            fail(ctx + " k=" + k + ": row " + q + " not sorted by (distance, index) at rank " + r);
          }
        }
        int ref = order[r];
        if (got != ref && !nearTie(row[got], row[ref])) {
          fail(ctx + " k=" + k + ": query " + q + " rank " + r + " is " + got + " ("
              + row[got] + "), float64 says " + ref + " (" + row[ref] + ")");
        }
      }
    }
  }

  /** Two float64 distances that float32 arithmetic cannot be expected to order. */
  static boolean nearTie(double a, double b) {
    double err = Math.abs(a - b);
    return err <= 2e-5 || err <= 2e-4 * Math.max(a, b);
  }
}
