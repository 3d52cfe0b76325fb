/**
 * The research notebooks' analyses, each a small class over the core API: {@link
 * io.github.embeddinggeometry.analysis.DistanceStatistics} (notebook 1.4b), {@link
 * io.github.embeddinggeometry.analysis.NearDuplicateClusters} (1.4g-1.4h, 1.6a), {@link
 * io.github.embeddinggeometry.analysis.CausalNorms}, {@link
 * io.github.embeddinggeometry.analysis.RadialProfile} and {@link
 * io.github.embeddinggeometry.analysis.CoreShellOuter} ("Local Density vs Causal Norm"), and {@link
 * io.github.embeddinggeometry.analysis.DensestPoint} ("Densest Point Neighborhood").
 *
 * <p><a href="{@docRoot}/io/github/embeddinggeometry/doc-files/notebooks.html">The notebooks</a>
 * page says what each notebook computes and what the library does differently; <a
 * href="{@docRoot}/io/github/embeddinggeometry/doc-files/definitions.html">the definitions</a> give
 * the rules.
 *
 * @since 0.1
 */
package io.github.embeddinggeometry.analysis;
