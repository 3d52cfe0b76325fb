/**
 * Decoding vocabulary ids to token text: {@link
 * io.github.embeddinggeometry.io.tokenizer.HfTokenizer} reads a Hugging Face {@code tokenizer.json}
 * (offline, through DJL's tokenizers) and implements {@link
 * io.github.embeddinggeometry.io.tokenizer.Vocabulary}. Ids beyond the tokenizer's vocabulary, such
 * as the padding rows of an embedding matrix, decode to the empty string.
 *
 * @since 0.1
 */
package io.github.embeddinggeometry.io.tokenizer;
