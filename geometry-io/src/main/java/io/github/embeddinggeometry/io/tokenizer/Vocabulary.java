package io.github.embeddinggeometry.io.tokenizer;

/**
 * Turns vocabulary ids back into text, one id at a time as the notebooks do ({@code
 * tokenizer.decode([id])}).
 *
 * @since 0.1
 */
public interface Vocabulary {
  /**
   * Number of ids the tokenizer knows (model vocabulary plus added tokens): one more than the
   * largest id. An embedding matrix may have more rows (Qwen pads to 151,936; see <a
   * href="{@docRoot}/io/github/embeddinggeometry/io/doc-files/definitions.html#loading-an-embedding-matrix">rows
   * beyond the tokenizer</a>).
   *
   * @return the vocabulary size
   */
  int size();

  /**
   * The text of one id, exactly as Python's tokenizers library decodes {@code [id]} with special
   * tokens kept: ids the tokenizer does not know (negative, or at least {@link #size()}) give
   * {@code ""}, and a byte-level token holding part of a UTF-8 sequence gives U+FFFD.
   *
   * @param id a vocabulary id
   * @return its text
   */
  String decode(int id);

  /**
   * Decodes a sequence of ids together (so multi-token characters come out whole).
   *
   * @param ids vocabulary ids. Not modified.
   * @return the text
   */
  String decode(int[] ids);
}
