package io.github.embeddinggeometry.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.embeddinggeometry.EmbeddingMatrix;
import io.github.embeddinggeometry.backend.Backends;
import io.github.embeddinggeometry.frame.BoundingBox;
import io.github.embeddinggeometry.io.safetensors.SafetensorsFile;
import io.github.embeddinggeometry.metric.MetricSpace;
import io.github.embeddinggeometry.testing.CountingKernel;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code geometry pairwise} (and so {@code all}) computes the pairwise distances once: the
 * statistics' pass also fills the n x n file and the histogram.
 */
class PairwisePassesTest {
  @Test
  void theDistancesAreComputedOnceAndTheFileHoldsThem(@TempDir Path tmp) throws Exception {
    runOnce(tmp, 300, PairwiseStep.FILE_CAP);
  }

  /** Above the file's cap the histogram is counted in the statistics' pass too: still one pass. */
  @Test
  void aboveTheFileCapTheDistancesAreStillComputedOnce(@TempDir Path tmp) throws Exception {
    runOnce(tmp, 300, 100);
  }

  private static void runOnce(Path tmp, int n, int fileCap) throws Exception {
    int d = 6;
    Random rnd = new Random(5);
    float[][] rows = new float[n][d];
    for (float[] r : rows) {
      for (int c = 0; c < d; c++) {
        r[c] = (float) rnd.nextGaussian();
      }
    }
    rows[17] = rows[4].clone(); // one exact duplicate pair
    EmbeddingMatrix w = EmbeddingMatrix.copyOf(rows);
    PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
    CountingKernel kernel =
        new CountingKernel(Backends.cpu().distanceKernel(MetricSpace.euclidean()));
    Options.BasisOptions basis = new Options.BasisOptions();
    basis.north = 2;
    basis.meridian = 1;
    basis.equinox = 3;
    BoundingBox everything = new BoundingBox(-90, 90, -180, 180, 0, 1e9);
    Path dir = Files.createDirectories(tmp.resolve("pairwise"));
    try (Session s =
        new Session(
            new ModelLoader.Model("random", w, null, false),
            new Console(quiet, quiet, true),
            null,
            tmp)) {
      s.useKernel("euclidean", kernel);
      PairwiseStep.run(s, basis, everything, false, dir, fileCap);
    }
    // One pass: at most the n x n distances (an upper-triangle pass computes fewer); the
    // statistics' pass followed by one for the file and histogram would be 1.5 to 2 times that.
    assertThat(kernel.computed.get()).isBetween((long) n * (n - 1) / 2, (long) n * n);

    JsonNode rep = new ObjectMapper().readTree(dir.resolve(Outputs.REPORT).toFile());
    assertThat(rep.get("pairs").asLong()).isEqualTo((long) n * (n - 1) / 2);
    assertThat(rep.get("exact_zero_pairs").asLong()).isEqualTo(1);
    assertThat(Files.exists(dir.resolve("pairwise_distances.png"))).isTrue();
    if (n > fileCap) {
      assertThat(Files.exists(dir.resolve(PairwiseStep.MATRIX_FILE))).isFalse();
      assertThat(rep.get("distances_file_skipped").asText()).contains("cap of 100");
      return;
    }
    try (SafetensorsFile f = SafetensorsFile.open(dir.resolve(PairwiseStep.MATRIX_FILE))) {
      float[] m = f.tensor("distances").toFloatArray();
      for (int i = 0; i < n; i++) {
        assertThat(m[i * n + i]).isZero();
        for (int j = i + 1; j < n; j++) {
          double sq = 0;
          for (int c = 0; c < d; c++) {
            double t = (double) rows[i][c] - rows[j][c];
            sq += t * t;
          }
          double expected = Math.sqrt(sq);
          assertThat((double) m[i * n + j]).isCloseTo(expected, within(1e-5 + 1e-5 * expected));
          assertThat(m[j * n + i]).isEqualTo(m[i * n + j]);
        }
      }
    }
  }
}
