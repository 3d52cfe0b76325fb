/** The user application, also run as a named module. */
module app {
  requires io.github.embeddinggeometry.io;
}
