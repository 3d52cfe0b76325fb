package io.github.embeddinggeometry.spark;

import io.github.embeddinggeometry.backend.BackendProvider;
import io.github.embeddinggeometry.backend.ComputeBackend;
import java.util.List;

/**
 * The backend {@code spark}, asked for by name only (lowest priority, so {@code best} never picks
 * it): {@code Backends.create("spark")} with the master in the Spark property {@code spark.master}
 * (e.g. {@code -Dspark.master=local[4]} or {@code spark://host:7077}; default {@code local[*]}), or
 * the context spark-submit already started. Spark must be on the class path.
 *
 * @since 0.1
 */
public final class SparkBackendProvider implements BackendProvider {
  /** For {@link java.util.ServiceLoader}; users ask {@code Backends.create("spark")} instead. */
  public SparkBackendProvider() {}

  @Override
  public String name() {
    return "spark";
  }

  @Override
  public int priority() {
    return -100;
  }

  @Override
  public List<String> unavailableReasons() {
    try {
      Class.forName(
          "org.apache.spark.api.java.JavaSparkContext", false, getClass().getClassLoader());
      return List.of();
    } catch (ClassNotFoundException | LinkageError e) {
      return List.of(
          "Apache Spark is not on the class path (spark-core_2.13 4.x; spark-submit provides it)");
    }
  }

  @Override
  public ComputeBackend create() {
    return SparkContexts.backend();
  }
}
