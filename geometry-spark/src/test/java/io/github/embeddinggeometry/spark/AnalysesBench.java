package io.github.embeddinggeometry.spark;

import io.github.embeddinggeometry.EmbeddingMatrix;
import io.github.embeddinggeometry.ProgressListener;
import io.github.embeddinggeometry.analysis.DistanceStatistics;
import io.github.embeddinggeometry.backend.Backends;
import io.github.embeddinggeometry.frame.Pca;
import io.github.embeddinggeometry.frame.PcaResult;
import io.github.embeddinggeometry.io.Tensors;
import io.github.embeddinggeometry.io.npy.NpyWriter;
import io.github.embeddinggeometry.metric.MetricSpace;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.mllib.linalg.Vector;
import org.apache.spark.mllib.linalg.Vectors;
import org.apache.spark.mllib.linalg.distributed.RowMatrix;
import org.apache.spark.storage.StorageLevel;
import scala.Tuple2;

/**
 * The benchmarks of bench-analyses.sh (not a test), best of RUNS after one warm-up run:
 *
 * <ul>
 *   <li>{@code pairwise-single N d RUNS}: the single-machine pairwise statistics;
 *   <li>{@code pairwise-spark N d RUNS MASTER}: the same on Spark, reading the rows from a .npy
 *       file (B from the planner), and whether its statistics are the single machine's bits;
 *   <li>{@code pca N d RUNS MASTER}: our PCA (mean, covariance, decomposition) against MLlib's
 *       {@code RowMatrix.computePrincipalComponentsAndExplainedVariance} on the same rows from the
 *       same file, side by side in one context, and the ratio of their times.
 * </ul>
 */
public final class AnalysesBench {
  private AnalysesBench() {}

  public static void main(String[] args) throws Exception {
    String mode = args[0];
    int n = Integer.parseInt(args[1]);
    int d = Integer.parseInt(args[2]);
    int runs = Integer.parseInt(args[3]);
    EmbeddingMatrix w = TestSpark.matrix(n, d, 3, 2024);
    if (mode.equals("pairwise-single")) {
      double s =
          best(
              "single",
              runs,
              () ->
                  DistanceStatistics.of(
                      w,
                      Backends.cpu().distanceKernel(MetricSpace.euclidean()),
                      ProgressListener.NONE));
      System.out.printf(Locale.ROOT, "RESULT single %.3f%n", s);
      return;
    }
    Path file = Files.createTempFile("analyses-bench", ".npy");
    NpyWriter.write(file, Tensors.of("W", w.backingArray(), n, d));
    try (JavaSparkContext sc =
        new JavaSparkContext(
            TestSpark.conf(args[4])
                .set("spark.shuffle.compress", System.getProperty("bench.compress", "true")))) {
      if (Boolean.getBoolean("bench.stages")) {
        sc.sc().addSparkListener(new StageTimes());
      }
      SparkAnalyses spark = SparkAnalyses.on(sc);
      if (mode.equals("pairwise-spark")) {
        int b = Planner.chooseBlocks(sc, n, d, 1);
        DistanceStatistics[] got = new DistanceStatistics[1];
        double s =
            best(
                "spark",
                runs,
                () ->
                    got[0] =
                        spark.pairwiseStatistics(
                            read(spark, file.toString(), b), MetricSpace.euclidean()));
        DistanceStatistics want =
            DistanceStatistics.of(
                w, Backends.cpu().distanceKernel(MetricSpace.euclidean()), ProgressListener.NONE);
        System.out.printf(
            Locale.ROOT,
            "blocks B = %d; same bits as the single machine: %b%nRESULT spark %.3f%n",
            b,
            got[0].equals(want)
                && Double.doubleToRawLongBits(got[0].median())
                    == Double.doubleToRawLongBits(want.median()),
            s);
        return;
      }
      int b = Planner.chooseBlocks(sc, n, d, 1);
      PcaResult[] ours = new PcaResult[1];
      double oursS =
          best(
              "ours",
              runs,
              () ->
                  ours[0] =
                      Pca.fit(
                          spark.covariance(read(spark, file.toString(), b)),
                          ProgressListener.NONE));
      double[][] theirs = new double[1][];
      double mllibS =
          best(
              "mllib",
              runs,
              () -> {
                JavaRDD<Vector> rows = vectors(spark, file.toString(), b);
                rows.persist(StorageLevel.MEMORY_AND_DISK());
                Tuple2<org.apache.spark.mllib.linalg.Matrix, Vector> pc =
                    new RowMatrix(rows.rdd()).computePrincipalComponentsAndExplainedVariance(d);
                rows.unpersist(false);
                theirs[0] = pc._2().toArray();
                return pc;
              });
      double total = 0;
      for (double e : ours[0].eigenvalues()) {
        total += e;
      }
      System.out.printf(
          Locale.ROOT,
          "blocks B = %d; explained variance of the first component: ours %.9f, MLlib %.9f%n"
              + "RESULT pca ours %.3f mllib %.3f ratio %.2f%n",
          b,
          ours[0].eigenvalues()[0] / total,
          theirs[0][0],
          oursS,
          mllibS,
          oursS / mllibS);
    } finally {
      Files.deleteIfExists(file);
    }
  }

