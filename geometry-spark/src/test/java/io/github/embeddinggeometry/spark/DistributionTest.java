package io.github.embeddinggeometry.spark;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.embeddinggeometry.Covariance;
import io.github.embeddinggeometry.EmbeddingMatrix;
import io.github.embeddinggeometry.ProgressListener;
import io.github.embeddinggeometry.backend.Backends;
import io.github.embeddinggeometry.frame.Pca;
import io.github.embeddinggeometry.frame.PcaResult;
import io.github.embeddinggeometry.io.Tensors;
import io.github.embeddinggeometry.io.npy.NpyWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.Partition;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.rdd.RDD;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The matrix never rides in a task description: a task carries its partition, and no partition of
 * any RDD behind the blocks holds rows. Local mode does not enforce {@code
 * spark.rpc.message.maxSize}, so the default run measures the partitions themselves against its 1
 * MB floor; the {@code local-cluster} profile runs a 300 MB matrix with {@code maxSize = 1}.
 */
class DistributionTest {
  /** {@code spark.rpc.message.maxSize = 1}: 1 MiB, the smallest Spark accepts. */
  private static final int MAX_TASK_BYTES = 1 << 20;

  /** Java-serialized size of every partition of the RDD and of every RDD it depends on. */
  static long largestPartition(RDD<?> rdd) throws IOException {
    long max = 0;
    Deque<RDD<?>> todo = new ArrayDeque<>(List.of(rdd));
    while (!todo.isEmpty()) {
      RDD<?> r = todo.pop();
      for (Partition p : r.partitions()) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
          out.writeObject(p);
        }
        max = Math.max(max, bytes.size());
      }
      scala.jdk.javaapi.CollectionConverters.asJava(r.dependencies())
          .forEach(d -> todo.push(d.rdd()));
    }
    return max;
  }

  @Test
  void aDriverMatrixTravelsAsBroadcastsNotInTasks() throws IOException {
    JavaSparkContext sc = TestSpark.sc();
    // 4 MB of rows, with ids that are not row positions
    EmbeddingMatrix w = TestSpark.matrix(16_000, 64, 0, 3);
    int[] ids = new int[w.rows()];
    for (int i = 0; i < ids.length; i++) {
      ids[i] = 3 * i + 7;
    }
    w = w.withIds(ids);
    RowBlocks m = RowBlocks.of(sc, w, 4);
    try {
      assertThat(largestPartition(m.rdd().rdd())).isLessThan(4096);
      float[] all = new float[w.rows() * w.dim()];
      for (RowBlock b : m.rdd().collect()) {
        System.arraycopy(b.data(), 0, all, b.start() * w.dim(), b.data().length);
        for (int i = 0; i < b.rows(); i++) {
          assertThat(b.id(i)).isEqualTo(3 * (b.start() + i) + 7);
        }
      }
      float[] want = w.backingArray();
      for (int i = 0; i < all.length; i++) {
        if (Float.floatToRawIntBits(all[i]) != Float.floatToRawIntBits(want[i])) {
          throw new AssertionError(
              "value " + i + " (row " + i / w.dim() + "): " + all[i] + ", not " + want[i]);
        }
      }
    } finally {
      m.release();
    }
  }

  @Test
  void aStagedMatrixIsReadFromTheFolderAndRemovedOnRelease(@TempDir Path dir) throws IOException {
    JavaSparkContext sc = TestSpark.sc();
    EmbeddingMatrix w = TestSpark.matrix(5_000, 32, 0, 4);
    int[] ids = new int[w.rows()];
    for (int i = 0; i < ids.length; i++) {
      ids[i] = 2 * i + 1;
    }
    w = w.withIds(ids);
    sc.setLocalProperty(RowBlocks.STAGE, dir.toString());
    RowBlocks m;
    try {
      m = RowBlocks.of(sc, w, 3);
    } finally {
      sc.setLocalProperty(RowBlocks.STAGE, null);
    }
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files.filter(f -> f.toString().endsWith(".safetensors")).count()).isEqualTo(1);
    }
    assertThat(largestPartition(m.rdd().rdd())).isLessThan(4096);
    double[] mean = Backends.cpu().covariance(w, ProgressListener.NONE).mean();
    SparkAnalyses spark = SparkAnalyses.on(sc);
    assertThat(spark.covariance(m).mean()).containsExactly(mean);
    for (RowBlock b : m.rdd().collect()) {
      for (int i = 0; i < b.rows(); i++) {
        assertThat(b.id(i)).isEqualTo(2 * (b.start() + i) + 1);
      }
    }
    m.release();
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files.filter(f -> !f.getFileName().toString().startsWith(".")).count()).isZero();
    }
  }

  @Test
  void pcaReadsItsInputOnce() {
    JavaSparkContext sc = TestSpark.sc();
    EmbeddingMatrix w = TestSpark.matrix(5_000, 24, 0, 6);
    RowBlocks m = RowBlocks.of(sc, w, 3);
    org.apache.spark.util.LongAccumulator reads = sc.sc().longAccumulator("block reads");
    RowBlocks counted =
        m.withRdd(
            m.rdd()
                .map(
                    b -> {
                      reads.add(1);
                      return b;
                    }),
            "counted");
    PcaResult got = Pca.fit(SparkAnalyses.on(sc).covariance(counted), ProgressListener.NONE);
    PcaResult want =
        Pca.fit(Backends.cpu().covariance(w, ProgressListener.NONE), ProgressListener.NONE);
    assertThat(got.eigenvalues()).containsExactly(want.eigenvalues());
    assertThat(reads.value()).as("blocks computed").isEqualTo(3);
    assertThat(counted.rdd().getStorageLevel())
        .isEqualTo(org.apache.spark.storage.StorageLevel.NONE());
    m.release();
  }

  /**
   * A 315 MB float32 matrix ({@code 307,200 x 256}, as .npy) on two executor JVMs with {@code
   * spark.rpc.message.maxSize = 1}: read by the tasks from the file, and shipped from the driver as
   * broadcasts; mean and covariance bit-equal to the single machine.
   */
  @Test
  @Tag("local-cluster")
  void aMatrixOver300MbWithOneMbMessages(@TempDir Path dir) throws Exception {
    int n = 307_200;
    int d = 256;
    EmbeddingMatrix w = TestSpark.matrix(n, d, 0, 5);
    Path file = dir.resolve("w.npy");
    NpyWriter.write(file, Tensors.of("W", w.backingArray(), n, d));
    assertThat(Files.size(file)).isGreaterThan(300L << 20);
    Covariance moments = Backends.cpu().covariance(w, ProgressListener.NONE);
    double[] mean = moments.mean();
    double[] cov = moments.matrix();
    try (JavaSparkContext sc =
        new JavaSparkContext(
            TestSpark.conf("local-cluster[2,1,1024]")
                .set("spark.executor.extraClassPath", System.getProperty("java.class.path"))
                .set("spark.rpc.message.maxSize", "1"))) {
      SparkAnalyses spark = SparkAnalyses.on(sc);
      RowBlocks read = spark.read(file.toString(), 8);
      Covariance fromFile = spark.covariance(read);
      assertThat(fromFile.mean()).containsExactly(mean);
      assertThat(fromFile.matrix()).containsExactly(cov);
      RowBlocks shipped = spark.of(w, 8);
      Covariance fromDriver = spark.covariance(shipped);
      assertThat(fromDriver.mean()).containsExactly(mean);
      assertThat(fromDriver.matrix()).containsExactly(cov);
      shipped.release();
    }
  }
}
