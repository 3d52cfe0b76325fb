/**
 * numpy's {@code .npy} format (versions 1 to 3): {@link io.github.embeddinggeometry.io.npy.NpyFile}
 * reads C- or Fortran-ordered arrays of the numeric dtypes, checking the header before mapping the
 * data (also beyond 2 GiB); {@link io.github.embeddinggeometry.io.npy.NpyWriter} writes them.
 * Object arrays are refused: nothing is unpickled.
 *
 * @since 0.1
 */
package io.github.embeddinggeometry.io.npy;
