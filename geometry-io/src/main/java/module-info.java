/**
 * Readers and writers of the files embeddings come in: safetensors (sharded Hugging Face folders
 * too), {@code .npy}, torch {@code .pt} (read without executing anything), ONNX initializers and
 * {@code tokenizer.json}. Every reader rejects malformed input with a {@link
 * io.github.embeddinggeometry.io.tensor.MalformedFileException} that names the file and the
 * problem.
 *
 * <p>The tokenizer (DJL) and the ONNX reader (protobuf) are optional, {@code requires static}: an
 * application that uses them declares {@code ai.djl.huggingface:tokenizers} or {@code
 * com.google.protobuf:protobuf-java} itself and, on the module path, resolves {@code
 * ai.djl.tokenizers} or {@code com.google.protobuf} (a {@code requires} of its own, or {@code
 * --add-modules}). Without them those two readers throw an {@code IOException} naming the artifact.
 */
module io.github.embeddinggeometry.io {
  requires transitive io.github.embeddinggeometry;
  requires com.fasterxml.jackson.databind;
  // Optional (see above): the readers check for them before touching a class of theirs.
  requires static com.google.protobuf;
  requires static ai.djl.tokenizers;

  exports io.github.embeddinggeometry.io;
  exports io.github.embeddinggeometry.io.npy;
  exports io.github.embeddinggeometry.io.onnx;
  exports io.github.embeddinggeometry.io.safetensors;
  exports io.github.embeddinggeometry.io.tensor;
  exports io.github.embeddinggeometry.io.tokenizer;
  exports io.github.embeddinggeometry.io.torch;
}
