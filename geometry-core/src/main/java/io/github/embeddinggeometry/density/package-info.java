/**
 * Density: the {@link io.github.embeddinggeometry.density.DensityEstimator} interface, its k-NN
 * implementation {@link io.github.embeddinggeometry.density.KnnDensity}, the resulting {@link
 * io.github.embeddinggeometry.density.DensityField} (densities, nearest-neighbour distances, log
 * volumetric density) and {@link io.github.embeddinggeometry.density.FiniteSummary}.
 *
 * <p>A row with k or more exact duplicates has density +infinity, kept as such and ranked densest;
 * summaries are over the finite values with the infinite ones counted beside them (see <a
 * href="{@docRoot}/io/github/embeddinggeometry/doc-files/definitions.html#k-nearest-neighbours-and-density">density</a>,
 * <a
 * href="{@docRoot}/io/github/embeddinggeometry/doc-files/definitions.html#infinite-values">infinite
 * values</a> and <a
 * href="{@docRoot}/io/github/embeddinggeometry/doc-files/definitions.html#log-volumetric-density">log
 * volumetric density</a>).
 *
 * @since 0.1
 */
package io.github.embeddinggeometry.density;
