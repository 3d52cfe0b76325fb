package io.github.embeddinggeometry.backend.spi.cpu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.embeddinggeometry.EmbeddingMatrix;
import io.github.embeddinggeometry.ProgressListener;
import io.github.embeddinggeometry.backend.ComputeBackend;
import io.github.embeddinggeometry.backend.spi.BackendSettings;
import io.github.embeddinggeometry.backend.spi.CanonicalSums;
import io.github.embeddinggeometry.metric.MetricSpace;
import io.github.embeddinggeometry.testing.DistanceKernelContract;
import io.github.embeddinggeometry.testing.Float64Oracle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Random;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The facade that sibling modules use instead of core's internals, each entry against a float64
 * computation of its own (or hand-checked values), and the CPU backend it builds on another kernel
 * against the shared distance-kernel contract.
 */
class CpuEngineTest {
  @Test
  void theProductIsTheFloat64ProductWithinFloat32Rounding() {
    Random rnd = new Random(7);
    int m = 37;
    int n = 29;
    int d = 70;
    EmbeddingMatrix a = EmbeddingMatrix.wrap(Float64Oracle.gaussian(rnd, m, d), m, d);
    EmbeddingMatrix b = EmbeddingMatrix.wrap(Float64Oracle.gaussian(rnd, n, d), n, d);
    int ldc = n + 3;
    float[] c = new float[2 + (m - 2) * ldc];
    // rows [2, m) of A against every row of B, written from c[2]
    CpuEngine.multiplyTransposed(
        CpuEngine.kernel(), a, 2, m, b, 0, n, c, 2, ldc, ProgressListener.NONE);
    for (int i = 2; i < m; i++) {
      for (int j = 0; j < n; j++) {
        double want = 0;
        double scale = 0;
        for (int k = 0; k < d; k++) {
          want += (double) a.get(i, k) * b.get(j, k);
          scale += Math.abs((double) a.get(i, k) * b.get(j, k));
        }
        assertThat((double) c[2 + (i - 2) * ldc + j]).isCloseTo(want, within(1e-5 * scale));
      }
    }
    assertThat(c[0]).isZero();
    assertThat(c[1]).isZero();
    EmbeddingMatrix narrow = EmbeddingMatrix.wrap(new float[n * 3], n, 3);
    assertThatThrownBy(
            () ->
                CpuEngine.multiplyTransposed(
                    CpuEngine.scalarKernel(),
                    a,
                    0,
                    m,
                    narrow,
                    0,
                    n,
                    c,
                    0,
                    n,
                    ProgressListener.NONE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("70 vs 3");
  }

  private static org.assertj.core.data.Offset<Double> within(double e) {
    return org.assertj.core.data.Offset.offset(Math.max(e, 1e-30));
  }

  @Test
  void bf16WidensIntoTheHighHalfOfAFloat() {
    // 0x3F80 = 1.0, 0xC040 = -3.0, 0x7F80 = +inf, 0x0001 = the smallest bf16 subnormal
    short[] bits = {0x3F80, (short) 0xC040, 0x7F80, 0x0001, 0x4049};
    for (ByteOrder order : new ByteOrder[] {ByteOrder.LITTLE_ENDIAN, ByteOrder.BIG_ENDIAN}) {
      ByteBuffer buf = ByteBuffer.allocate(2 + bits.length * 2).order(order);
      buf.putShort((short) 0x1234);
      for (short s : bits) {
        buf.putShort(s);
      }
      buf.position(2);
      float[] out = new float[bits.length + 1];
      CpuEngine.decodeBf16(buf, out, 1, bits.length);
      assertThat(buf.position()).isEqualTo(2);
      assertThat(out)
          .containsExactly(
              0f, 1f, -3f, Float.POSITIVE_INFINITY, Float.intBitsToFloat(0x10000), 3.140625f);
    }
  }

  @Test
  void blockListsAreTheFloat64NeighboursOfEachBlock() {
    Random rnd = new Random(11);
    int d = 12;
    EmbeddingMatrix a = EmbeddingMatrix.wrap(Float64Oracle.gaussian(rnd, 23, d), 23, d);
    EmbeddingMatrix b = EmbeddingMatrix.wrap(Float64Oracle.gaussian(rnd, 17, d), 17, d);
    int k = 5;
    BlockKnn.Lists within = BlockKnn.euclidean().within(a, k);
    assertThat(within.rows()).isEqualTo(23);
    assertThat(within.k()).isEqualTo(k);
    double[] aa = Float64Oracle.matrix(MetricSpace.euclidean(), a, a);
    for (int i = 0; i < a.rows(); i++) {
      int[] want =
          Float64Oracle.order(java.util.Arrays.copyOfRange(aa, i * 23, i * 23 + 23), a, i, a);
      for (int t = 0; t < k; t++) {
        int got = within.index()[i * k + t];
        assertThat(Float64Oracle.close(aa[i * 23 + want[t]], within.distance()[i * k + t]))
            .isTrue();
        assertThat(Float64Oracle.nearTie(aa[i * 23 + want[t]], aa[i * 23 + got])).isTrue();
      }
    }
    BlockKnn.Lists[] both = BlockKnn.cosine().between(a, b, k);
    double[] ab = Float64Oracle.matrix(MetricSpace.cosine(), a, b);
    for (int i = 0; i < a.rows(); i++) {
      for (int t = 0; t < k; t++) {
        int j = both[0].index()[i * k + t];
        assertThat(Float64Oracle.close(ab[i * 17 + j], both[0].distance()[i * k + t])).isTrue();
      }
    }
    for (int j = 0; j < b.rows(); j++) {
      for (int t = 0; t < k; t++) {
        int i = both[1].index()[j * k + t];
        assertThat(Float64Oracle.close(ab[i * 17 + j], both[1].distance()[j * k + t])).isTrue();
      }
    }
    // query: base row 3 excluded for query 0, nothing for the others
    int[] self = new int[a.rows()];
    java.util.Arrays.fill(self, -1);
    self[0] = 3;
    BlockKnn.Lists q = BlockKnn.euclidean().query(a, b, k, self);
    assertThat(q.rows()).isEqualTo(a.rows());
    for (int t = 0; t < q.k(); t++) {
      assertThat(q.index()[t]).isNotEqualTo(3);
    }
  }

  @Test
  void covarianceGroupsSumToTheFloat64Covariance() {
    Random rnd = new Random(3);
    int n = 300;
    int d = 9;
    EmbeddingMatrix w = EmbeddingMatrix.wrap(Float64Oracle.gaussian(rnd, n, d), n, d);
    double[] mean = Float64Oracle.mean(w);
    CovarianceGroups groups = new CovarianceGroups(CpuEngine.kernel(), d);
    CanonicalSums.Nodes tree = new CanonicalSums.Nodes(CanonicalSums.groups(n));
    tree.addLeaf(0, groups.partial(w, mean, 0, n));
    double[] got = CanonicalSums.covariance(tree.root(), d, n);
    double[] want = Float64Oracle.covariance(w, mean);
    for (int e = 0; e < want.length; e++) {
      assertThat(Float64Oracle.close(want[e], got[e])).as("entry %d", e).isTrue();
    }
  }

  @Test
  void settingsFollowTheLibrarysConventions() {
    assertThat(BackendSettings.parseBytes("12g")).isEqualTo(12L << 30);
    assertThat(BackendSettings.parseBytes(" 64m ")).isEqualTo(64L << 20);
    assertThatThrownBy(() -> BackendSettings.parseBytes("-1"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'-1'");
    String name = "embgeo.test.spi." + System.nanoTime();
    System.setProperty(name, "   ");
    try {
      assertThat(BackendSettings.raw(name)).isNull();
      System.setProperty(name, " own ");
      assertThat(BackendSettings.raw(name)).isEqualTo("own");
    } finally {
      System.clearProperty(name);
    }
  }

  /** The CPU backend built on another kernel meets the distance-kernel contract. */
  @Nested
  class OnTheScalarKernel extends DistanceKernelContract {
    @Override
    protected ComputeBackend create() {
      return CpuEngine.backend(CpuEngine.scalarKernel());
    }
  }
}
