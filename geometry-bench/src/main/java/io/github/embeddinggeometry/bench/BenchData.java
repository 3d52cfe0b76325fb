package io.github.embeddinggeometry.bench;

import io.github.embeddinggeometry.EmbeddingMatrix;
import io.github.embeddinggeometry.ProgressListener;
import io.github.embeddinggeometry.io.safetensors.SafetensorsFile;
import java.io.IOException;
import java.nio.file.Path;
import java.util.SplittableRandom;

/** Inputs for the benchmarks: seeded random matrices, and the files compare.py writes. */
final class BenchData {
  private BenchData() {}

  /**
   * {@code n} standard-normal floats from a fixed seed, so every fork and every run of a benchmark
   * sees the same data.
   */
  static float[] gaussian(long seed, int n) {
    SplittableRandom rnd = new SplittableRandom(seed);
    float[] out = new float[n];
    for (int i = 0; i < n; i += 2) {
      // Marsaglia's polar method: two normals per accepted pair.
      double u;
      double v;
      double s;
      do {
        u = 2 * rnd.nextDouble() - 1;
        v = 2 * rnd.nextDouble() - 1;
        s = u * u + v * v;
      } while (s >= 1 || s == 0);
      double f = Math.sqrt(-2 * Math.log(s) / s);
      out[i] = (float) (u * f);
      if (i + 1 < n) {
        out[i + 1] = (float) (v * f);
      }
    }
    return out;
  }

  /** A seeded {@code rows x dim} standard-normal matrix. */
  static EmbeddingMatrix gaussianMatrix(long seed, int rows, int dim) {
    return EmbeddingMatrix.wrap(gaussian(seed, Math.multiplyExact(rows, dim)), rows, dim);
  }

  /**
   * Reads one rank-2 tensor of a safetensors file (any float dtype) into float32 rows; the file is
   * closed afterwards, the matrix lives on the heap.
   */
  static EmbeddingMatrix read(Path file, String tensor) throws IOException {
    try (SafetensorsFile f = SafetensorsFile.open(file)) {
      return f.tensor(tensor).toEmbeddingMatrix(ProgressListener.NONE);
    }
  }
}
