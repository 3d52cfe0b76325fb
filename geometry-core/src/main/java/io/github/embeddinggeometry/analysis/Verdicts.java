package io.github.embeddinggeometry.analysis;

/**
 * The notebooks' verbal readings of two numbers of the analyses: the core/shell density ratio of
 * {@link CoreShellOuter} and the overlap share of {@link DensestPoint}. The thresholds are the
 * notebooks' own; the numbers themselves never depend on them.
 *
 * @since 0.1
 */
public final class Verdicts {
  private Verdicts() {}

  /**
   * The "Local Density vs Causal Norm" notebook's reading of the core/shell density ratio: above
   * 1.5 a concentrated centre, below 0.67 a hollow structure, otherwise (also when the ratio is
   * undefined) no strong gradient.
   *
   * @since 0.1
   */
  public enum CoreShell {
    /** Ratio above 1.5. */
    DENSER_CORE("core is denser than shell (concentrated center)"),
    /** Ratio below 0.67. */
    SPARSER_CORE("core is sparser than shell (hollow structure)"),
    /** Anything else, NaN included. */
    NO_STRONG_GRADIENT("core and shell have similar density (no strong radial gradient)");

    private final String text;

    CoreShell(String text) {
      this.text = text;
    }

    /**
     * The notebook's sentence.
     *
     * @return the sentence
     */
    public String text() {
      return text;
    }

    /**
     * The reading of a core/shell density ratio.
     *
     * @param ratio mean density of the core over that of the shell
     * @return the verdict
     */
    public static CoreShell of(double ratio) {
      if (ratio > 1.5) {
        return DENSER_CORE;
      }
      if (ratio < 0.67) {
        return SPARSER_CORE;
      }
      return NO_STRONG_GRADIENT;
    }
  }

  /**
   * The "Densest Point" notebook's reading of the overlap share between the metric's and cosine
   * neighbourhoods: above 70% high, above 30% moderate, otherwise low.
   *
   * @since 0.1
   */
  public enum Overlap {
    /** Above 70%: causal neighbourhoods are semantic neighbourhoods. */
    HIGH("causal metric neighborhoods = semantic neighborhoods"),
    /** Above 30%. */
    MODERATE("some agreement between causal and cosine metrics"),
    /** 30% or less. */
    LOW("causal metric neighborhoods differ from semantic neighborhoods");

    private final String text;

    Overlap(String text) {
      this.text = text;
    }

    /**
     * The notebook's sentence.
     *
     * @return the sentence
     */
    public String text() {
      return text;
    }

    /**
     * The reading of an overlap share in [0, 1].
     *
     * @param share the share of neighbours both metrics list
     * @return the verdict
     */
    public static Overlap of(double share) {
      if (share > 0.70) {
        return HIGH;
      }
      if (share > 0.30) {
        return MODERATE;
      }
      return LOW;
    }
  }
}
