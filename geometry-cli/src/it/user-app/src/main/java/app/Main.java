package app;

import io.github.embeddinggeometry.EmbeddingMatrix;
import io.github.embeddinggeometry.ProgressListener;
import io.github.embeddinggeometry.analysis.DensestPoint;
import io.github.embeddinggeometry.backend.Backends;
import io.github.embeddinggeometry.backend.ComputeBackend;
import io.github.embeddinggeometry.density.DensityField;
import io.github.embeddinggeometry.density.KnnDensity;
import io.github.embeddinggeometry.frame.Pca;
import io.github.embeddinggeometry.frame.PcaResult;
import io.github.embeddinggeometry.io.MiniLm;
import io.github.embeddinggeometry.metric.DistanceKernel;
import io.github.embeddinggeometry.metric.MetricSpace;
import java.util.Locale;

/**
 * The usage example of docs/using.md as a user's main class: UsingPageSnippetTest keeps the page's snippet
 * identical to the part between the markers, and compiles this class in the default build.
 */
public final class Main {
  private Main() {}

  public static void main(String[] args) throws Exception {
    // --- README snippet start ---
    ComputeBackend backend = Backends.get(); // -Dembgeo.backend=cpu|cuda|best
    try (MiniLm.Dataset data = MiniLm.load(); // or EmbeddingSources.open("model-dir/", progress)
        DistanceKernel euclid = backend.distanceKernel(MetricSpace.euclidean());
        DistanceKernel cosine = backend.distanceKernel(MetricSpace.cosine())) {
      EmbeddingMatrix w = data.matrix(); // 30,522 x 384, ids = vocabulary ids
      PcaResult pca = Pca.fit(w, backend, ProgressListener.NONE);
      EmbeddingMatrix scores = pca.frame().project(w, 3, ProgressListener.NONE); // PC1..PC3
      DensityField field = KnnDensity.of(20, euclid).estimate(w, ProgressListener.NONE);
      double[] logRho =
          field.logVolumetric(DensityField.effectiveDimension(pca.participationRatio()));
      DensestPoint top = DensestPoint.of(w, field, euclid, cosine, 30, ProgressListener.NONE);
      System.out.printf(
          Locale.ROOT,
          "densest: %s, %d/30 neighbours shared, log volumetric density %.1f, PC1 %.3f%n",
          data.tokenizer().decode(top.id()),
          top.overlap(),
          logRho[top.row()],
          scores.get(top.row(), 0));
    }
    // --- README snippet end ---
  }
}
