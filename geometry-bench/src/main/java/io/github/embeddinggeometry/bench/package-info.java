/**
 * JMH benchmarks of the CPU backend ({@code java -jar benchmarks.jar}) and {@link
 * io.github.embeddinggeometry.bench.CompareMain}, the Java side of {@code compare.sh}. Not a
 * library: nothing here is API.
 *
 * @since 0.1
 */
package io.github.embeddinggeometry.bench;
