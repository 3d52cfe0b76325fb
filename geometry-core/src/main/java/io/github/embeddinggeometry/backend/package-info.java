/**
 * Who computes: {@link io.github.embeddinggeometry.backend.Backends} chooses and hands out {@link
 * io.github.embeddinggeometry.backend.ComputeBackend}s (the pure-Java CPU backend of this module,
 * or a GPU backend registered as a {@link io.github.embeddinggeometry.backend.BackendProvider}
 * service), selected with {@code -Dembgeo.backend=best|cpu|cuda}.
 *
 * <p>Every backend handed out runs behind one argument-checking layer, so all backends refuse bad
 * input with the same messages. The shared backends of {@link
 * io.github.embeddinggeometry.backend.Backends#get()} and {@link
 * io.github.embeddinggeometry.backend.Backends#cpu()} belong to the library; one from {@link
 * io.github.embeddinggeometry.backend.Backends#create(String)} belongs to the caller (see <a
 * href="{@docRoot}/io/github/embeddinggeometry/doc-files/using.html#backends-and-ownership">backends
 * and ownership</a> and <a
 * href="{@docRoot}/io/github/embeddinggeometry/doc-files/using.html#logging">logging</a>).
 *
 * @since 0.1
 */
package io.github.embeddinggeometry.backend;
