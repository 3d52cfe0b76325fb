/**
 * Reference frames: {@link io.github.embeddinggeometry.frame.Pca} (biased covariance, eigenpairs
 * signed by their largest component, participation ratio), {@link
 * io.github.embeddinggeometry.frame.ReferenceFrame} (an origin plus PCs, PC scores and
 * back-projection), {@link io.github.embeddinggeometry.frame.SphericalCoordinates} in a (NORTH,
 * MERIDIAN, EQUINOX) basis and the {@link io.github.embeddinggeometry.frame.BoundingBox} that
 * selects rows by them.
 *
 * <p>See <a href="{@docRoot}/io/github/embeddinggeometry/doc-files/definitions.html#pca-basis">PCA
 * basis</a>, <a
 * href="{@docRoot}/io/github/embeddinggeometry/doc-files/definitions.html#spherical-coordinates">spherical
 * coordinates</a> and <a
 * href="{@docRoot}/io/github/embeddinggeometry/doc-files/definitions.html#bounding-box">bounding
 * box</a>.
 *
 * @since 0.1
 */
package io.github.embeddinggeometry.frame;
