package io.github.embeddinggeometry.examples.notebooks;

import static io.github.embeddinggeometry.ProgressListener.NONE;

import io.github.embeddinggeometry.EmbeddingMatrix;
import io.github.embeddinggeometry.analysis.NearDuplicateClusters;
import io.github.embeddinggeometry.backend.Backends;
import io.github.embeddinggeometry.backend.ComputeBackend;
import io.github.embeddinggeometry.frame.Pca;
import io.github.embeddinggeometry.frame.PcaResult;
import io.github.embeddinggeometry.frame.ReferenceFrame;
import io.github.embeddinggeometry.io.MiniLm;
import io.github.embeddinggeometry.io.ReferenceFrameFiles;
import io.github.embeddinggeometry.metric.DistanceKernel;
import io.github.embeddinggeometry.metric.MetricSpace;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.channels.Channels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.IntStream;

/**
 * Notebook 1.6a, "Cluster-Centric Reference Frame": the centroid of the cluster as a new origin,
 * plus the PCA basis of the whole vocabulary, saved for reuse and verified by reading it back. Run
 * it with {@code ./geometry example frame [FOLDER]} (default FOLDER: out/examples).
 *
 * <p>The notebook read the cluster's ids from 1.4h's file; here they are the largest near-duplicate
 * cluster of MiniLM's box (notebooks 1.4g-1.4h, eps = {@value Defaults#MINILM_EPS}). Verification
 * is byte for byte (the notebook's {@code allclose} would pass a wrong rounding).
 *
 * @since 0.1
 */
public final class ClusterReferenceFrame {
  private ClusterReferenceFrame() {}

  /** Runs the notebook on the default dataset, all-MiniLM-L6-v2. */
  public static void main(String[] args) throws IOException {
    PrintStream out = System.out;
    Path dir = Path.of(args.length > 0 ? args[0] : "out/examples");
    try (MiniLm.Dataset data = MiniLm.load()) {
      ComputeBackend backend = Backends.get();
      EmbeddingMatrix w = data.matrix();
      out.printf(Locale.ROOT, "Loaded W: %,d tokens in %,d dimensions%n%n", w.rows(), w.dim());

      // Compute the PCA basis: every PC, eigenvalues descending, each sign fixed.
      PcaResult pca = Pca.fit(w, backend, NONE);
      printPca(pca, out);

      // Cluster tokens: the largest near-duplicate cluster in the box (1.4g-1.4h).
      BoxSelection box = BoxSelection.minilm(w, pca.frame());
      int[] ids;
      try (DistanceKernel euclid = backend.distanceKernel(MetricSpace.euclidean())) {
        ids =
            NearDuplicateClusters.find(box.rows(), Defaults.MINILM_EPS, euclid, NONE).largestIds();
      }

      // Compute the cluster centroid.
      ReferenceFrame frame = analyse(w, pca, ids);
      float[] c = frame.origin();
      out.printf(Locale.ROOT, "%nCluster centroid of %,d tokens%n", ids.length);
      out.printf(Locale.ROOT, "  Norm: %.6f%n", norm(c));
      out.println("  First 10 components: " + Arrays.toString(Arrays.copyOf(c, 10)));

      // Save the reference frame data and verify it.
      Path file = dir.resolve("1.6a_cluster_reference_frame.safetensors");
      Files.createDirectories(dir);
      ReferenceFrameFiles.save(file, frame);
      out.printf(Locale.ROOT, "%nSaved to %s (%,d bytes)%n", file, Files.size(file));
      out.println(verify(file, frame) ? "Verification passed" : "Verification FAILED");
    }
  }

  /** What the notebook computes: the PCA of W (all d PCs), origin at the cluster's centroid. */
  public static ReferenceFrame analyse(EmbeddingMatrix w, PcaResult pca, int[] clusterIds) {
    return pca.frame(NearDuplicateClusters.centroid(w, clusterIds));
  }

  /** The notebook's PCA cell: the top 10 eigenvalues and the cumulative variance. */
  public static void printPca(PcaResult pca, PrintStream out) {
    int n = pca.components();
    out.println("Top 10 eigenvalues:");
    for (int i = 0; i < Math.min(10, n); i++) {
      String share = String.format(Locale.ROOT, "%.2f%%", 100 * pca.varianceExplained(i));
      out.printf(Locale.ROOT, "  PC%d: %.6f (%s variance)%n", i + 1, pca.eigenvalue(i), share);
    }
    out.println("Cumulative variance:");
    for (int first : new int[] {10, 100}) {
      double share = 100 * pca.cumulativeVariance(Math.min(first, n));
      out.printf(Locale.ROOT, "  First %d PCs: %.2f%%%n", first, share);
    }
  }

  /**
   * Reads the file back as a frame (which checks tensor names and shapes) and compares the file
   * byte for byte with what the frame read back and the frame meant should give.
   */
  public static boolean verify(Path file, ReferenceFrame expected) throws IOException {
    byte[] written = Files.readAllBytes(file);
    return Arrays.equals(written, bytes(ReferenceFrameFiles.load(file)))
        && Arrays.equals(written, bytes(expected));
  }

  /** Euclidean norm, accumulated in double. */
  public static double norm(float[] v) {
    return Math.sqrt(IntStream.range(0, v.length).mapToDouble(i -> (double) v[i] * v[i]).sum());
  }

  private static byte[] bytes(ReferenceFrame frame) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    ReferenceFrameFiles.save(Channels.newChannel(b), frame);
    return b.toByteArray();
  }
}
