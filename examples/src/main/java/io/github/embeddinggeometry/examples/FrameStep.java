package io.github.embeddinggeometry.examples;

import io.github.embeddinggeometry.analysis.NearDuplicateClusters;
import io.github.embeddinggeometry.examples.report.Figure;
import io.github.embeddinggeometry.examples.report.Plots;
import io.github.embeddinggeometry.frame.BoundingBox;
import io.github.embeddinggeometry.frame.PcaResult;
import io.github.embeddinggeometry.frame.ReferenceFrame;
import io.github.embeddinggeometry.io.ReferenceFrameFiles;
import io.github.embeddinggeometry.io.safetensors.SafetensorsFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Notebook 1.6a: the cluster-centric reference frame (centroid of the largest near-duplicate
 * cluster + the full PCA of W), saved and verified by reading it back bit for bit.
 */
final class FrameStep {
  private FrameStep() {}

  static void run(Session s, Options.BasisOptions basis, BoundingBox box, double eps, Path dir) {
    long t0 = System.nanoTime();
    Console con = s.console();
    PcaResult pca = s.pca();
    NearDuplicateClusters cl = ClustersStep.find(s, basis, box, eps);
    int[] ids = cl.largestIds();
    float[] centroid = NearDuplicateClusters.centroid(s.w(), ids);
    int d = s.w().dim();

    float[] values = toFloats(pca.eigenvalues());
    float[] vectors = toFloats(pca.eigenvectors());
    Path file = dir.resolve("cluster_reference_frame.safetensors");
    try {
      ReferenceFrameFiles.save(file, pca.frame(centroid));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
    }
    boolean verified = verify(file, centroid, values, vectors, d);
    if (!verified) {
      throw new IllegalStateException("read-back of " + file + " differs from what was written");
    }

    int top = Math.min(10, d);
    List<Map<String, Object>> table = new ArrayList<>();
    con.line(
        String.format(
            Locale.ROOT, "frame: top %d eigenvalues of W (%,d x %,d):", top, s.w().rows(), d));
    for (int i = 0; i < top; i++) {
      double share = pca.varianceExplained(i);
      table.add(
          Report.obj("pc", i + 1, "eigenvalue", pca.eigenvalue(i), "variance_explained", share));
      con.line(
          String.format(
              Locale.ROOT,
              "  PC%-3d %.6f  (%5.2f%% variance)",
              i + 1,
              pca.eigenvalue(i),
              100 * share));
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

    Report r = new Report("frame", s);
    r.selection(basis, box);
    r.put("eps", eps);
    r.put("cluster_size", ids.length);
    r.put("centroid_norm", ClustersStep.norm(centroid));
    r.put("centroid_first10", toDoubles(Arrays.copyOf(centroid, Math.min(10, d))));
    r.put("top_eigenvalues", table);
    r.put("cumulative_variance_10", cum10);
    r.put("cumulative_variance_100", cum100);
    r.put("participation_ratio", pca.participationRatio());
    r.put("verified", verified);
    r.file("cluster_reference_frame.safetensors");
    r.figure("variance_explained.png");
    r.write(dir, t0);
    con.line(
        String.format(
            Locale.ROOT,
            "frame: centroid of %,d cluster tokens (norm %.6f); first 10 PCs %.2f%%, first 100 %.2f%%;"
                + " saved and verified (%s)",
            ids.length,
            ClustersStep.norm(centroid),
            100 * cum10,
            100 * cum100,
            Session.seconds(t0)));
  }

  /**
   * Reads the file back twice: as a frame (the io reader a user calls) and tensor by tensor, and
   * compares with what was meant to be written, bit for bit (float32).
   */
  private static boolean verify(Path file, float[] c, float[] values, float[] vectors, int d) {
    try (SafetensorsFile f = SafetensorsFile.open(file)) {
      ReferenceFrame back = ReferenceFrameFiles.load(file);
      return Arrays.equals(back.origin(), c)
          && Arrays.equals(toFloats(back.eigenvalues()), values)
          && Arrays.equals(toFloats(back.eigenvectors()), vectors)
          && Arrays.equals(f.tensor("cluster_centroid").toFloatArray(), c)
          && Arrays.equals(f.tensor("W_eigenvalues").toFloatArray(), values)
          && Arrays.equals(f.tensor("W_eigenvectors").toFloatArray(), vectors)
          && Arrays.equals(f.tensor("W_eigenvectors").shape(), new long[] {d, d});
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read back " + file + ": " + e.getMessage(), e);
    }
  }

  static float[] toFloats(double[] a) {
    float[] out = new float[a.length];
    for (int i = 0; i < a.length; i++) {
      out[i] = (float) a[i];
    }
    return out;
  }

  static double[] toDoubles(float[] a) {
    double[] out = new double[a.length];
    for (int i = 0; i < a.length; i++) {
      out[i] = a[i];
    }
    return out;
  }
}
