/**
 * The native-BLAS backend, registered through {@link
 * io.github.embeddinggeometry.blas.BlasBackendProvider} as the backend {@code blas}: OpenBLAS's
 * {@code sgemm} computes the float32 inner products of every distance tile, and the CPU backend's
 * epilogues turn them into distances with the same <a
 * href="{@docRoot}/io/github/embeddinggeometry/blas/doc-files/definitions.html#exactness-contract">exactness
 * contract</a>: norm terms, float64 refinement of small distances, fused top-k, self excluded by
 * index, exact zeros for bitwise-identical rows.
 *
 * @since 0.1
 */
package io.github.embeddinggeometry.blas;
