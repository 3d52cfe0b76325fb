package io.github.embeddinggeometry.internal.cpu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.embeddinggeometry.EmbeddingMatrix;
import io.github.embeddinggeometry.ProgressListener;
import io.github.embeddinggeometry.backend.spi.CacheSizes;
import io.github.embeddinggeometry.backend.spi.TileKernel;
import io.github.embeddinggeometry.internal.Settings;
import io.github.embeddinggeometry.internal.kernel.Kernels;
import io.github.embeddinggeometry.testing.Float64Oracle;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The micro-kernels and the tiled product against float64, over every tail. */
class TileKernelTest {
  /** The scalar kernel always; every Vector API micro-tile shape when the module is present. */
  static List<TileKernel> kernels() {
    List<TileKernel> out = new ArrayList<>();
    out.add(Kernels.scalar());
    out.addAll(Kernels.vectorKernels());
    return out;
  }

  @ParameterizedTest(name = "m={0} n={1} d={2}")
  @CsvSource({
    "1, 1, 1",
    "1, 17, 7",
    "5, 3, 8",
    "7, 33, 17",
    "13, 40, 207",
    "61, 70, 384",
    "250, 300, 2",
    "20, 530, 600",
    "100, 100, 1000",
    "12, 32, 9",
    "480, 512, 300"
  })
  void gemmMatchesFloat64(int m, int n, int d) {
    Random rnd = new Random(m * 7919L + n * 31L + d);
    EmbeddingMatrix a = EmbeddingMatrix.wrap(Float64Oracle.gaussian(rnd, m, d), m, d);
    // b is a view: every other row of a larger matrix, so packing must follow row offsets
    EmbeddingMatrix big = EmbeddingMatrix.wrap(Float64Oracle.gaussian(rnd, 2 * n, d), 2 * n, d);
    int[] ids = new int[n];
    for (int j = 0; j < n; j++) {
      ids[j] = 2 * j + 1;
    }
    EmbeddingMatrix b = big.select(ids);
    for (TileKernel k : kernels()) {
      int ldc = n + 3;
      float[] c = new float[2 + m * ldc];
      CpuGemm.multiplyTransposed(k, a, 0, m, b, 0, n, c, 2, ldc, ProgressListener.NONE);
      for (int i = 0; i < m; i++) {
        float[] ai = a.row(i);
        for (int j = 0; j < n; j++) {
          float[] bj = b.row(j);
          double want = 0;
          double scale = 0;
          for (int t = 0; t < d; t++) {
            want += (double) ai[t] * bj[t];
            scale += Math.abs((double) ai[t] * bj[t]);
          }
          assertThat((double) c[2 + i * ldc + j])
              .as("%s (%d, %d)", k.description(), i, j)
              .isCloseTo(want, org.assertj.core.data.Offset.offset(1e-6 * scale + 1e-6));
        }
      }
    }
  }

  @Test
  void vectorKernelAgreesWithScalar() {
    assumeTrue(Kernels.vectorKernel().isPresent(), "jdk.incubator.vector not present");
    TileKernel v = Kernels.vectorKernel().get();
    TileKernel s = Kernels.scalar();
    Random rnd = new Random(3);
    for (int d : new int[] {1, 7, 8, 17, 207, 2559, 2560, 2561}) {
      int m = 3 * v.mr() + 1;
      int n = 2 * v.nr() + 5;
      EmbeddingMatrix a = EmbeddingMatrix.wrap(Float64Oracle.gaussian(rnd, m, d), m, d);
      EmbeddingMatrix b = EmbeddingMatrix.wrap(Float64Oracle.gaussian(rnd, n, d), n, d);
      float[] cv = new float[m * n];
      float[] cs = new float[m * n];
      CpuGemm.multiplyTransposed(v, a, 0, m, b, 0, n, cv, 0, n, ProgressListener.NONE);
      CpuGemm.multiplyTransposed(s, a, 0, m, b, 0, n, cs, 0, n, ProgressListener.NONE);
      double num = 0;
      double den = 0;
      for (int i = 0; i < cv.length; i++) {
        num += Math.pow(cv[i] - cs[i], 2);
        den += Math.pow(cs[i], 2);
      }
      assertThat(Math.sqrt(num / den)).as("relative error at d=%d", d).isLessThan(1e-5);
    }
  }

