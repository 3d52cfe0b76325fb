package io.github.embeddinggeometry;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * A seeded uniform sample of a matrix's rows without replacement, as the notebooks took a
 * 32,000-row sample before the causal k-NN analyses. The same seed gives the same rows on every
 * backend and machine (the draw depends only on the row count, the size and the seed).
 *
 * @since 0.1
 */
public final class RowSample {
  private RowSample() {}

  /**
   * The sampled rows of {@code w} (the rows at the positions {@link #ids} draws), ids ascending, as
   * a compact copy; {@code w} itself when it has at most {@code size} rows.
   *
   * @param w the matrix sampled
   * @param size how many rows to keep
   * @param seed the random seed
   * @return the sampled rows
   * @throws IllegalArgumentException if {@code size} is negative
   */
  public static EmbeddingMatrix of(EmbeddingMatrix w, int size, long seed) {
    if (size >= w.rows()) {
      return w;
    }
    // Positions to vocabulary ids: the same for a matrix read whole, where id = position.
    return w.select(Arrays.stream(ids(w.rows(), size, seed)).map(w::id).toArray()).compact();
  }

  /**
   * {@code size} distinct positions of {@code 0..rows-1}, ascending: the first {@code size} entries
   * of a partial Fisher-Yates shuffle driven by {@link SplittableRandom}{@code (seed)}.
   *
   * @param rows the number of rows sampled from
   * @param size how many positions to draw
   * @param seed the random seed
   * @return the positions, ascending
   * @throws IllegalArgumentException if {@code size} is negative or above {@code rows}
   */
  public static int[] ids(int rows, int size, long seed) {
    if (size < 0 || size > rows) {
      throw new IllegalArgumentException(
          "sample size must be in 0.." + rows + " for " + rows + " rows; got " + size);
    }
    int[] perm = new int[rows];
    Arrays.setAll(perm, i -> i);
    SplittableRandom rnd = new SplittableRandom(seed);
    for (int i = 0; i < size; i++) {
      int j = i + rnd.nextInt(rows - i);
      int t = perm[i];
      perm[i] = perm[j];
      perm[j] = t;
    }
    int[] ids = Arrays.copyOf(perm, size);
    Arrays.sort(ids);
    return ids;
  }
}
