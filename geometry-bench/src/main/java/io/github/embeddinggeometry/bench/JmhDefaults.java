package io.github.embeddinggeometry.bench;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The settings every JMH benchmark of this module shares, which JMH inherits (its annotations are
 * {@code @Inherited}): one fork running the Vector API kernels (without the module the fork would
 * time the plain-Java fallback) in a 4 GB heap, average time in milliseconds, 3 x 2 s of warm-up
 * and 5 x 2 s of measurement, one state per benchmark. A benchmark that needs other values carries
 * the annotation itself, which replaces the inherited one as a whole.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
    value = 1,
    jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx4g"})
@State(Scope.Benchmark)
public abstract class JmhDefaults {
  /** For the benchmarks only. */
  protected JmhDefaults() {}
}
