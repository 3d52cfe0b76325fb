package io.github.embeddinggeometry.examples;

/**
 * The notebooks' verbal readings of two numbers. They are presentation, not analysis: the library
 * returns the numbers, and these thresholds are the notebooks' own.
 */
final class Verdicts {
  private Verdicts() {}

  /**
   * The "Local Density vs Causal Norm" notebook's reading of the core/shell density ratio: above
   * 1.5 a concentrated centre, below 0.67 a hollow structure, otherwise (also when the ratio is
   * undefined) no strong gradient.
   */
  enum CoreShell {
    DENSER_CORE("core is denser than shell"),
    SPARSER_CORE("core is sparser than shell"),
    NO_STRONG_GRADIENT("no strong radial gradient");

    final String text;

    CoreShell(String text) {
      this.text = text;
    }

    static CoreShell of(double ratio) {
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
   */
  enum Overlap {
    HIGH,
    MODERATE,
    LOW;

    static Overlap of(double share) {
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