  @Test
  void everyShapeGivesTheSameBits() {
    List<TileKernel> shapes = Kernels.vectorKernels();
    assumeTrue(shapes.size() > 1, "jdk.incubator.vector not present");
    Random rnd = new Random(5);
    for (int d : new int[] {1, 9, 300, 2561}) {
      int m = 2 * 12 + 5;
      int n = 3 * shapes.get(0).nr() + 7;
      EmbeddingMatrix a = EmbeddingMatrix.wrap(Float64Oracle.gaussian(rnd, m, d), m, d);
      EmbeddingMatrix b = EmbeddingMatrix.wrap(Float64Oracle.gaussian(rnd, n, d), n, d);
      float[] first = null;
      for (TileKernel k : shapes) {
        float[] c = new float[m * n];
        CpuGemm.multiplyTransposed(k, a, 0, m, b, 0, n, c, 0, n, ProgressListener.NONE);
        if (first == null) {
          first = c;
        } else {
          for (int i = 0; i < c.length; i++) {
            assertThat(Float.floatToRawIntBits(c[i]))
                .as("%s vs %s at %d, d=%d", k.description(), shapes.get(0).description(), i, d)
                .isEqualTo(Float.floatToRawIntBits(first[i]));
          }
        }
      }
    }
  }

  /**
   * Every float64 micro-kernel (each shape's, and the scalar one) leaves in each entry of C its
   * start value plus the sequential sum over k, fused when a vector kernel uses FMA (the scalar one
   * multiplies, then adds): the bits of the direct loop, whatever the panel shape. Entries beside
   * the tile stay as they were.
   */
  @Test
  void microDoubleIsTheSequentialSumInEveryShape() {
    boolean fma = !"false".equals(System.getProperty(Settings.FMA));
    for (TileKernel k : kernels()) {
      Random rnd = new Random(23);
      int mr = k.mrDouble();
      int nr = k.nrDouble();
      int kc = 45;
      int ldc = nr + 3;
      double[] ap = new double[5 + kc * mr];
      double[] bp = new double[2 + kc * nr];
      for (int i = 0; i < ap.length; i++) {
        ap[i] = rnd.nextGaussian();
      }
      for (int i = 0; i < bp.length; i++) {
        bp[i] = rnd.nextGaussian();
      }
      double[] c = new double[7 + mr * ldc];
      for (int i = 0; i < c.length; i++) {
        c[i] = 0.25 * i - 3;
      }
      double[] start = c.clone();
      k.microDouble(ap, 5, bp, 2, kc, c, 7, ldc);
      for (int i = 0; i < c.length; i++) {
        int r = (i - 7) / ldc;
        int q = (i - 7) % ldc;
        if (i < 7 || q >= nr) {
          assertThat(c[i]).as("%s outside the tile at %d", k.description(), i).isEqualTo(start[i]);
          continue;
        }
        double want = start[i];
        boolean scalar = k == Kernels.scalar();
        for (int p = 0; p < kc; p++) {
          double x = ap[5 + p * mr + r];
          double y = bp[2 + p * nr + q];
          want = fma && !scalar ? Math.fma(x, y, want) : x * y + want;
        }
        assertThat(c[i]).as("%s at row %d lane %d", k.description(), r, q).isEqualTo(want);
      }
    }
  }

  @Test
  void microAddDoubleAddsTheFloatTileExactly() {
    for (TileKernel k : kernels()) {
      Random rnd = new Random(17);
      int kc = 37;
      float[] ap = Float64Oracle.gaussian(rnd, kc, k.mr());
      float[] bp = Float64Oracle.gaussian(rnd, kc, k.nr());
      float[] c = new float[k.mr() * k.nr()];
      k.micro(ap, 0, bp, 0, kc, c, 0, k.nr(), false);
      double[] acc = new double[c.length + 2];
      for (int i = 0; i < acc.length; i++) {
        acc[i] = 1e-3 * i;
      }
      k.microAddDouble(ap, 0, bp, 0, kc, acc, 1, new float[c.length]);
      assertThat(acc[0]).isEqualTo(0.0);
      assertThat(acc[acc.length - 1]).isEqualTo(1e-3 * (acc.length - 1));
      for (int e = 0; e < c.length; e++) {
        assertThat(acc[1 + e]).as(k.description()).isEqualTo(1e-3 * (1 + e) + c[e]);
      }
    }
  }

