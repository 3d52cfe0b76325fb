package io.github.embeddinggeometry.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.embeddinggeometry.EmbeddingMatrix;
import io.github.embeddinggeometry.ProgressListener;
import io.github.embeddinggeometry.analysis.DensestPoint;
import io.github.embeddinggeometry.analysis.Verdicts;
import io.github.embeddinggeometry.backend.Backends;
import io.github.embeddinggeometry.backend.ComputeBackend;
import io.github.embeddinggeometry.density.DensityField;
import io.github.embeddinggeometry.density.FiniteSummary;
import io.github.embeddinggeometry.density.KnnDensity;
import io.github.embeddinggeometry.frame.Pca;
import io.github.embeddinggeometry.frame.PcaResult;
import io.github.embeddinggeometry.io.MiniLm;
import io.github.embeddinggeometry.metric.DistanceKernel;
import io.github.embeddinggeometry.metric.MetricSpace;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The analyses end to end on real embeddings: all-MiniLM-L6-v2's 30,522 x 384 word-embedding matrix
 * (issue 4's acceptance). One k-NN pass (k = 20, Euclidean) over every row is shared by the tests.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RealDataAnalysesTest {
  private static final boolean VERBOSE = Boolean.getBoolean("embgeo.test.verbose");

  private MiniLm.Dataset data;
  private EmbeddingMatrix w;
  private ComputeBackend backend;
  private DensityField field;
  private PcaResult pca;

  @BeforeAll
  void load() throws Exception {
    assumeTrue(MiniLm.isAvailable(), "all-MiniLM-L6-v2 artifact not on the classpath");
    data = MiniLm.load();
    w = data.matrix();
    backend = Backends.get();
    long t0 = System.nanoTime();
    pca = Pca.fit(w, backend, ProgressListener.NONE);
    long t1 = System.nanoTime();
    field =
        KnnDensity.of(20, backend.distanceKernel(MetricSpace.euclidean()))
            .estimate(w, ProgressListener.NONE);
    long t2 = System.nanoTime();
    log(
        "backend %s; PCA %.1f s; k-NN density %.1f s",
        backend.description(), (t1 - t0) / 1e9, (t2 - t1) / 1e9);
  }

  @AfterAll
  void close() {
    if (data != null) {
      data.close();
    }
  }

  private static void log(String format, Object... args) {
    if (VERBOSE) {
      System.out.printf(format + "%n", args);
    }
  }

  @Test
  void pcaOfTheWholeVocabulary() {
    assertThat(w.rows()).isEqualTo(30522);
    assertThat(w.dim()).isEqualTo(384);
    double[] l = pca.eigenvalues();
    for (int i = 1; i < l.length; i++) {
      assertThat(l[i]).isLessThanOrEqualTo(l[i - 1]);
    }
    assertThat(l[383]).isGreaterThan(0);
    double pr = pca.participationRatio();
    assertThat(pr).isBetween(1.0, 384.0);
    assertThat(pca.cumulativeVariance(384)).isCloseTo(1, within(1e-9));
    // The Lanczos path agrees with the full decomposition on the leading PCs.
    PcaResult top = Pca.top(w, 3, backend, ProgressListener.NONE);
    for (int pc = 1; pc <= 3; pc++) {
      assertThat(top.eigenvalue(pc - 1)).isCloseTo(l[pc - 1], within(1e-9 * l[0]));
      double[] a = top.frame().axis(pc);
      double[] b = pca.frame().axis(pc);
      double dot = 0;
      for (int i = 0; i < a.length; i++) {
        dot += a[i] * b[i];
      }
      assertThat(dot).isCloseTo(1, within(1e-6));
    }
    assertThat(top.participationRatio()).isCloseTo(pr, within(1e-9 * pr));
    log(
        "PR %.2f; PC1 %.4f%%; first 10 PCs %.2f%%",
        pr, 100 * pca.varianceExplained(0), 100 * pca.cumulativeVariance(10));
  }

  @Test
  void logVolumetricDensityIsFiniteForEveryRow() {
    int dPr = DensityField.effectiveDimension(pca.participationRatio());
    for (int dim : new int[] {dPr, 1333}) {
      double[] lv = field.logVolumetric(dim);
      FiniteSummary s = FiniteSummary.of(lv);
      assertThat(s.infinite()).as("rows with a non-finite log density, D = %d", dim).isZero();
      assertThat(s.finite()).isEqualTo(30522);
      log(
          "log volumetric density, D = %d: min %.1f median %.1f max %.1f",
          dim, s.min(), s.median(), s.max());
    }
    assertThat(field.duplicateCount()).isZero();
  }

  @Test
  void densestPointAndItsNeighbourhoodEndToEnd() {
    DistanceKernel euclid = backend.distanceKernel(MetricSpace.euclidean());
    DistanceKernel cosine = backend.distanceKernel(MetricSpace.cosine());
    DensestPoint p = DensestPoint.of(w, field, euclid, cosine, 30, ProgressListener.NONE);
    assertThat(p.id()).isEqualTo(field.densestRow());
    assertThat(p.metricIds()).hasSize(30).doesNotContain(p.id());
    assertThat(p.cosineIds()).hasSize(30).doesNotContain(p.id());
    for (int r = 1; r < 30; r++) {
      assertThat(p.metricDistances()[r]).isGreaterThanOrEqualTo(p.metricDistances()[r - 1]);
      assertThat(p.cosineSimilarities()[r]).isLessThanOrEqualTo(p.cosineSimilarities()[r - 1]);
    }
    // The k-NN list of the field and the top-N list agree on the first 20.
    for (int r = 0; r < 20; r++) {
      assertThat(p.metricIds()[r]).isEqualTo(field.neighbours().id(p.row(), r));
    }
    log(
        "densest: id %d '%s' rho %.3f; overlap %d/30 (%s)",
        p.id(),
        data.tokenizer().decode(p.id()),
        p.density(),
        p.overlap(),
        Verdicts.Overlap.of(p.overlapShare()));
  }

  @Test
  void unusedTokensAndRareCjkPiecesAreTheOverdensity() {
    int[] densest = field.densestRows(200);
    int matching = 0;
    StringBuilder sample = new StringBuilder();
    for (int row : densest) {
      String token = data.tokenizer().decode(field.id(row));
      if (isUnusedOrCjk(token)) {
        matching++;
      }
      if (sample.length() < 400) {
        sample.append(token).append(' ');
      }
    }
    log("%d of the 200 densest rows are [unused...] or CJK pieces: %s", matching, sample);
    assertThat(matching).as("densest 200: %s", sample).isGreaterThan(100);
  }

  /** {@code [unused17]}, or a word piece holding a Han, kana or Hangul character. */
  static boolean isUnusedOrCjk(String token) {
    if (token.startsWith("[unused")) {
      return true;
    }
    return token
        .codePoints()
        .anyMatch(
            cp -> {
              Character.UnicodeScript s = Character.UnicodeScript.of(cp);
              return s == Character.UnicodeScript.HAN
                  || s == Character.UnicodeScript.HIRAGANA
                  || s == Character.UnicodeScript.KATAKANA
                  || s == Character.UnicodeScript.HANGUL;
            });
  }
}
