/**
 * The embedding-geometry API: embedding matrices, metrics and distance kernels, density, reference
 * frames, the analyses, and the backend chooser with its pure-Java CPU backend.
 *
 * <p>Only the API packages are exported. The implementation packages ({@code internal.*}) are
 * exported only to the sibling modules that build on them: the I/O module (bf16 widening, the
 * thread pool) and the CUDA backend (the exact refinement formulas, the settings, the canonical
 * mean and the causal map's factor). The CPU backend is found through {@link
 * java.util.ServiceLoader} like any other backend.
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
  exports io.github.embeddinggeometry.density;
  exports io.github.embeddinggeometry.frame;
  exports io.github.embeddinggeometry.metric;
  exports io.github.embeddinggeometry.internal to
      io.github.embeddinggeometry.io,
      io.github.embeddinggeometry.cuda,
      io.github.embeddinggeometry.spark,
      io.github.embeddinggeometry.blas;
  exports io.github.embeddinggeometry.internal.kernel to
      io.github.embeddinggeometry.io,
      io.github.embeddinggeometry.cuda,
      io.github.embeddinggeometry.spark,
      io.github.embeddinggeometry.blas;
  exports io.github.embeddinggeometry.internal.linalg to
      io.github.embeddinggeometry.cuda;
  exports io.github.embeddinggeometry.internal.cpu to
      io.github.embeddinggeometry.cuda,
      io.github.embeddinggeometry.spark,
      io.github.embeddinggeometry.blas;

  uses io.github.embeddinggeometry.backend.BackendProvider;

  provides io.github.embeddinggeometry.backend.BackendProvider with
      io.github.embeddinggeometry.internal.cpu.CpuBackendProvider;
}
