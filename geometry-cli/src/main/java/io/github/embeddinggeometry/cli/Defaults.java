package io.github.embeddinggeometry.cli;

import io.github.embeddinggeometry.frame.BoundingBox;

/**
 * The notebooks' parameters, for the default dataset (all-MiniLM-L6-v2) and for other models. For
 * MiniLM they are chosen so that every analysis shows its overdensity: the cluster of the 994
 * never-trained {@code [unused…]} tokens (and ~600 rare characters that were barely trained
 * either). For any other model they are the notebooks' values (Qwen3-4B).
 *
 * <p>How the MiniLM numbers were found (the 30,522 x 384 word-embedding matrix, each PC signed so
 * that its largest component is positive, basis NORTH=2, MERIDIAN=1, EQUINOX=3): 993 of the 994
 * {@code [unused]} rows lie at lat 50-58 deg, lon 11-29 deg, r 0.33-0.36 (PC units), while all rows
 * span r 0.008-0.59. The box lat [40, 70], lon [0, 40], r [0.25, 0.45] selects 2,537 rows, 993 of
 * them {@code [unused]}. Their nearest-neighbour distances are 0.22-0.26 against a median of 0.51
 * for the other selected rows. With eps = 0.27 the largest near-duplicate component holds all 993
 * plus 610 rare characters (1,603 rows); eps = 0.25 splits it. In the causal metric (M = C^-1) the
 * densest row is {@code ##？} (id 30520) and its neighbours are {@code [unused]} tokens; the
 * core/shell density ratio is 2.66 (denser core).
 *
 * @since 0.1
 */
final class Defaults {
  private Defaults() {}

  /** Signed 1-based PC index of the NORTH axis (notebooks 1.3-1.5). */
  static final int NORTH = 2;

  /** PC index of the MERIDIAN axis. */
  static final int MERIDIAN = 1;

  /** PC index of the EQUINOX axis. */
  static final int EQUINOX = 3;

  /** The notebooks' box (1.4a, 1.4b), around Qwen3-4B's overdensity. */
  static final BoundingBox NOTEBOOK_BOX = new BoundingBox(-15, 5, -10, 20, 0.2, 0.5);

  /** The MiniLM box around the {@code [unused]} cluster. */
  static final BoundingBox MINILM_BOX = new BoundingBox(40, 70, 0, 40, 0.25, 0.45);

  /** MiniLM: the smallest round eps that joins the 993 boxed {@code [unused]} rows. */
  static final double MINILM_EPS = 0.27;

  /**
   * Other models: exact-duplicate classes (Qwen3-4B has 651,034 zero-distance pairs in its box).
   */
  static final double NOTEBOOK_EPS = 0;

  /** k of the k-NN density (the notebooks' K_NEIGHBORS). */
  static final int K = 20;

  /** Neighbours shown for the densest point (TOP_N). */
  static final int TOP = 30;

  /** Rows sampled for the causal k-NN analyses (the notebooks used a 32,000-token sample). */
  static final int SAMPLE = 32_000;

  /** Bins of the radial profile. */
  static final int BINS = 30;

  /** The box for a model: MiniLM's own, else the notebooks'. */
  static BoundingBox box(boolean minilm) {
    return minilm ? MINILM_BOX : NOTEBOOK_BOX;
  }

  /** The cluster eps for a model: MiniLM's own, else exact duplicates. */
  static double eps(boolean minilm) {
    return minilm ? MINILM_EPS : NOTEBOOK_EPS;
  }
}
