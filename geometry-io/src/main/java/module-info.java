/**
 * Readers and writers of the files embeddings come in: safetensors (sharded Hugging Face folders
 * too), {@code .npy}, torch {@code .pt} (read without executing anything), ONNX initializers and
 * {@code tokenizer.json}. Every reader rejects malformed input with a {@link
 * io.github.embeddinggeometry.io.tensor.MalformedFileException} that names the file and the
 * problem.
 */
module io.github.embeddinggeometry.io {
  requires transitive io.github.embeddinggeometry;
  requires com.fasterxml.jackson.databind;
  requires com.google.protobuf;
  requires ai.djl.tokenizers;

  exports io.github.embeddinggeometry.io;
  exports io.github.embeddinggeometry.io.npy;
  exports io.github.embeddinggeometry.io.onnx;
  exports io.github.embeddinggeometry.io.safetensors;
  exports io.github.embeddinggeometry.io.tensor;
  exports io.github.embeddinggeometry.io.tokenizer;
  exports io.github.embeddinggeometry.io.torch;
}
