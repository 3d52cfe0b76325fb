package io.github.embeddinggeometry.cli;

import io.github.embeddinggeometry.analysis.NearDuplicateClusters;
import io.github.embeddinggeometry.cli.output.AtomicFiles;
import io.github.embeddinggeometry.cli.report.Figure;
import io.github.embeddinggeometry.cli.report.Plots;
import io.github.embeddinggeometry.frame.BoundingBox;
import io.github.embeddinggeometry.frame.PcaResult;
import io.github.embeddinggeometry.frame.ReferenceFrame;
import io.github.embeddinggeometry.io.ReferenceFrameFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Notebook 1.6a (examples' ClusterReferenceFrame) as a command: the reference frame file, verified
 * by reading it back bit for bit, the scree plot and the eigenvalue table.
 */
final class FrameStep {
  static final String FILE = "cluster_reference_frame.safetensors";

  private FrameStep() {}

  static void run(Session s, Options.BasisOptions basis, BoundingBox box, double eps, Path dir) {
    long t0 = System.nanoTime();
    Console con = s.console();
    con.step("frame");
    PcaResult pca = s.pca();
    int[] ids = ClustersStep.find(s, basis, box, eps).largestIds();
    ReferenceFrame frame = pca.frame(NearDuplicateClusters.centroid(s.w(), ids));
    float[] centroid = frame.origin();
    int d = s.w().dim();

    Path file = dir.resolve(FILE);
    long bytes = 4L * d * (d + 2);
    AtomicFiles.write(file, bytes, ch -> ReferenceFrameFiles.save(ch, frame));
    try {
      if (!ReferenceFrameFiles.matches(file, frame)) {
        throw new IllegalStateException("read-back of " + file + " differs from what was written");
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read back " + file + ": " + e.getMessage(), e);
    }
    con.print(out -> NotebookTables.printPca(pca, out));

    List<Map<String, Object>> table = new ArrayList<>();
    for (int i = 0; i < Math.min(10, d); i++) {
      table.add(
          Report.obj(
              "pc",
              i + 1,
              "eigenvalue",
              pca.eigenvalue(i),
              "variance_explained",
              pca.varianceExplained(i)));
    }
    double cum10 = pca.cumulativeVariance(Math.min(10, d));
    double cum100 = pca.cumulativeVariance(Math.min(100, d));
    int shown = Math.min(50, d);
    double[] share = new double[shown];
    double[] cum = new double[shown];
    for (int i = 0; i < shown; i++) {
      share[i] = 100 * pca.varianceExplained(i);
      cum[i] = 100 * pca.cumulativeVariance(i + 1);
    }
    Plots.scree(
        new Figure(
            dir.resolve("variance_explained.png"),
            "PCA of W: " + s.model().name(),
            String.format(
                Locale.ROOT,
                "first %d of %d PCs; first 10: %.2f%%, first 100: %.2f%%,"
                    + " participation ratio %.1f",
                shown,
                d,
                100 * cum10,
                100 * cum100,
                pca.participationRatio())),
        share,
        cum);

    double norm = NotebookTables.norm(centroid);
    Report r = new Report("frame", s);
    r.selection(basis, box);
    r.put("eps", eps);
    r.put("cluster_size", ids.length);
    r.put("centroid_norm", norm);
    double[] first10 = new double[Math.min(10, d)];
    Arrays.setAll(first10, i -> centroid[i]);
    r.put("centroid_first10", first10);
    r.put("top_eigenvalues", table);
    r.put("cumulative_variance_10", cum10);
    r.put("cumulative_variance_100", cum100);
    r.put("participation_ratio", pca.participationRatio());
    r.put("verified", true);
    r.file(FILE);
    r.figure("variance_explained.png");
    r.write(dir, t0);
    con.line(
        String.format(
            Locale.ROOT,
            "frame: centroid of %,d cluster tokens (norm %.6f); first 10 PCs %.2f%%, first 100 %.2f%%;"
                + " saved and verified (%s)",
            ids.length,
            norm,
            100 * cum10,
            100 * cum100,
            Session.seconds(t0)));
  }
}
