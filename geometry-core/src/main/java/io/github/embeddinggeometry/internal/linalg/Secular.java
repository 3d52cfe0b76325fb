package io.github.embeddinggeometry.internal.linalg;

import io.github.embeddinggeometry.internal.kernel.Level2;

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
 * Every evaluation also narrows a bracket, and a step that would leave it is replaced by bisection,
 * so the iteration cannot diverge. It stops when {@code |f|} is within the rounding error of its
 * own evaluation, including a one-ulp change of tau.
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
   * @param sums scratch of length 2
   * @return {@code lambda_j}
   */
  static double root(
      Level2 l2,
      int j,
      int k,
      double[] d,
      double[] zz,
      double rho,
      double[] delta,
      int dOff,
      double[] sums) {
    double rhoInv = 1 / rho;
    int left = Math.min(j, k - 1);
    int origin = j;
    double half = j < k - 1 ? (d[j + 1] - d[j]) / 2 : 0;
    double lo = 0;
    double hi;
    if (j < k - 1) {
      hi = half;
    } else {
      double s = 0;
      for (int i = 0; i < k; i++) {
        s += zz[i];
      }
      hi = rho * s * (1 + 4 * k * EPS);
    }
    setOrigin(d, origin, k, delta, dOff);
    // Start from the bracket end away from d_j: the midpoint (or the last root's upper bound).
    double tau = hi;
    for (int step = 0; step < MAX_STEPS; step++) {
      l2.secularSums(zz, delta, dOff, tau, 0, left + 1, sums);
      double psi = sums[0];
      double dpsi = sums[1];
      l2.secularSums(zz, delta, dOff, tau, left + 1, k, sums);
      double phi = sums[0];
      double dphi = sums[1];
      double f = rhoInv + psi + phi;
      if (step == 0 && j < k - 1 && f < 0) {
        // The root lies nearer d_{j+1}: measure from there; same point, so f stays valid.
        origin = j + 1;
        setOrigin(d, origin, k, delta, dOff);
        tau = -half;
        lo = -half;
        hi = 0;
      }
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
    return d[origin] + tau;
  }

  private static void setOrigin(double[] d, int origin, int k, double[] delta, int dOff) {
    double o = d[origin];
    for (int i = 0; i < k; i++) {
      delta[dOff + i] = d[i] - o;
    }
  }

  /**
   * The correction from the model {@code c + B/(delta_j - x) [+ D/(delta_{j+1} - x)]} that matches
   * psi and phi and their slopes at tau; NaN where the model has no root in reach.
   */
  private static double step(
      int j,
      int k,
      double[] delta,
      int dOff,
      double tau,
      double rhoInv,
      double psi,
      double dpsi,
      double phi,
      double dphi) {
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
