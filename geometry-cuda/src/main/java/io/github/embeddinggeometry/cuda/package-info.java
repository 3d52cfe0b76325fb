/**
 * The CUDA backend: {@link io.github.embeddinggeometry.cuda.CudaBackend}, registered through {@link
 * io.github.embeddinggeometry.cuda.CudaBackendProvider} as the backend {@code cuda}, preferred by
 * {@code -Dembgeo.backend=best} when a GPU and its driver are usable, with the precision choice
 * {@link io.github.embeddinggeometry.cuda.CudaPrecision}. Its distances keep the same <a
 * href="{@docRoot}/io/github/embeddinggeometry/cuda/doc-files/definitions.html#exactness-contract">exactness
 * contract</a> as the CPU backend's: the GPU computes candidate distances and the exact refinement
 * runs the same float64 formulas.
 *
 * @since 0.1
 */
package io.github.embeddinggeometry.cuda;
