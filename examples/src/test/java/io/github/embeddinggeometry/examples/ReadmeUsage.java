package io.github.embeddinggeometry.examples;

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

/**
 * The README's usage example, kept here so that the build proves it compiles (it is not run by the
 * tests: RealDataAnalysesTest runs the same steps with assertions).
 */
final class ReadmeUsage {
  private ReadmeUsage() {}

  public static void main(String[] args) throws Exception {
    // --- README snippet start ---
    try (MiniLm.Dataset data = MiniLm.load()) { // or EmbeddingSources.load("model-dir/")
      EmbeddingMatrix w = data.matrix(); // 30,522 x 384, ids = vocabulary ids
      ComputeBackend backend = Backends.get(); // -Dembgeo.backend=cpu|cuda|best
      PcaResult pca = Pca.fit(w, backend, ProgressListener.NONE);
      DistanceKernel euclid = backend.distanceKernel(MetricSpace.euclidean());
      DensityField field =
          KnnDensity.of(20, euclid).estimate(w, ProgressListener.NONE); // streaming k-NN
      double[] logRho =
          field.logVolumetric(DensityField.effectiveDimension(pca.participationRatio()));
      DensestPoint top =
          DensestPoint.of(
              w,
              field,
              euclid,
              backend.distanceKernel(MetricSpace.cosine()),
              30,
              ProgressListener.NONE);
      System.out.println(
          data.tokenizer().decode(top.id())
              + ": "
              + top.overlap()
              + "/30 shared, "
              + "log volumetric density "
              + logRho[top.row()]);
    }
    // --- README snippet end ---
  }
}
