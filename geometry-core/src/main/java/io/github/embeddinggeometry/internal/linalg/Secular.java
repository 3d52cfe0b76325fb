package io.github.embeddinggeometry.internal.linalg;

/**
 * Roots of the secular equation of a rank-one update {@code diag(d) + rho z z^T} (the role of
 * LAPACK's {@code dlaed4}): {@code f(lambda) = 1/rho + sum_i z_i^2 / (d_i - lambda) = 0} with
 * {@code d} strictly ascending, every {@code z_i != 0} and {@code rho > 0}. Root j lies in {@code
 * (d_j, d_{j+1})}, the last one in {@code (d_{k-1}, d_{k-1} + rho |z|^2]}.
 *
 * <p><b>Accuracy.</b> The root is found as {@code lambda = d_o + tau} about the pole {@code d_o}
 * nearer to it (the sign of f at the midpoint tells which), so the differences {@code d_i - lambda
 * = (d_i - d_o) - tau} come out to high relative accuracy even when lambda almost equals a pole.
 * Those differences, not lambda, are what Gu and Eisenstat's recomputation of z and the
 * eigenvectors need for orthogonality.
 *
 * <p><b>Iteration.</b> At each step the poles left of the root ({@code psi}) and right of it
 * ({@code phi}) are each replaced by a constant plus one pole at the nearest {@code d}, matched in
 * value and slope (Bunch, Nielsen and Sorensen's model); the model's root is the next iterate.
 * Every evaluation also narrows a bracket, and a step that would leave it is replaced by
 * bisection, so the iteration cannot diverge. It stops when {@code |f|} is within the rounding
 * error of its own evaluation, including a one-ulp change of tau.
 */
final class Secular {
  private static final double EPS = Math.ulp(1.0) / 2;
  private static final int MAX_STEPS = 400;

  private Secular() {}

  /**
   * Root j of k.
   *
   * @param zz the squares {@code z_i^2}
   * @param delta out: {@code delta[dOff + i] = d_i - lambda_j}
   * @return {@code lambda_j}
   */
  static double root(int j, int k, double[] d, double[] zz, double rho, double[] delta,
      int dOff) {
    double rhoInv = 1 / rho;
    int origin;
    double lo;
    double hi;
    if (j < k - 1) {
      double half = (d[j + 1] - d[j]) / 2;
      // f at the midpoint, about d_j.
      double f = rhoInv;
      for (int i = 0; i < k; i++) {
        f += zz[i] / ((d[i] - d[j]) - half);
      }
      if (f >= 0) {
        origin = j;
        lo = 0;
        hi = half;
      } else {
        origin = j + 1;
        lo = -half;
        hi = 0;
      }
    } else {
      origin = j;
      double s = 0;
      for (int i = 0; i < k; i++) {
        s += zz[i];
      }
      lo = 0;
      hi = rho * s * (1 + 4 * k * EPS);
    }
    double dOrigin = d[origin];
    for (int i = 0; i < k; i++) {
      delta[dOff + i] = d[i] - dOrigin;
    }
    // Start from the bracket end away from the pole: f's sign is known there.
    double tau = origin == j ? hi : lo;
    int left = Math.min(j, k - 1);
    for (int step = 0; step < MAX_STEPS; step++) {
      double psi = 0;
      double dpsi = 0;
      double phi = 0;
      double dphi = 0;
      for (int i = 0; i <= left; i++) {
        double t = 1 / (delta[dOff + i] - tau);
        double u = zz[i] * t;
        psi += u;
        dpsi += u * t;
      }
      for (int i = left + 1; i < k; i++) {
        double t = 1 / (delta[dOff + i] - tau);
        double u = zz[i] * t;
        phi += u;
        dphi += u * t;
      }
      double f = rhoInv + psi + phi;
      double err = EPS * (8 * (rhoInv + phi - psi) + Math.abs(tau) * (dpsi + dphi));
      if (Math.abs(f) <= err) {
        break;
      }
      if (f > 0) {
        hi = tau;
      } else {
        lo = tau;
      }
      double next = tau + step(j, k, delta, dOff, tau, rhoInv, psi, dpsi, phi, dphi);
      if (!(next > lo && next < hi)) {
        next = lo + (hi - lo) / 2;
      }
      if (next == tau || next <= lo || next >= hi) {
        break; // the bracket is down to adjacent doubles
      }
      tau = next;
    }
    for (int i = 0; i < k; i++) {
      delta[dOff + i] -= tau;
    }
    return dOrigin + tau;
  }

  /**
   * The correction from the model {@code c + B/(delta_j - x) [+ D/(delta_{j+1} - x)]} that matches
   * psi and phi and their slopes at tau; NaN where the model has no root in reach.
   */
  private static double step(int j, int k, double[] delta, int dOff, double tau, double rhoInv,
      double psi, double dpsi, double phi, double dphi) {
    double alpha = delta[dOff + j] - tau;
    double b = alpha * alpha * dpsi;
    double c0 = rhoInv + psi - b / alpha;
    if (j == k - 1) {
      // c0 + b / (alpha - eta) = 0
      return c0 > 0 ? alpha + b / c0 : Double.NaN;
    }
    double beta = delta[dOff + j + 1] - tau;
    double dd = beta * beta * dphi;
    c0 += phi - dd / beta;
    // c0 (alpha - eta)(beta - eta) + b (beta - eta) + dd (alpha - eta) = 0, root in (alpha, beta)
    double qa = c0;
    double qb = c0 * (alpha + beta) + b + dd;
    double qc = c0 * alpha * beta + b * beta + dd * alpha;
    if (qa == 0) {
      return qc / qb;
    }
    double disc = Math.sqrt(Math.max(0, qb * qb - 4 * qa * qc));
    double big = qb >= 0 ? qb + disc : qb - disc;
    double r1 = big / (2 * qa);
    double r2 = 2 * qc / big;
    if (r1 > alpha && r1 < beta) {
      return r1;
    }
    return r2 > alpha && r2 < beta ? r2 : Double.NaN;
  }
}
