package com.example.leanapp;

import io.github.embeddinggeometry.EmbeddingMatrix;
import io.github.embeddinggeometry.ProgressListener;
import io.github.embeddinggeometry.backend.Backends;
import io.github.embeddinggeometry.backend.ComputeBackend;
import io.github.embeddinggeometry.density.DensityField;
import io.github.embeddinggeometry.density.KnnDensity;
import io.github.embeddinggeometry.io.EmbeddingSources;
import io.github.embeddinggeometry.metric.DistanceKernel;
import io.github.embeddinggeometry.metric.MetricSpace;
import java.io.IOException;

/**
 * A user's application with geometry-io as its only dependency: reads {@code FILE.npy} and prints,
 * per row, its id and the mean Euclidean distance to its k nearest neighbours.
 */
public final class NpyDensity {
  private NpyDensity() {}

  /**
   * Runs it.
   *
   * @param args {@code FILE.npy K}
   * @throws IOException if the file cannot be read
   */
  public static void main(String[] args) throws IOException {
    EmbeddingMatrix w = EmbeddingSources.load(args[0], ProgressListener.NONE);
    int k = Integer.parseInt(args[1]);
    ComputeBackend backend = Backends.get();
    try (DistanceKernel euclid = backend.distanceKernel(MetricSpace.euclidean())) {
      DensityField field = KnnDensity.of(k, euclid).estimate(w, ProgressListener.NONE);
      for (int row = 0; row < field.rows(); row++) {
        System.out.println(field.id(row) + " " + field.meanDistance(row));
      }
    }
  }
}
