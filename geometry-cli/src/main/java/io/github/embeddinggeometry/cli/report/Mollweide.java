package io.github.embeddinggeometry.cli.report;

/**
 * The Mollweide equal-area projection of the unit sphere, with longitude 0 at the centre.
 *
 * <p>The auxiliary angle theta solves {@code 2 theta + sin 2 theta = pi sin phi} (Newton's method);
 * then {@code x = (2 sqrt 2 / pi) lambda cos theta}, {@code y = sqrt 2 sin theta}. The whole sphere
 * maps into the ellipse {@code |x| <= 2 sqrt 2}, {@code |y| <= sqrt 2}.
 *
 * @since 0.1
 */
public final class Mollweide {
  /** Half-width of the map, {@code 2 sqrt 2}. */
  public static final double X_MAX = 2 * Math.sqrt(2);

  /** Half-height of the map, {@code sqrt 2}. */
  public static final double Y_MAX = Math.sqrt(2);

  private Mollweide() {}

  /**
   * Projects a point.
   *
   * @param latDeg latitude phi in degrees, [-90, 90]
   * @param lonDeg longitude lambda in degrees, [-180, 180]
   * @return {x, y}
   */
  public static double[] project(double latDeg, double lonDeg) {
    double phi = Math.toRadians(latDeg);
    double lambda = Math.toRadians(lonDeg);
    double theta = auxiliaryAngle(phi);
    return new double[] {X_MAX / Math.PI * lambda * Math.cos(theta), Y_MAX * Math.sin(theta)};
  }

  /** Solves {@code 2 theta + sin 2 theta = pi sin phi} for theta in [-pi/2, pi/2]. */
  static double auxiliaryAngle(double phi) {
    // The Newton step divides by 2 + 2 cos 2theta, which vanishes at the poles: answer them
    // exactly.
    if (Math.abs(phi) >= Math.PI / 2 - 1e-12) {
      return Math.copySign(Math.PI / 2, phi);
    }
    double target = Math.PI * Math.sin(phi);
    double theta = phi;
    for (int it = 0; it < 50; it++) {
      double f = 2 * theta + Math.sin(2 * theta) - target;
      double df = 2 + 2 * Math.cos(2 * theta);
      double step = f / df;
      theta -= step;
      if (Math.abs(step) < 1e-13) {
        break;
      }
    }
    return theta;
  }
}
