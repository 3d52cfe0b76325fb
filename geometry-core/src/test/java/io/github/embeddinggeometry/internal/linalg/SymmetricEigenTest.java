package io.github.embeddinggeometry.internal.linalg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.embeddinggeometry.ProgressListener;
import io.github.embeddinggeometry.backend.spi.TileKernel;
import io.github.embeddinggeometry.internal.Settings;
import io.github.embeddinggeometry.internal.kernel.Kernels;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CancellationException;
import java.util.stream.Stream;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.EigenDecomposition_F64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link SymmetricEigen} against EJML's symmetric eigensolver (an independent implementation) and
 * against matrices with known spectra, under the scalar and the Vector API micro-kernels.
 *
 * <p>Bounds: a backward-stable solver gives {@code ||V^T V - I|| = O(n eps)} and {@code ||A V - V
 * Lambda|| = O(n eps ||A||)}; the tests allow {@code 10 n eps} (LAPACK's own test programs accept a
 * ratio to {@code n eps} of up to 50), which a loss of orthogonality in the merges (about 1e-8 when
 * z is not recomputed) or a wrong reflector would exceed by orders of magnitude. Eigenvalues of two
 * backward-stable solvers differ by {@code O(n eps ||A||)}: 1e-12 of the largest is ample up to n
 * in the thousands. An eigenvector whose eigenvalue is isolated by a gap g moves by an angle of
 * about {@code n eps ||A|| / g}, so for a relative gap of 1e-6, {@code 1 - |cos|} is about 1e-14;
 * the tests allow 1e-10.
 */
class SymmetricEigenTest {
  private static final double EPS = Math.ulp(1.0);

  static List<TileKernel> kernels() {
    List<TileKernel> out = new ArrayList<>();
    out.add(Kernels.scalar());
    Kernels.vectorKernel().ifPresent(out::add);
    return out;
  }

  static Stream<Arguments> randomCases() {
    int[] sizes = {1, 2, 3, 7, 17, 31, 32, 33, 64, 65, 127, 200, 513};
    return kernels().stream().flatMap(k -> Arrays.stream(sizes).mapToObj(n -> Arguments.of(k, n)));
  }

  static Stream<TileKernel> kernelCases() {
    return kernels().stream();
  }

  @ParameterizedTest(name = "{1} x {1}, {0}")
  @MethodSource("randomCases")
  void randomSymmetricMatchesEjml(TileKernel kern, int n) {
    double[] a = randomSymmetric(n, 1000 + n);
    double[] copy = a.clone();
    SymmetricEigen e = SymmetricEigen.decompose(kern, a, n, ProgressListener.NONE);
    assertThat(a).as("input untouched").isEqualTo(copy);
    checkDecomposition(a, n, e.values(), e.vectors(), 0);
    checkAgainstEjml(a, n, e.values(), e.vectors(), 0);
  }

  @ParameterizedTest
  @MethodSource("kernelCases")
  void covarianceShapedMatchesEjml(TileKernel kern) {
    // X^T X / m with decaying column scales: the spectrum of an embedding covariance, which
    // deflates heavily in the merges.
    int n = 300;
    double[] a = covariance(n, 2 * n, 7);
    SymmetricEigen e = SymmetricEigen.decompose(kern, a, n, ProgressListener.NONE);
    checkDecomposition(a, n, e.values(), e.vectors(), 0);
    checkAgainstEjml(a, n, e.values(), e.vectors(), 0);
  }

  @ParameterizedTest
  @MethodSource("kernelCases")
  void zeroMatrixGivesZerosAndAnOrthonormalBasis(TileKernel kern) {
    int n = 40;
    SymmetricEigen e = SymmetricEigen.decompose(kern, new double[n * n], n, ProgressListener.NONE);
    assertThat(e.values()).containsOnly(0.0);
    checkOrthonormal(e.vectors(), n);
  }

  @ParameterizedTest
  @MethodSource("kernelCases")
  void identityHasOneFullyRepeatedEigenvalue(TileKernel kern) {
    for (int n : new int[] {1, 33, 150}) {
      double[] a = new double[n * n];
      for (int i = 0; i < n; i++) {
        a[i * n + i] = 1;
      }
      SymmetricEigen e = SymmetricEigen.decompose(kern, a, n, ProgressListener.NONE);
      for (double v : e.values()) {
        assertThat(Math.abs(v - 1)).isLessThanOrEqualTo(n * EPS);
      }
      checkOrthonormal(e.vectors(), n);
      checkDecomposition(a, n, e.values(), e.vectors(), 0);
    }
  }

