package io.github.embeddinggeometry.backend.spi;

import java.io.Serializable;
import java.math.BigInteger;

/**
 * The exact sum of float32 values, rounded once to double at the end: one 64-bit integer bin per
 * float exponent (a "superaccumulator"). Adding is exact, so the result does not depend on the
 * order of the values, on how they were split between accumulators, or on the order the
 * accumulators were merged in: a distributed run gives the same bits as one thread.
 *
 * <p>Infinities and NaN are kept aside, never binned (their exponent bits would count as 2^128, a
 * wrong finite sum): the sum is then infinite or NaN, as in floating point.
 *
 * @since 0.1
 */
public final class ExactSum implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Bins by biased exponent (1..254), plus room for carries 24 bins up. */
  private static final int BINS = 256 + 32;

  /** Adds between carry normalisations: 2^24 x 2^36 stays far from 2^63. */
  private static final long CARRY_EVERY = 1L << 36;

  /** The integer sum of the mantissas per biased exponent. */
  private final long[] bins = new long[BINS];

  /** Adds since the last carry normalisation. */
  private long pending;

  /** Whether +infinity was added. */
  private boolean positiveInfinity;

  /** Whether -infinity was added. */
  private boolean negativeInfinity;

  /** Whether NaN was added. */
  private boolean nan;

  /**
   * Adds a value.
   *
   * @param v the value; infinite and NaN values make the sum so
   */
  public void add(float v) {
    int bits = Float.floatToRawIntBits(v);
    int e = (bits >>> 23) & 0xff;
    if (e == 0xff) {
      nan |= v != v;
      positiveInfinity |= v == Float.POSITIVE_INFINITY;
      negativeInfinity |= v == Float.NEGATIVE_INFINITY;
      return;
    }
    long m = bits & 0x7fffff;
    if (e != 0) {
      m |= 1 << 23;
    } else {
      e = 1;
    }
    bins[e] += bits < 0 ? -m : m;
    if (++pending >= CARRY_EVERY) {
      carry();
    }
  }

  /** Highest bin {@link #addScaled} takes: its top limb lands 48 bins up. */
  static final int MAX_SCALED_BIN = BINS - 1 - 48;

  /**
   * Adds {@code v * 2^(bin - 150)}: a sum of mantissas that a caller formed in a long, in units of
   * bin {@code bin} (the unit of a float whose biased exponent is {@code bin}), so that a run of
   * values in a narrow range of exponents costs a shift and an add each instead of a bin update.
   *
   * @param v the sum, &gt;= 0
   * @param bin 1 .. {@link #MAX_SCALED_BIN}
   */
  void addScaled(long v, int bin) {
    // in limbs of 24 bits, like the mantissas the carry normalisation assumes
    bins[bin] += v & 0xffffff;
    bins[bin + 24] += (v >>> 24) & 0xffffff;
    bins[bin + 48] += v >>> 48;
    pending += 3;
    if (pending >= CARRY_EVERY) {
      carry();
    }
  }

  /**
   * Adds everything another accumulator holds.
   *
   * @param other the accumulator. Not modified in value.
   */
  public void add(ExactSum other) {
    carry();
    other.carry();
    nan |= other.nan;
    positiveInfinity |= other.positiveInfinity;
    negativeInfinity |= other.negativeInfinity;
    for (int e = 0; e < BINS; e++) {
      bins[e] += other.bins[e];
    }
    carry();
  }

  private void carry() {
    for (int e = 0; e + 24 < BINS; e++) {
      long c = bins[e] >> 24;
      bins[e] -= c << 24;
      bins[e + 24] += c;
    }
    pending = 0;
  }

  /**
   * The sum, correctly rounded to double; infinite or NaN when such a value was added.
   *
   * @return the sum
   */
  public double value() {
    if (nan || (positiveInfinity && negativeInfinity)) {
      return Double.NaN;
    }
    if (positiveInfinity || negativeInfinity) {
      return positiveInfinity ? Double.POSITIVE_INFINITY : Double.NEGATIVE_INFINITY;
    }
    BigInteger total = BigInteger.ZERO;
    for (int e = BINS - 1; e >= 1; e--) {
      // bin e holds integers in units of 2^(e - 150) = 2^(e - 1) * 2^-149
      if (bins[e] != 0) {
        total = total.add(BigInteger.valueOf(bins[e]).shiftLeft(e - 1));
      }
    }
    // Rounded once to 53 bits; the power-of-two scaling is exact (the result is far from the
    // subnormal range of double).
    return Math.scalb(total.doubleValue(), -149);
  }
}
