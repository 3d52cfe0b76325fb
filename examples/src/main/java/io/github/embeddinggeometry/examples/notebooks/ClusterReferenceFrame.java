package io.github.embeddinggeometry.examples.notebooks;

import static io.github.embeddinggeometry.ProgressListener.NONE;

import io.github.embeddinggeometry.EmbeddingMatrix;
import io.github.embeddinggeometry.analysis.NearDuplicateClusters;
import io.github.embeddinggeometry.backend.Backends;
import io.github.embeddinggeometry.backend.ComputeBackend;
import io.github.embeddinggeometry.cli.NotebookTables;
import io.github.embeddinggeometry.frame.BoundingBox;
import io.github.embeddinggeometry.frame.BoxSelection;
import io.github.embeddinggeometry.frame.Pca;
import io.github.embeddinggeometry.frame.PcaResult;
import io.github.embeddinggeometry.frame.ReferenceFrame;
import io.github.embeddinggeometry.io.MiniLm;
import io.github.embeddinggeometry.io.ReferenceFrameFiles;
import io.github.embeddinggeometry.metric.DistanceKernel;
import io.github.embeddinggeometry.metric.MetricSpace;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/**
 * Notebook 1.6a, "Cluster-Centric Reference Frame": the centroid of the cluster as a new origin,
 * plus the PCA basis of the whole vocabulary, saved for reuse and verified by reading it back. Run
 * it with {@code ./geometry example frame [FOLDER]} (default FOLDER: out/examples).
 *
 * <p>The notebook read the cluster's ids from 1.4h's file; here they are the largest near-duplicate
 * cluster of MiniLM's box (notebooks 1.4g-1.4h, eps = {@value #EPS}). Verification is byte for byte
 * (the notebook's {@code allclose} would pass a wrong rounding).
 *
 * @since 0.1
 */
public final class ClusterReferenceFrame {
  // ---- The notebook's parameters (MiniLM's box around its never-trained [unused] tokens) ----

  /** Signed 1-based PC index of the NORTH axis; MERIDIAN and EQUINOX likewise. */
  static final int NORTH = 2;

  static final int MERIDIAN = 1;
  static final int EQUINOX = 3;

  /** The bounding box: lat [40, 70] deg, lon [0, 40] deg, r [0.25, 0.45] PC units. */
  static final BoundingBox BOX = new BoundingBox(40, 70, 0, 40, 0.25, 0.45);

  /** The near-duplicate threshold: the smallest round eps that joins the boxed [unused] rows. */
  static final double EPS = 0.27;

  /** Where the frame file goes without a FOLDER argument. */
  public static final String FOLDER = "out/examples";

  private ClusterReferenceFrame() {}

  /** Runs the notebook on the default dataset, all-MiniLM-L6-v2. */
  public static void main(String[] args) throws IOException {
    PrintStream out = System.out;
    Path dir = Path.of(args.length > 0 ? args[0] : FOLDER);
    try (MiniLm.Dataset data = MiniLm.load()) {
      ComputeBackend backend = Backends.get();
      EmbeddingMatrix w = data.matrix();
      out.printf(Locale.ROOT, "Loaded W: %,d tokens in %,d dimensions%n%n", w.rows(), w.dim());

      // Compute the PCA basis: every PC, eigenvalues descending, each sign fixed.
      PcaResult pca = Pca.fit(w, backend, NONE);
      NotebookTables.printPca(pca, out);

      // Cluster tokens: the largest near-duplicate cluster in the box (1.4g-1.4h).
      BoxSelection box = BoxSelection.of(w, pca.frame(), NORTH, MERIDIAN, EQUINOX, BOX);
      int[] ids;
      try (DistanceKernel euclid = backend.distanceKernel(MetricSpace.euclidean())) {
        ids = NearDuplicateClusters.find(box.rows(), EPS, euclid, NONE).largestIds();
      }

      // Compute the cluster centroid.
      ReferenceFrame frame = pca.frame(NearDuplicateClusters.centroid(w, ids));
      float[] c = frame.origin();
      out.printf(Locale.ROOT, "%nCluster centroid of %,d tokens%n", ids.length);
      out.printf(Locale.ROOT, "  Norm: %.6f%n", NotebookTables.norm(c));
      out.println("  First 10 components: " + Arrays.toString(Arrays.copyOf(c, 10)));

      // Save the reference frame data and verify it.
      Path file = dir.resolve("1.6a_cluster_reference_frame.safetensors");
      Files.createDirectories(dir);
      ReferenceFrameFiles.save(file, frame);
      out.printf(Locale.ROOT, "%nSaved to %s (%,d bytes)%n", file, Files.size(file));
      out.println(
          ReferenceFrameFiles.matches(file, frame) ? "Verification passed" : "Verification FAILED");
    }
  }
}
