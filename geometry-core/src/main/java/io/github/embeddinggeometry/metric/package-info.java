/**
 * Distances: the {@link io.github.embeddinggeometry.metric.MetricSpace} (Euclidean, cosine,
 * causal), the causal tensor {@link io.github.embeddinggeometry.metric.CausalMetric}, and the
 * {@link io.github.embeddinggeometry.metric.DistanceKernel} that computes distances on a backend,
 * streams distance matrices in blocks and finds k nearest neighbours without holding N x N values.
 *
 * <p>Every kernel keeps the <a
 * href="{@docRoot}/io/github/embeddinggeometry/doc-files/definitions.html#exactness-contract">exactness
 * contract</a>: bitwise-equal rows are exactly 0 apart, small distances carry full relative
 * precision, nothing is negative or NaN. Self is excluded from neighbour lists by vocabulary id,
 * never by value, and ties go to the lower row (<a
 * href="{@docRoot}/io/github/embeddinggeometry/doc-files/definitions.html#k-nearest-neighbours-and-density">k
 * nearest neighbours</a>).
 *
 * @since 0.1
 */
package io.github.embeddinggeometry.metric;
