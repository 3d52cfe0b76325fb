package io.github.embeddinggeometry.analysis;

/** Argument checks shared by the analyses; messages name the array and the index. */
final class Checks {
  private Checks() {}

  static void sameLength(double[] scalar, double[] density) {
    if (scalar.length != density.length) {
      throw new IllegalArgumentException(
          "need one density per scalar value: "
              + scalar.length
              + " scalars, "
              + density.length
              + " densities");
    }
    if (scalar.length == 0) {
      throw new IllegalArgumentException("no rows to analyse");
    }
  }

  static void finiteScalar(double[] scalar, int i) {
    if (!Double.isFinite(scalar[i])) {
      throw new IllegalArgumentException("scalar value " + i + " is not finite: " + scalar[i]);
    }
  }

  static void notNaN(double[] density, int i) {
    if (Double.isNaN(density[i])) {
      throw new IllegalArgumentException("density " + i + " is NaN");
    }
  }
}
