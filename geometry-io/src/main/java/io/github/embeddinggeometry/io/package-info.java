/**
 * Loading embedding matrices by one rule for every caller: {@link
 * io.github.embeddinggeometry.io.EmbeddingSources} (model folders, safetensors, {@code .npy}, ONNX
 * initializers, torch {@code .pt}), {@link io.github.embeddinggeometry.io.HfModelDirectory}
 * (sharded Hugging Face checkpoints), {@link io.github.embeddinggeometry.io.MiniLm} (the bundled
 * example vocabulary), {@link io.github.embeddinggeometry.io.MetricFiles} (causal metric tensors),
 * {@link io.github.embeddinggeometry.io.ReferenceFrameFiles} (reference frames) and the {@link
 * io.github.embeddinggeometry.io.Tensors} factories.
 *
 * <p>See <a
 * href="{@docRoot}/io/github/embeddinggeometry/io/doc-files/definitions.html#loading-an-embedding-matrix">loading
 * an embedding matrix</a> and <a
 * href="{@docRoot}/io/github/embeddinggeometry/io/doc-files/definitions.html#files">files</a>.
 *
 * @since 0.1
 */
package io.github.embeddinggeometry.io;