  /**
   * Under {@code -Dbench.stages=true}: one line per finished stage and job on standard error (wall
   * time, tasks, summed task run time, shuffle bytes), to see where a Spark run's time goes.
   */
  private static final class StageTimes extends org.apache.spark.scheduler.SparkListener {
    @Override
    public void onStageCompleted(org.apache.spark.scheduler.SparkListenerStageCompleted e) {
      org.apache.spark.scheduler.StageInfo s = e.stageInfo();
      long wall = (long) s.completionTime().get() - (long) s.submissionTime().get();
      org.apache.spark.executor.TaskMetrics m = s.taskMetrics();
      System.err.printf(
          Locale.ROOT,
          "stage %d %-40.40s %3d tasks %6d ms wall, tasks %6d ms run %5d ms gc %5d ms deser,"
              + " shuffle write %,d B, read %,d B%n",
          s.stageId(),
          s.name(),
          s.numTasks(),
          wall,
          m.executorRunTime(),
          m.jvmGCTime(),
          m.executorDeserializeTime(),
          m.shuffleWriteMetrics().bytesWritten(),
          m.shuffleReadMetrics().totalBytesRead());
    }

    @Override
    public void onJobEnd(org.apache.spark.scheduler.SparkListenerJobEnd e) {
      System.err.printf(Locale.ROOT, "job %d ended at %d%n", e.jobId(), e.time());
    }
  }

  /** The rows as MLlib vectors, read by the tasks from the same file as ours. */
  private static JavaRDD<Vector> vectors(SparkAnalyses spark, String file, int b) {
    return read(spark, file, b)
        .rdd()
        .flatMap(
            blk -> {
              List<Vector> out = new ArrayList<>(blk.rows());
              int dim = blk.dim();
              for (int i = 0; i < blk.rows(); i++) {
                double[] v = new double[dim];
                for (int c = 0; c < dim; c++) {
                  v[c] = blk.data()[i * dim + c];
                }
                out.add(Vectors.dense(v));
              }
              return out.iterator();
            });
  }

  private static RowBlocks read(SparkAnalyses spark, String file, int b) {
    try {
      return spark.read(file, b);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** Best wall time of RUNS runs after one warm-up run, each printed. */
  private static double best(String what, int runs, Supplier<?> run) {
    double best = Double.MAX_VALUE;
    com.sun.management.OperatingSystemMXBean os =
        (com.sun.management.OperatingSystemMXBean)
            java.lang.management.ManagementFactory.getOperatingSystemMXBean();
    for (int r = 0; r <= runs; r++) {
      long c0 = os.getProcessCpuTime();
      long t0 = System.nanoTime();
      run.get();
      double s = (System.nanoTime() - t0) / 1e9;
      // CPU seconds of the whole process: on a shared machine a steadier measure of the work
      // than the wall time, though it misses idle slots
      System.out.printf(
          Locale.ROOT,
          "%s run %d: %.2f s (process CPU %.2f s)%n",
          what,
          r,
          s,
          (os.getProcessCpuTime() - c0) / 1e9);
      best = r == 0 ? best : Math.min(best, s);
    }
    return best;
  }
}
