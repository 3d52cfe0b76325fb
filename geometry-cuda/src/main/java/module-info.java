/**
 * The NVIDIA GPU backend, registered as a {@link
 * io.github.embeddinggeometry.backend.BackendProvider} named {@code cuda}: ask for it with {@code
 * Backends.create("cuda")} or {@code -Dembgeo.backend=cuda}.
 */
module io.github.embeddinggeometry.cuda {
  // Transitive: CudaBackend's public methods take and return core types.
  requires transitive io.github.embeddinggeometry;
  requires jcuda;
  requires jcublas;

  exports io.github.embeddinggeometry.cuda;

  provides io.github.embeddinggeometry.backend.BackendProvider with
      io.github.embeddinggeometry.cuda.CudaBackendProvider;
}