  @Test
  void dotProductsDoNotDependOnTilePosition() {
    // row 0 of b copied to positions that land in different panels, tiles and tails
    for (TileKernel k : kernels()) {
      Random rnd = new Random(9);
      int d = 301;
      int n = 700;
      float[] bd = Float64Oracle.gaussian(rnd, n, d);
      int[] copies = {1, k.nr() - 1, k.nr(), 255, 256, 257, 511, n - 1};
      for (int p : copies) {
        System.arraycopy(bd, 0, bd, p * d, d);
      }
      EmbeddingMatrix b = EmbeddingMatrix.wrap(bd, n, d);
      int m = 2 * k.mr() + 3;
      EmbeddingMatrix a = EmbeddingMatrix.wrap(Float64Oracle.gaussian(rnd, m, d), m, d);
      float[] c = new float[m * n];
      CpuGemm.multiplyTransposed(k, a, 0, m, b, 0, n, c, 0, n, ProgressListener.NONE);
      float[] ct = new float[n * m];
      CpuGemm.multiplyTransposed(k, b, 0, n, a, 0, m, ct, 0, m, ProgressListener.NONE);
      for (int i = 0; i < m; i++) {
        for (int p : copies) {
          assertThat(Float.floatToRawIntBits(c[i * n + p]))
              .isEqualTo(Float.floatToRawIntBits(c[i * n]));
        }
        for (int j = 0; j < n; j++) {
          assertThat(Float.floatToRawIntBits(ct[j * m + i]))
              .as("A B^T vs B A^T at (%d, %d)", i, j)
              .isEqualTo(Float.floatToRawIntBits(c[i * n + j]));
        }
      }
    }
  }

  @Test
  void kernelChoiceFollowsTheModuleAndTheProperty() {
    boolean module = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
    boolean disabled = "false".equals(System.getProperty(Settings.VECTOR));
    assertThat(Kernels.vectorized()).isEqualTo(module && !disabled);
    assertThat(Kernels.vectorKernel().isPresent()).isEqualTo(module);
    assertThat(new CpuBackend(Kernels.get()).description()).startsWith("cpu (");
    // -Dembgeo.fma=false (the build's no-fma run) selects the multiply-then-add sequence.
    Kernels.vectorKernel()
        .ifPresent(
            k ->
                assertThat(k.description())
                    .endsWith(
                        "false".equals(System.getProperty(Settings.FMA)) ? ", no FMA" : ", FMA"));
    // The chosen shape follows the forced width (the build runs this with 128 and 512 bits too).
    String bits = System.getProperty(Settings.VECTOR_BITS);
    Kernels.vectorKernel()
        .ifPresent(
            k -> {
              if (bits != null) {
                assertThat(k.description()).startsWith("Vector API, " + bits + "-bit, ");
              }
              int width = Integer.parseInt(k.description().split("[ -]")[2]);
              assertThat(k.nr()).isEqualTo(2 * width / 32);
              // A forced shape is used as is; otherwise the calibration's choice, one of the
              // shapes there are kernels for.
              String rows = System.getProperty(Settings.TILE_ROWS);
              if (rows != null) {
                assertThat(k.mr()).isEqualTo(Integer.parseInt(rows));
              } else {
                assertThat(k.mr()).isIn(4, 6, 8, 12);
              }
            });
  }

  @Test
  void blockingFitsTheCaches(@TempDir Path dir) throws IOException {
    // A Zen 3 core as Linux describes it: 32K L1d, 32K L1i, 512K L2, 32M L3.
    writeCache(dir, 0, 1, "Data", "32K");
    writeCache(dir, 1, 1, "Instruction", "32K");
    writeCache(dir, 2, 2, "Unified", "512K");
    writeCache(dir, 3, 3, "Unified", "32768K");
    CacheSizes zen3 = CacheSizes.read(dir);
    assertThat(zen3).isEqualTo(new CacheSizes(32 << 10, 512 << 10));
    // B micro-panel kc x nr floats in half of L1; A block ic x kc floats in half of L2
    assertThat(zen3.kc(16)).isEqualTo(256);
    assertThat(zen3.ic(6, 256)).isEqualTo(252);
    // AVX-512 with 48K L1d and 2M L2 (Sapphire Rapids, Zen 5): 12 x 32 tiles
    CacheSizes avx512 = new CacheSizes(48 << 10, 2 << 20);
    assertThat(avx512.kc(32)).isEqualTo(192);
    assertThat(avx512.ic(12, 192)).isEqualTo(1356);
    assertThat(new CacheSizes(32 << 10, 1 << 20).kc(32)).isEqualTo(128);
    // nothing readable: the fallback; an unparsable size counts as absent
    assertThat(CacheSizes.read(dir.resolve("missing"))).isEqualTo(CacheSizes.FALLBACK);
    Path odd = dir.resolve("odd");
    writeCache(odd, 0, 1, "Data", "lots");
    writeCache(odd, 1, 2, "Unified", "1M");
    assertThat(CacheSizes.read(odd)).isEqualTo(new CacheSizes(CacheSizes.FALLBACK.l1d(), 1 << 20));
    assertThat(CacheSizes.machine().kc(16) % 16).isZero();
  }

  private static void writeCache(Path dir, int index, int level, String type, String size)
      throws IOException {
    Path idx = Files.createDirectories(dir.resolve("index" + index));
    Files.writeString(idx.resolve("level"), level + "\n");
    Files.writeString(idx.resolve("type"), type + "\n");
    Files.writeString(idx.resolve("size"), size + "\n");
  }
}
