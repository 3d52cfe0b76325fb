package io.github.embeddinggeometry.bench;

import io.github.embeddinggeometry.EmbeddingMatrix;
import io.github.embeddinggeometry.ProgressListener;
import io.github.embeddinggeometry.backend.Backends;
import io.github.embeddinggeometry.internal.linalg.SymmetricEigen;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.EigenDecomposition_F64;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The full symmetric eigen-decomposition (all eigenvalues and eigenvectors) of a d x d float64
 * covariance: our {@link SymmetricEigen} against EJML's symmetric eigensolver, on the covariance of
 * {@code 2d} seeded Gaussian rows whose column j has scale {@code 1 / sqrt(1 + j)}, so the spectrum
 * decays like an embedding matrix's.
 *
 * <p>HOW TO RUN: {@code mvn -pl geometry-bench -am package -DskipTests}, then {@code java -jar
 * geometry-bench/target/benchmarks.jar EigenBench -wi 2 -i 3 -f 1 -jvmArgs -Dembgeo.threads=2} (the
 * thread count must go to the forked JVM; EJML takes about half a minute per call at d = 2560).
 */
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
public class EigenBench extends JmhDefaults {
  /** Matrix size. */
  @Param({"384", "1024", "2560"})
  public int d;

  private double[] covariance;

  /** The covariance of fixed-seed rows with decaying column scales. */
  @Setup(Level.Trial)
  public void setUp() {
    covariance = covariance(d);
  }

  /** The benchmark's matrix, also used by {@link CompareMain}-style checks. */
  static double[] covariance(int d) {
    int rows = 2 * d;
    EmbeddingMatrix w = BenchData.gaussianMatrix(11, rows, d);
    float[] x = w.backingArray();
    for (int r = 0; r < rows; r++) {
      for (int j = 0; j < d; j++) {
        x[r * d + j] /= (float) Math.sqrt(1 + j);
      }
    }
    return Backends.cpu().covariance(w, ProgressListener.NONE).matrix();
  }

  /** Ours: blocked Householder, divide and conquer, compact-WY back-transformation. */
  @Benchmark
  public SymmetricEigen ours() {
    return SymmetricEigen.decompose(covariance, d, ProgressListener.NONE);
  }

  /** EJML's symmetric eigensolver (the previous implementation of {@code Pca.fit}). */
  @Benchmark
  public EigenDecomposition_F64<DMatrixRMaj> ejml() {
    EigenDecomposition_F64<DMatrixRMaj> eig = DecompositionFactory_DDRM.eig(d, true, true);
    if (!eig.decompose(DMatrixRMaj.wrap(d, d, covariance.clone()))) {
      throw new IllegalStateException("EJML failed");
    }
    return eig;
  }
}
