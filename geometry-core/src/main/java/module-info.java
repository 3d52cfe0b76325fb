/**
 * The embedding-geometry API: embedding matrices, metrics and distance kernels, density, reference
 * frames, the analyses, and the backend chooser with its pure-Java CPU backend.
 *
 * <p>The API packages are exported, and the backend SPI ({@code backend.spi}, {@code
 * backend.spi.cpu}) that the sibling modules build on: argument rules, exact arithmetic, the thread
 * pool, the tile kernel. The implementation packages ({@code internal.*}) are exported to no other
 * module (this module's own tests run inside it; a test elsewhere would need {@code
 * --add-exports}). The CPU backend is found through {@link java.util.ServiceLoader} like any other
 * backend.
 */
module io.github.embeddinggeometry {
  requires ejml.core;
  requires ejml.ddense;
  requires jdk.management;
  // Optional: the SIMD kernels are used only when the application adds this incubator module.
  requires static jdk.incubator.vector;

  exports io.github.embeddinggeometry;
  exports io.github.embeddinggeometry.analysis;
  exports io.github.embeddinggeometry.backend;
  // The backend SPI: what geometry-io, -cuda, -blas and -spark build on (see its package-info).
  exports io.github.embeddinggeometry.backend.spi;
  exports io.github.embeddinggeometry.backend.spi.cpu;
  exports io.github.embeddinggeometry.density;
  exports io.github.embeddinggeometry.frame;
  exports io.github.embeddinggeometry.metric;

  uses io.github.embeddinggeometry.backend.BackendProvider;

  provides io.github.embeddinggeometry.backend.BackendProvider with
      io.github.embeddinggeometry.internal.cpu.CpuBackendProvider;
}