  @ParameterizedTest
  @MethodSource("kernelCases")
  void diagonalWithRepeatsComesBackSorted(TileKernel kern) {
    int n = 90;
    double[] diag = new double[n];
    SplittableRandom rnd = new SplittableRandom(3);
    for (int i = 0; i < n; i++) {
      diag[i] = rnd.nextInt(-5, 6) * 0.25; // many exact repeats
    }
    double[] a = new double[n * n];
    for (int i = 0; i < n; i++) {
      a[i * n + i] = diag[i];
    }
    SymmetricEigen e = SymmetricEigen.decompose(kern, a, n, ProgressListener.NONE);
    double[] want = descending(diag);
    for (int i = 0; i < n; i++) {
      assertThat(Math.abs(e.values()[i] - want[i])).isLessThanOrEqualTo(4 * EPS);
    }
    checkDecomposition(a, n, e.values(), e.vectors(), 0);
  }

  @ParameterizedTest
  @MethodSource("kernelCases")
  void rankDeficientMatchesEjml(TileKernel kern) {
    int n = 160;
    int rank = 37;
    SplittableRandom rnd = new SplittableRandom(11);
    double[] x = new double[n * rank];
    for (int i = 0; i < x.length; i++) {
      x[i] = rnd.nextGaussian();
    }
    double[] a = new double[n * n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        double s = 0;
        for (int t = 0; t < rank; t++) {
          s += x[i * rank + t] * x[j * rank + t];
        }
        a[i * n + j] = s;
      }
    }
    SymmetricEigen e = SymmetricEigen.decompose(kern, a, n, ProgressListener.NONE);
    checkDecomposition(a, n, e.values(), e.vectors(), 0);
    checkAgainstEjml(a, n, e.values(), e.vectors(), 0);
    double top = e.values()[0];
    for (int i = rank; i < n; i++) {
      assertThat(Math.abs(e.values()[i])).isLessThanOrEqualTo(n * EPS * top);
    }
    assertThat(e.values()[rank - 1]).isGreaterThan(1e-3 * top);
  }

  @ParameterizedTest
  @MethodSource("kernelCases")
  void clusteredEigenvaluesStayOrthogonal(TileKernel kern) {
    // Q diag(lambda) Q^T with clusters of eigenvalues 1e-13 apart (and some exact repeats): the
    // deflation and the Löwner recomputation are what keep V orthogonal here.
    int n = 240;
    double[] lambda = new double[n];
    SplittableRandom rnd = new SplittableRandom(5);
    for (int i = 0; i < n; i++) {
      int cluster = i % 4;
      lambda[i] = cluster == 3 ? rnd.nextDouble(-1, 1) : (cluster + 1) * 0.5 + i * 1e-13;
    }
    lambda[7] = lambda[11]; // an exact repeat inside a cluster
    double[] a = withSpectrum(lambda, 21);
    SymmetricEigen e = SymmetricEigen.decompose(kern, a, n, ProgressListener.NONE);
    checkDecomposition(a, n, e.values(), e.vectors(), 0);
    double[] want = descending(lambda);
    double top = Math.max(Math.abs(want[0]), Math.abs(want[n - 1]));
    for (int i = 0; i < n; i++) {
      assertThat(Math.abs(e.values()[i] - want[i]))
          .as("eigenvalue %d", i)
          .isLessThanOrEqualTo(1e-12 * top);
    }
  }

  @ParameterizedTest
  @MethodSource("kernelCases")
  void gluedWilkinsonMatricesMatchEjml(TileKernel kern) {
    // Copies of Wilkinson's W21+ (eigenvalues in pairs equal to 1e-13 and closer) glued by small
    // couplings: the classic stress test of deflation in divide and conquer.
    int block = 21;
    int copies = 12;
    int n = block * copies;
    double[] a = new double[n * n];
    for (int b = 0; b < copies; b++) {
      for (int i = 0; i < block; i++) {
        int r = b * block + i;
        a[r * n + r] = Math.abs(10 - i);
        if (i + 1 < block) {
          a[r * n + r + 1] = 1;
          a[(r + 1) * n + r] = 1;
        } else if (b + 1 < copies) {
          a[r * n + r + 1] = 1e-9;
          a[(r + 1) * n + r] = 1e-9;
        }
      }
    }
    SymmetricEigen e = SymmetricEigen.decompose(kern, a, n, ProgressListener.NONE);
    checkDecomposition(a, n, e.values(), e.vectors(), 0);
    checkAgainstEjml(a, n, e.values(), e.vectors(), 0);
  }

  @ParameterizedTest
  @MethodSource("kernelCases")
  void gradedSpectrumIsNormwiseAccurate(TileKernel kern) {
    // Eigenvalues from 1 down to 1e-15: small ones are only determined to about eps ||A||, which
    // is what the residual, orthogonality and EJML bounds (all relative to the largest) allow.
    int n = 128;
    double[] lambda = new double[n];
    for (int i = 0; i < n; i++) {
      lambda[i] = Math.pow(10, -15.0 * i / (n - 1)) * (i % 2 == 0 ? 1 : -1);
    }
    double[] a = withSpectrum(lambda, 8);
    SymmetricEigen e = SymmetricEigen.decompose(kern, a, n, ProgressListener.NONE);
    checkDecomposition(a, n, e.values(), e.vectors(), 0);
    checkAgainstEjml(a, n, e.values(), e.vectors(), 0);
    double[] want = descending(lambda);
    for (int i = 0; i < n; i++) {
      assertThat(Math.abs(e.values()[i] - want[i])).isLessThanOrEqualTo(1e-13);
    }
  }

  @ParameterizedTest
  @MethodSource("kernelCases")
  void tinyAndHugeScalesMatchEjmlOnTheUnscaledMatrix(TileKernel kern) {
    int n = 70;
    double[] base = randomSymmetric(n, 77);
    // (scale, exponent that brings the scaled matrix back to about 1 exactly); 2^-1060 makes every
    // entry subnormal.
    double[][] cases = {
      {0x1p-600, -600}, {1e-300, Math.getExponent(1e-300)}, {0x1p-1060, -1060},
      {0x1p600, 600}, {1e300, Math.getExponent(1e300)}, {0x1p1000, 1000}
    };
    for (double[] c : cases) {
      double scale = c[0];
      int shift = (int) c[1];
      double[] a = new double[n * n];
      for (int i = 0; i < a.length; i++) {
        a[i] = base[i] * scale;
      }
      // What the scaled matrix really holds (subnormals lose bits), scaled back exactly.
      double[] unscaled = new double[n * n];
      for (int i = 0; i < a.length; i++) {
        unscaled[i] = Math.scalb(a[i], -shift);
      }
      SymmetricEigen e = SymmetricEigen.decompose(kern, a, n, ProgressListener.NONE);
      double[] back = new double[n];
      for (int i = 0; i < n; i++) {
        assertThat(Double.isFinite(e.values()[i])).isTrue();
        back[i] = Math.scalb(e.values()[i], -shift);
      }
      // Eigenvalues that small are subnormal themselves: they carry an absolute rounding error of
      // up to half the smallest subnormal, which is what the checks allow on top.
      double representable = Math.scalb(Double.MIN_VALUE, -shift);
      checkDecomposition(unscaled, n, back, e.vectors(), representable);
      checkAgainstEjml(unscaled, n, back, e.vectors(), representable);
    }
  }

  @Test
  void nonFiniteEntryIsNamedByRowAndColumn() {
    int n = 6;
    double[] a = randomSymmetric(n, 1);
    a[2 * n + 5] = Double.NaN;
    assertThatThrownBy(() -> SymmetricEigen.decompose(a, n, ProgressListener.NONE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("(2, 5)");
    double[] b = randomSymmetric(n, 1);
    b[4 * n + 1] = Double.NEGATIVE_INFINITY;
    assertThatThrownBy(() -> SymmetricEigen.decompose(b, n, ProgressListener.NONE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("(4, 1)");
    assertThatThrownBy(() -> SymmetricEigen.decompose(new double[5], 2, ProgressListener.NONE))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void reportsPhasesAndCancels() {
    int n = 200;
    double[] a = randomSymmetric(n, 2);
    List<String> tasks = Collections.synchronizedList(new ArrayList<>());
    SymmetricEigen.decompose(
        a,
        n,
        (task, done, total) -> {
          assertThat(done).isBetween(0L, total);
          tasks.add(task);
        });
    assertThat(tasks)
        .contains("eigen: tridiagonal", "eigen: divide and conquer", "eigen: back-transformation");
    ProgressListener cancelling =
        new ProgressListener() {
          volatile boolean cancel;

          @Override
          public void progress(String task, long done, long total) {
            cancel = true;
          }

          @Override
          public boolean isCancelled() {
            return cancel;
          }
        };
    assertThatThrownBy(() -> SymmetricEigen.decompose(a, n, cancelling))
        .isInstanceOf(CancellationException.class);
  }

  @Test
  void sameBitsWithOneAndThreeThreads() throws Exception {
    // The thread count is fixed when a JVM starts, so other counts run in child JVMs; n is large
    // enough for every parallel path (sliced products, parallel merges and tiles). The children
    // are also cold where this JVM is warm: results must not depend on what the JIT has compiled
    // (a Vector API reduceLanes(ADD) did, on JDK 25).
    int n = DETERMINISM_N;
    SymmetricEigen e =
        SymmetricEigen.decompose(randomSymmetric(n, DETERMINISM_SEED), n, ProgressListener.NONE);
    String here = fingerprint(e);
    assertThat(childFingerprint(1)).isEqualTo(here);
    assertThat(childFingerprint(3)).isEqualTo(here);
  }

  private static final int DETERMINISM_N = 420;
  private static final long DETERMINISM_SEED = 99;

  /** Child JVM entry point: prints the fingerprint of the determinism case. */
  public static void main(String[] args) {
    int n = DETERMINISM_N;
    System.out.println(
        "fingerprint "
            + fingerprint(
                SymmetricEigen.decompose(
                    randomSymmetric(n, DETERMINISM_SEED), n, ProgressListener.NONE)));
  }

  private static String childFingerprint(int threads) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    if (ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()) {
      cmd.add("--add-modules");
      cmd.add("jdk.incubator.vector");
    }
    for (String property : List.of(Settings.VECTOR, Settings.FMA)) {
      String value = System.getProperty(property);
      if (value != null) {
        cmd.add("-D" + property + "=" + value);
      }
    }
    cmd.add("-Dembgeo.threads=" + threads);
    cmd.add("-cp");
    // Surefire runs these tests on the module path: the child gets both paths as its class path.
    cmd.add(
        String.join(
            java.io.File.pathSeparator,
            System.getProperty("jdk.module.path", ""),
            System.getProperty("java.class.path", "")));
    cmd.add(SymmetricEigenTest.class.getName());
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor()).as(out).isZero();
    return out.lines()
        .filter(l -> l.startsWith("fingerprint "))
        .findFirst()
        .map(l -> l.substring("fingerprint ".length()))
        .orElseThrow(() -> new AssertionError(out));
  }

  private static String fingerprint(SymmetricEigen e) {
    long h = 1;
    for (double v : e.values()) {
      h = 31 * h + Double.doubleToRawLongBits(v);
    }
    for (double v : e.vectors()) {
      h = 31 * h + Double.doubleToRawLongBits(v);
    }
    return Long.toHexString(h);
  }

  // ------------------------------------------------------------------ checks

  /**
   * Descending values, unit orthogonal vectors, small residual; {@code valueError} is an absolute
   * error of the eigenvalues allowed on top.
   */
  static void checkDecomposition(
      double[] a, int n, double[] values, double[] v, double valueError) {
    for (int i = 1; i < n; i++) {
      assertThat(values[i]).as("descending at %d", i).isLessThanOrEqualTo(values[i - 1]);
    }
    checkOrthonormal(v, n);
    double anorm = 0;
    for (double x : a) {
      anorm += x * x;
    }
    anorm = Math.sqrt(anorm);
    double res = 0;
    double[] av = new double[n];
    for (int j = 0; j < n; j++) {
      Arrays.fill(av, 0.0);
      for (int r = 0; r < n; r++) {
        double s = 0;
        for (int c = 0; c < n; c++) {
          s += a[r * n + c] * v[c * n + j];
        }
        av[r] = s - values[j] * v[r * n + j];
      }
      for (double x : av) {
        res += x * x;
      }
    }
    assertThat(Math.sqrt(res))
        .as("||A V - V Lambda||_F, ||A||_F = %s", anorm)
        .isLessThanOrEqualTo(10 * n * EPS * anorm + Math.sqrt(n) * valueError);
  }

  static void checkOrthonormal(double[] v, int n) {
    double worst = 0;
    for (int i = 0; i < n; i++) {
      for (int j = i; j < n; j++) {
        double s = 0;
        for (int r = 0; r < n; r++) {
          s += v[r * n + i] * v[r * n + j];
        }
        worst = Math.max(worst, Math.abs(s - (i == j ? 1 : 0)));
      }
    }
    assertThat(worst).as("||V^T V - I||_max").isLessThanOrEqualTo(10 * Math.max(1, n) * EPS);
  }

  /**
   * Eigenvalues to 1e-12 of the largest (plus {@code valueError}); vectors of eigenvalues isolated
   * by 1e-6 of the largest, up to sign.
   */
  static void checkAgainstEjml(double[] a, int n, double[] values, double[] v, double valueError) {
    DMatrixRMaj m = new DMatrixRMaj(n, n);
    m.setData(a.clone());
    EigenDecomposition_F64<DMatrixRMaj> eig = DecompositionFactory_DDRM.eig(n, true, true);
    assertThat(eig.decompose(m)).isTrue();
    Integer[] order = new Integer[n];
    double[] ev = new double[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
      ev[i] = eig.getEigenvalue(i).getReal();
    }
    Arrays.sort(order, (x, y) -> Double.compare(ev[y], ev[x]));
    double top = 0;
    for (double x : ev) {
      top = Math.max(top, Math.abs(x));
    }
    for (int i = 0; i < n; i++) {
      assertThat(Math.abs(values[i] - ev[order[i]]))
          .as("eigenvalue %d", i)
          .isLessThanOrEqualTo(1e-12 * top + valueError);
    }
    for (int i = 0; i < n; i++) {
      double gap = Double.POSITIVE_INFINITY;
      if (i > 0) {
        gap = Math.min(gap, ev[order[i - 1]] - ev[order[i]]);
      }
      if (i < n - 1) {
        gap = Math.min(gap, ev[order[i]] - ev[order[i + 1]]);
      }
      if (gap < 1e-6 * top) {
        continue;
      }
      DMatrixRMaj ref = eig.getEigenVector(order[i]);
      double dot = 0;
      double norm = 0;
      for (int r = 0; r < n; r++) {
        dot += v[r * n + i] * ref.get(r, 0);
        norm += ref.get(r, 0) * ref.get(r, 0);
      }
      assertThat(1 - Math.abs(dot) / Math.sqrt(norm))
          .as("1 - |cos| of vector %d", i)
          .isLessThanOrEqualTo(1e-10);
    }
  }

  // ------------------------------------------------------------------ inputs

  static double[] randomSymmetric(int n, long seed) {
    SplittableRandom rnd = new SplittableRandom(seed);
    double[] a = new double[n * n];
    for (int i = 0; i < n; i++) {
      for (int j = i; j < n; j++) {
        double x = rnd.nextDouble(-1, 1);
        a[i * n + j] = x;
        a[j * n + i] = x;
      }
    }
    return a;
  }

  /** {@code X^T X / m} for m rows whose column j has scale {@code 1 / sqrt(1 + j)}. */
  static double[] covariance(int n, int m, long seed) {
    SplittableRandom rnd = new SplittableRandom(seed);
    double[] x = new double[m * n];
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < n; j++) {
        x[i * n + j] = rnd.nextGaussian() / Math.sqrt(1 + j);
      }
    }
    double[] a = new double[n * n];
    for (int p = 0; p < n; p++) {
      for (int q = p; q < n; q++) {
        double s = 0;
        for (int i = 0; i < m; i++) {
          s += x[i * n + p] * x[i * n + q];
        }
        a[p * n + q] = s / m;
        a[q * n + p] = s / m;
      }
    }
    return a;
  }

  /** {@code Q diag(lambda) Q^T} for a random orthogonal Q, exactly symmetric. */
  static double[] withSpectrum(double[] lambda, long seed) {
    int n = lambda.length;
    double[] q = randomOrthogonal(n, seed);
    double[] a = new double[n * n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j <= i; j++) {
        double s = 0;
        for (int t = 0; t < n; t++) {
          s += q[i * n + t] * lambda[t] * q[j * n + t];
        }
        a[i * n + j] = s;
        a[j * n + i] = s;
      }
    }
    return a;
  }

  /** An orthogonal matrix from modified Gram-Schmidt, twice, on random columns. */
  static double[] randomOrthogonal(int n, long seed) {
    SplittableRandom rnd = new SplittableRandom(seed);
    double[][] cols = new double[n][n];
    for (int j = 0; j < n; j++) {
      for (int i = 0; i < n; i++) {
        cols[j][i] = rnd.nextGaussian();
      }
      for (int pass = 0; pass < 2; pass++) {
        for (int k = 0; k < j; k++) {
          double s = 0;
          for (int i = 0; i < n; i++) {
            s += cols[k][i] * cols[j][i];
          }
          for (int i = 0; i < n; i++) {
            cols[j][i] -= s * cols[k][i];
          }
        }
        double s = 0;
        for (int i = 0; i < n; i++) {
          s += cols[j][i] * cols[j][i];
        }
        double inv = 1 / Math.sqrt(s);
        for (int i = 0; i < n; i++) {
          cols[j][i] *= inv;
        }
      }
    }
    double[] q = new double[n * n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        q[i * n + j] = cols[j][i];
      }
    }
    return q;
  }

  static double[] descending(double[] x) {
    double[] s = x.clone();
    Arrays.sort(s);
    for (int i = 0, j = s.length - 1; i < j; i++, j--) {
      double t = s[i];
      s[i] = s[j];
      s[j] = t;
    }
    return s;
  }
}
