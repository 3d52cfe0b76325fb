package io.github.embeddinggeometry.spark;

import java.util.UUID;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkContext;
import org.apache.spark.api.java.JavaSparkContext;

/** Starting (or joining) a context from Spark's own properties; kept apart from the provider. */
final class SparkContexts {
  private static final String OWNER = "spark.embgeo.owner";

  private SparkContexts() {}

  static SparkBackend backend() {
    String token = UUID.randomUUID().toString();
    SparkConf conf =
        new SparkConf()
            .setIfMissing("spark.master", "local[*]")
            .setIfMissing("spark.app.name", "embedding-geometry")
            .set(OWNER, token);
    // A context the application already started (e.g. under spark-submit) is joined and left
    // running; one started here carries the token and is stopped with the backend.
    SparkContext sc = SparkContext.getOrCreate(conf);
    boolean owned = token.equals(sc.getConf().get(OWNER, ""));
    return new SparkBackend(
        JavaSparkContext.fromSparkContext(sc), conf.getInt("spark.embgeo.blocks", 0), owned);
  }
}
