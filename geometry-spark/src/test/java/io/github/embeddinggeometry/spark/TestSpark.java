package io.github.embeddinggeometry.spark;

import io.github.embeddinggeometry.EmbeddingMatrix;
import java.util.SplittableRandom;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * One local Spark context for the tests of a JVM: {@code local[2,2]} (two worker threads, a failed
 * task is tried twice), UI off, loopback only, shuffle compression off so that the planner's byte
 * counts compare with Spark's exactly. Under {@code -Dembgeo.test.kryo=true}, Kryo with every class
 * registered ({@code spark.kryo.registrationRequired}).
 */
final class TestSpark {
  private static JavaSparkContext sc;

  private TestSpark() {}

  static synchronized JavaSparkContext sc() {
    if (sc == null) {
      sc = new JavaSparkContext(conf("local[2,2]"));
      Runtime.getRuntime().addShutdownHook(new Thread(sc::stop));
    }
    return sc;
  }

  /** Whether the tests run under Kryo (the surefire execution {@code kryo}). */
  static boolean kryo() {
    return Boolean.getBoolean("embgeo.test.kryo");
  }

  static SparkConf conf(String master) {
    SparkConf conf =
        new SparkConf()
            .setMaster(master)
            .setAppName("geometry-spark-tests")
            .set("spark.ui.enabled", "false")
            .set("spark.driver.host", "127.0.0.1")
            .set("spark.driver.bindAddress", "127.0.0.1")
            .set("spark.shuffle.compress", "false")
            .set("spark.default.parallelism", "2");
    if (kryo()) {
      conf.set("spark.serializer", "org.apache.spark.serializer.KryoSerializer")
          .set("spark.kryo.registrator", GeometryKryoRegistrator.class.getName())
          .set("spark.kryo.registrationRequired", "true");
    }
    return conf;
  }

  /**
   * N x d Gaussian rows with an offset mean, where the first {@code dup} rows of every 97 are
   * bitwise copies of one row (a cluster of exact duplicates) when {@code dup > 0}.
   */
  static EmbeddingMatrix matrix(int n, int d, int dup, long seed) {
    SplittableRandom rnd = new SplittableRandom(seed);
    float[] x = new float[n * d];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) (0.3 + rnd.nextGaussian());
    }
    for (int i = 0; i < n; i++) {
      if (dup > 0 && i % 97 < dup && i % 97 > 0) {
        System.arraycopy(x, (i - i % 97) * d, x, i * d, d);
      }
    }
    return EmbeddingMatrix.wrap(x, n, d);
  }
}
