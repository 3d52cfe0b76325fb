package io.github.embeddinggeometry.spark;

import java.util.UUID;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkContext;
import org.apache.spark.api.java.JavaSparkContext;

/** Starting (or joining) a context from Spark's own properties; kept apart from the provider. */
final class SparkContexts {
  private static final String OWNER = "spark.embgeo.owner";

  private SparkContexts() {}

  /** A context from Spark's own properties, or the one already running; see {@link Opened}. */
  static Opened open(String appName) {
    String token = UUID.randomUUID().toString();
    SparkConf conf =
        new SparkConf()
            .setIfMissing("spark.master", "local[*]")
            .setIfMissing("spark.app.name", appName)
            // A context started here logs warnings only (-Dspark.log.level=INFO for more).
            .setIfMissing("spark.log.level", "WARN")
            .set(OWNER, token);
    // A context the application already started (e.g. under spark-submit) is joined and left
    // running; one started here carries the token.
    SparkContext sc = SparkContext.getOrCreate(conf);
    return new Opened(
        JavaSparkContext.fromSparkContext(sc), token.equals(sc.getConf().get(OWNER, "")));
  }

  /** A context and whether this class started it (and its user must stop it). */
  record Opened(JavaSparkContext sc, boolean owned) implements AutoCloseable {
    @Override
    public void close() {
      if (owned) {
        sc.stop();
      }
    }
  }

  static SparkBackend backend() {
    Opened o = open("embedding-geometry");
    return new SparkBackend(o.sc(), o.sc().getConf().getInt("spark.embgeo.blocks", 0), o.owned());
  }
}
