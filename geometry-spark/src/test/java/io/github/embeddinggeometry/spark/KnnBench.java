package io.github.embeddinggeometry.spark;

import io.github.embeddinggeometry.EmbeddingMatrix;
import io.github.embeddinggeometry.ProgressListener;
import io.github.embeddinggeometry.backend.Backends;
import io.github.embeddinggeometry.io.Tensors;
import io.github.embeddinggeometry.io.safetensors.SafetensorsWriter;
import io.github.embeddinggeometry.metric.MetricSpace;
import io.github.embeddinggeometry.metric.Neighbours;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * The k-NN benchmark of bench.sh (not a test): {@code single N d k RUNS} times the single-machine
 * library; {@code spark N d k RUNS MASTER BLOCKS} (BLOCKS 0: the planner's B) times the Spark job
 * reading the same rows from a safetensors file, checks its lists against the library's, and
 * compares the planner's shuffle bytes with Spark's. Best of RUNS after one warm-up run.
 */
public final class KnnBench {
  private KnnBench() {}

  public static void main(String[] args) throws Exception {
    String mode = args[0];
    int n = Integer.parseInt(args[1]);
    int d = Integer.parseInt(args[2]);
    int k = Integer.parseInt(args[3]);
    int runs = Integer.parseInt(args[4]);
    EmbeddingMatrix w = TestSpark.matrix(n, d, 0, 2024);
    if (mode.equals("single")) {
      double best = Double.MAX_VALUE;
      for (int r = 0; r <= runs; r++) {
        long t0 = System.nanoTime();
        Backends.cpu().distanceKernel(MetricSpace.euclidean()).nearest(w, k, ProgressListener.NONE);
        double s = (System.nanoTime() - t0) / 1e9;
        System.out.printf(Locale.ROOT, "single run %d: %.2f s%n", r, s);
        best = r == 0 ? best : Math.min(best, s);
      }
      System.out.printf(Locale.ROOT, "RESULT single %.3f%n", best);
      return;
    }
    String master = args[5];
    int asked = Integer.parseInt(args[6]);
    Path file = Files.createTempFile("knn-bench", ".safetensors");
    SafetensorsWriter.write(file, List.of(Tensors.of("W", w.backingArray(), n, d)));
    try (JavaSparkContext sc =
        new JavaSparkContext(
            TestSpark.conf(master)
                .set("spark.shuffle.compress", System.getProperty("bench.compress", "true")))) {
      SparkAnalyses spark = SparkAnalyses.on(sc);
      // 0: the planner's choice for this context, as the library's --spark path makes it
      int blocks = asked > 0 ? asked : Planner.chooseBlocks(sc, n, d, k);
      System.out.printf(
          Locale.ROOT, "blocks B = %d (%s)%n", blocks, asked > 0 ? "given" : "planner");
      double best = Double.MAX_VALUE;
      PlannerTest.Bytes bytes = null;
      JavaRDD<NeighbourBlock> knn = null;
      for (int r = 0; r <= runs; r++) {
        if (knn != null) {
          knn.unpersist(true);
        }
        bytes = new PlannerTest.Bytes();
        sc.sc().addSparkListener(bytes);
        long t0 = System.nanoTime();
        RowBlocks m = spark.read(file.toString(), blocks);
        knn = spark.nearest(m, MetricSpace.euclidean(), k);
        double s = (System.nanoTime() - t0) / 1e9;
        bytes.await(3);
        sc.sc().removeSparkListener(bytes);
        System.out.printf(Locale.ROOT, "spark run %d: %.2f s%n", r, s);
        best = r == 0 ? best : Math.min(best, s);
      }
      Neighbours want =
          Backends.cpu()
              .distanceKernel(MetricSpace.euclidean())
              .nearest(w, k, ProgressListener.NONE);
      long mismatches = 0;
      for (NeighbourBlock nb : knn.collect()) {
        for (int i = 0; i < nb.rows(); i++) {
          for (int q = 0; q < k; q++) {
            if (nb.neighbourId(i, q) != want.id(nb.start() + i, q)
                || Float.floatToRawIntBits(nb.distance(i, q))
                    != Float.floatToRawIntBits(want.distance(nb.start() + i, q))) {
              mismatches++;
            }
          }
        }
      }
      Planner.Plan plan =
          Planner.knn(n, d, k, 1, 2, blocks, 1L << 30, 4, Planner.measureRate(d, k), 1e9);
      System.out.print(Planner.render(plan));
      List<long[]> got = bytes.await(3);
      for (int s = 0; s < 3; s++) {
        Planner.Stage st = plan.stages().get(s);
        System.out.printf(
            Locale.ROOT,
            "stage %d %-34s planned write %,d read %,d; Spark measured write %,d read %,d"
                + " (write %+.2f%%, read %+.2f%%)%n",
            s + 1,
            st.name(),
            st.shuffleWrite(),
            st.shuffleRead(),
            got.get(s)[0],
            got.get(s)[1],
            pct(got.get(s)[0], st.shuffleWrite()),
            pct(got.get(s)[1], st.shuffleRead()));
      }
      System.out.printf(Locale.ROOT, "RESULT spark %.3f mismatches %d%n", best, mismatches);
    } finally {
      Files.deleteIfExists(file);
    }
  }

  private static double pct(long measured, long planned) {
    return planned == 0 ? 0 : 100.0 * (measured - planned) / planned;
  }
}
