/**
 * The pure-Java CPU engine as parts for other backends: {@link
 * io.github.embeddinggeometry.backend.spi.cpu.CpuEngine} (the tile kernel this JVM uses, the CPU
 * backend on another tile kernel, its GEMM, bf16 widening), {@link
 * io.github.embeddinggeometry.backend.spi.cpu.BlockKnn} (exact k-NN between row blocks) and {@link
 * io.github.embeddinggeometry.backend.spi.cpu.CovarianceGroups} (covariance partials in the
 * canonical order), for geometry-blas, geometry-spark and the readers of geometry-io.
 *
 * <p>A small facade over the engine: the engine itself stays in an implementation package, so that
 * it can change without changing what backends see. Same stability promise as {@link
 * io.github.embeddinggeometry.backend.spi}.
 *
 * @since 0.1
 */
package io.github.embeddinggeometry.backend.spi.cpu;
