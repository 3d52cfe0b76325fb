/**
 * The backend SPI: what a module that implements or feeds a {@link
 * io.github.embeddinggeometry.backend.ComputeBackend} builds on (geometry-cuda, geometry-blas,
 * geometry-spark, the readers of geometry-io), so that every backend checks, refines, sums and
 * schedules the way the pure-Java backend does. An application never needs it.
 *
 * <ul>
 *   <li>{@link io.github.embeddinggeometry.backend.spi.Arguments}: the argument rules, with the
 *       message every backend gives for them;
 *   <li>{@link io.github.embeddinggeometry.backend.spi.Exact}: the exact refinement formulas of the
 *       exactness contract, so that a GPU refines a near tie as the CPU does;
 *   <li>{@link io.github.embeddinggeometry.backend.spi.ExactSum}, {@link
 *       io.github.embeddinggeometry.backend.spi.CanonicalSums} and {@link
 *       io.github.embeddinggeometry.backend.spi.FloatBitsHistogram}: sums and rank selections whose
 *       result does not depend on how the work was split, so that a cluster gives the single
 *       machine's bits;
 *   <li>{@link io.github.embeddinggeometry.backend.spi.Parallel}: the library's thread pool, with
 *       its progress and cancellation rules;
 *   <li>{@link io.github.embeddinggeometry.backend.spi.TileKernel} (and {@link
 *       io.github.embeddinggeometry.backend.spi.CacheSizes}): the inner loops of every GEMM-shaped
 *       computation, which a native GEMM may implement (geometry-blas), and {@link
 *       io.github.embeddinggeometry.backend.spi.UpperBlocks}, a distance kernel's stream of the
 *       pairs above the diagonal, and {@link
 *       io.github.embeddinggeometry.backend.spi.PairStatistics}, a kernel's pairwise statistics
 *       computed where its data lives (a cluster's);
 *   <li>{@link io.github.embeddinggeometry.backend.spi.BackendSettings}: how a module reads its own
 *       {@code embgeo.*} properties with the library's conventions.
 * </ul>
 *
 * <p>The pure-Java engine's own parts (its tile kernel, the CPU backend on another kernel, block
 * k-NN, bf16 widening) are in {@link io.github.embeddinggeometry.backend.spi.cpu}.
 *
 * <p><b>What an implementer may rely on.</b> Each class states its contract in its javadoc, and
 * those contracts hold across machines and JDKs: where a class says its result does not depend on
 * the order or the split of the work, that is bit for bit. Nothing here prints or reads a property
 * other than the documented {@code embgeo.*} ones; failures are exceptions that name the problem.
 *
 * <p><b>Stability.</b> This package is versioned with the library but promised less than the API: a
 * minor release may change it when a backend needs it, says so in its release notes, and moves the
 * library's own backends with it. A backend built outside this project should depend on the exact
 * library version it was built against. The implementation packages ({@code internal.*}) are
 * exported to no other module.
 *
 * @since 0.1
 */
package io.github.embeddinggeometry.backend.spi;
