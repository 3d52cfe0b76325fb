/**
 * The native-BLAS backend, registered as a {@link
 * io.github.embeddinggeometry.backend.BackendProvider} named {@code blas}: ask for it with {@code
 * Backends.create("blas")} or {@code -Dembgeo.backend=blas}.
 */
module io.github.embeddinggeometry.blas {
  requires io.github.embeddinggeometry;
  requires org.bytedeco.javacpp;
  requires org.bytedeco.openblas;

  exports io.github.embeddinggeometry.blas;

  provides io.github.embeddinggeometry.backend.BackendProvider with
      io.github.embeddinggeometry.blas.BlasBackendProvider;
}
