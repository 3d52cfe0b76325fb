/**
 * The data every analysis works on: {@link io.github.embeddinggeometry.EmbeddingMatrix}, an N x d
 * float32 matrix whose rows carry their vocabulary ids, and {@link
 * io.github.embeddinggeometry.ProgressListener}, which long operations report to and which can
 * cancel them.
 *
 * <p>Long operations take a {@link io.github.embeddinggeometry.ProgressListener} last; pass {@link
 * io.github.embeddinggeometry.ProgressListener#NONE} when there is nothing to report. Each
 * operation has that one signature, never a second one without the listener, so that a progress bar
 * or a cancel button can be added to any call without looking for another method; getters and O(d)
 * arithmetic take no listener.
 *
 * <p>The other packages of this module: {@code metric} (distances), {@code backend} (who computes
 * them), {@code frame} (PCA and spherical coordinates), {@code density} (k-NN density) and {@code
 * analysis} (the notebooks' analyses). What each computes is defined in <a
 * href="{@docRoot}/io/github/embeddinggeometry/doc-files/definitions.html">the definitions</a>;
 * units, threads, exceptions and logging are in <a
 * href="{@docRoot}/io/github/embeddinggeometry/doc-files/using.html">using the library</a>.
 *
 * @since 0.1
 */
package io.github.embeddinggeometry;
