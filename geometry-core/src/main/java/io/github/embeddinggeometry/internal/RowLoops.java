package io.github.embeddinggeometry.internal;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The per-value loops behind {@code backend.spi.Exact} and {@code backend.spi.PairPasses}: the
 * float64 refinement sums and the pairwise statistics' first pass, in plain Java here, on the
 * Vector API in {@code internal.simd.VectorLevel2} (through {@code internal.kernel.Level2}).
 *
 * <p>Here, in the root internal package, so that the SPI can use them without depending on {@code
 * internal.kernel}, which depends on the SPI: {@link #get} has the kernel package's provider
 * register its loops, loading it by name.
 */
public abstract class RowLoops {
  private static volatile RowLoops registered;

  /** For subclasses only. */
  protected RowLoops() {}

  /**
   * The loops of this JVM: the Vector API's where it is in use, else plain Java; in either case
   * plain Java for the process's first {@link #PLAIN_VALUES} values (see there).
   *
   * @return the loops
   */
  public static RowLoops get() {
    RowLoops l = registered;
    if (l == null) {
      try {
        // its construction registers the loops (see register)
        Class.forName("io.github.embeddinggeometry.internal.kernel.SimdProvider")
            .getMethod("get")
            .invoke(null);
      } catch (ReflectiveOperationException e) {
        throw new IllegalStateException("the kernel provider could not be loaded", e);
      }
      l = registered;
    }
    return l;
  }

  /**
   * Called once by the kernel provider.
   *
   * @param loops the loops to hand out, after a warm-up in plain Java
   */
  public static void register(RowLoops loops) {
    registered = new Warming(loops);
  }

  /**
   * Values the loops see in plain Java before they take the registered ones: Vector API code runs
   * interpreted, allocating at every operation, until the JIT compiles it, which cost a fresh
   * process 0.5 s on 3.2 M pairs (the MiniLM pairwise of {@code ./geometry all}) where the plain
   * loop costs 0.01 s; after 2^26 values (0.1 s of plain loop) the compile pays for itself. Both
   * give the same results, bit for bit.
   */
  static final long PLAIN_VALUES = 1L << 26;

  /** Plain Java for the first {@link #PLAIN_VALUES} values, then {@code loops}. */
  private static final class Warming extends RowLoops {
    private static final RowLoops PLAIN = new RowLoops() {};

    private final RowLoops loops;
    private final AtomicLong seen = new AtomicLong();
    private volatile boolean warm;

    Warming(RowLoops loops) {
      this.loops = loops;
    }

    /** The loops for the next {@code values} values. */
    private RowLoops next(int values) {
      if (warm) {
        return loops;
      }
      if (seen.addAndGet(values) > PLAIN_VALUES) {
        warm = true;
      }
      return PLAIN;
    }

    @Override
    public double squaredDistance(float[] x, int xo, float[] y, int yo, int d) {
      return next(d).squaredDistance(x, xo, y, yo, d);
    }

    @Override
    public void cosineSums(float[] x, int xo, float[] y, int yo, int d, double[] out) {
      next(d).cosineSums(x, xo, y, yo, d, out);
    }

    @Override
    public int firstPassRun(float[] v, int off, int len, int bin, long[] acc) {
      return next(len).firstPassRun(v, off, len, bin, acc);
    }

    @Override
    public int keepBand(
        float[] v, int off, int len, float lo, float hi, float[] keep, int pos, long[] below) {
      // no vector form to warm up: the registered loop, uncounted
      return loops.keepBand(v, off, len, lo, hi, keep, pos, below);
    }
  }

  // ------------------------------------------------------------------ exact refinement sums
  //
  // The float64 sums behind backend.spi.Exact, in one order that every width reproduces, so that
  // a refined distance has the same bits on every machine and backend: stripe l (0..7) adds the
  // terms k = l (mod 8) of the first d - d % 8 in ascending k, the stripes are then added as
  // ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7)), and the last d % 8 terms one by one. One
  // accumulator made each refinement a chain of d dependent adds: at d = 2560 the refinements of
  // a near-duplicate cluster cost a tenth of a whole pairwise pass.

  /** Stripes of the refinement sums: one vector of 8 doubles, two of 4. */
  protected static final int STRIPES = 8;

  /**
   * {@code sum (x_k - y_k)^2} in float64, each difference exact, in the order above.
   *
   * @param x one row's array. Not modified.
   * @param xo where the row starts in {@code x}
   * @param y the other row's array. Not modified.
   * @param yo where it starts in {@code y}
   * @param d the dimension
   * @return the sum; exactly 0 for bitwise-equal rows
   */
  public double squaredDistance(float[] x, int xo, float[] y, int yo, int d) {
    return squaredDistanceFrom(x, xo, y, yo, d, 0, new double[STRIPES]);
  }

  /**
   * {@link #squaredDistance} from term {@code k0} (a multiple of {@link #STRIPES}) on, the stripes
   * of the terms before it in {@code s}.
   */
  protected static double squaredDistanceFrom(
      float[] x, int xo, float[] y, int yo, int d, int k0, double[] s) {
    int d8 = d - d % STRIPES;
    double s0 = s[0];
    double s1 = s[1];
    double s2 = s[2];
    double s3 = s[3];
    double s4 = s[4];
    double s5 = s[5];
    double s6 = s[6];
    double s7 = s[7];
    for (int k = k0; k < d8; k += STRIPES) {
      int a = xo + k;
      int b = yo + k;
      double t0 = (double) x[a] - y[b];
      double t1 = (double) x[a + 1] - y[b + 1];
      double t2 = (double) x[a + 2] - y[b + 2];
      double t3 = (double) x[a + 3] - y[b + 3];
      double t4 = (double) x[a + 4] - y[b + 4];
      double t5 = (double) x[a + 5] - y[b + 5];
      double t6 = (double) x[a + 6] - y[b + 6];
      double t7 = (double) x[a + 7] - y[b + 7];
      s0 += t0 * t0;
      s1 += t1 * t1;
      s2 += t2 * t2;
      s3 += t3 * t3;
      s4 += t4 * t4;
      s5 += t5 * t5;
      s6 += t6 * t6;
      s7 += t7 * t7;
    }
    double sum = ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7));
    for (int k = d8; k < d; k++) {
      double t = (double) x[xo + k] - y[yo + k];
      sum += t * t;
    }
    return sum;
  }

  /**
   * {@code x.y}, {@code x.x} and {@code y.y} in float64 (each product exact), each in the order
   * above, into {@code out[0..2]}.
   *
   * @param x one row's array. Not modified.
   * @param xo where the row starts in {@code x}
   * @param y the other row's array. Not modified.
   * @param yo where it starts in {@code y}
   * @param d the dimension
   * @param out Modified: receives the three sums
   */
  public void cosineSums(float[] x, int xo, float[] y, int yo, int d, double[] out) {
    cosineSumsFrom(x, xo, y, yo, d, 0, new double[3 * STRIPES], out);
  }

  /**
   * {@link #cosineSums} from term {@code k0} (a multiple of {@link #STRIPES}) on, the stripes of
   * the terms before it in {@code s}: dot products, then x's squares, then y's.
   */
  protected static void cosineSumsFrom(
      float[] x, int xo, float[] y, int yo, int d, int k0, double[] s, double[] out) {
    int d8 = d - d % STRIPES;
    for (int k = k0; k < d8; k += STRIPES) {
      for (int l = 0; l < STRIPES; l++) {
        double p = x[xo + k + l];
        double q = y[yo + k + l];
        s[l] += p * q;
        s[STRIPES + l] += p * p;
        s[2 * STRIPES + l] += q * q;
      }
    }
    double dot = stripes(s, 0);
    double nx = stripes(s, STRIPES);
    double ny = stripes(s, 2 * STRIPES);
    for (int k = d8; k < d; k++) {
      double p = x[xo + k];
      double q = y[yo + k];
      dot += p * q;
      nx += p * p;
      ny += q * q;
    }
    out[0] = dot;
    out[1] = nx;
    out[2] = ny;
  }

  /** The stripes {@code s[o .. o + 8)} added in the order above. */
  protected static double stripes(double[] s, int o) {
    return ((s[o] + s[o + 1]) + (s[o + 2] + s[o + 3]))
        + ((s[o + 4] + s[o + 5]) + (s[o + 6] + s[o + 7]));
  }

  // ------------------------------------------------------------------ pairwise statistics
  //
  // The per-value work of the pairwise statistics' first pass, once per distance of n (n - 1) / 2:
  // in plain Java each value cost about 3 ns (a chain of scalar min, max, compare and a bin update
  // of the exact sum), a tenth of a 20,000 x 2,560 pass. Every result here is exact (extremes,
  // counts, an integer sum), so the Vector API and plain Java agree whatever their order.

  /** Most values per {@link #firstPassRun}: its integer sum then stays below 2^53. */
  public static final int RUN = 512;

  /** Binades of {@link #firstPassRun}'s integer sum: values of 2^44 units at most. */
  public static final int SUM_BINADES = 20;

  /** {@link #firstPassRun}'s {@code acc}: smallest and largest value as float bits (in and out). */
  public static final int MIN = 0;

  /** See {@link #MIN}. */
  public static final int MAX = 1;

  /** {@link #firstPassRun}'s {@code acc}: values equal to 0, added to. */
  public static final int ZEROS = 2;

  /** {@link #firstPassRun}'s {@code acc}: the run's integer sum, set. */
  public static final int SUM = 3;

  /** {@link #firstPassRun}'s {@code acc}: the run's values left out of the sum, set. */
  public static final int STRAYS = 4;

  /**
   * One run of distances: their extremes, zeros, and the exact sum of those whose biased exponent
   * lies in {@code [bin, bin + SUM_BINADES)}, as an integer in units of {@code 2^(bin - 150)} (the
   * unit of the last place of a float of exponent {@code bin}). Values above 0 outside that range
   * are counted as strays, for the caller to add one by one. -0 counts as 0.
   *
   * @param v the distances. Not modified.
   * @param off first index
   * @param len at most {@link #RUN}
   * @param bin 1 .. {@code 254 - SUM_BINADES}
   * @param acc Modified: see {@link #MIN}, {@link #MAX}, {@link #ZEROS}, {@link #SUM}, {@link
   *     #STRAYS}
   * @return -1, or the index of the first value that is negative or NaN ({@code acc} is then of no
   *     use)
   */
  public int firstPassRun(float[] v, int off, int len, int bin, long[] acc) {
    acc[SUM] = 0;
    acc[STRAYS] = 0;
    return firstPassRest(v, off, off + len, bin, acc);
  }

  /** {@link #firstPassRun}'s values {@code [from, to)}, added to {@code acc}. */
  protected static int firstPassRest(float[] v, int from, int to, int bin, long[] acc) {
    int mn = (int) acc[MIN];
    int mx = (int) acc[MAX];
    long zeros = 0;
    long sum = 0;
    long strays = 0;
    for (int t = from; t < to; t++) {
      int bits = Float.floatToRawIntBits(v[t] + 0f);
      if (bits < 0 || bits > 0x7f800000) {
        return t;
      }
      mn = Math.min(mn, bits);
      mx = Math.max(mx, bits);
      zeros += (bits - 1) >>> 31;
      int shift = (bits >>> 23) - bin;
      if (shift >= 0 && shift < SUM_BINADES) {
        sum += (long) ((bits & 0x7fffff) | 0x800000) << shift;
      } else {
        strays += (-bits) >>> 31;
      }
    }
    acc[MIN] = mn;
    acc[MAX] = mx;
    acc[ZEROS] += zeros;
    acc[SUM] += sum;
    acc[STRAYS] += strays;
    return -1;
  }

  /**
   * Appends the values of {@code v[off .. off + len)} in {@code [lo, hi)} to {@code keep}, in
   * order, and counts those below {@code lo}. The values are &gt;= 0 (-0 is kept as 0).
   *
   * @param v the values. Not modified.
   * @param off first index
   * @param len how many
   * @param lo lowest value kept, &gt;= 0
   * @param hi first value above the kept ones
   * @param keep Modified: receives the kept values; room for {@code len} from {@code pos}
   * @param pos where the first kept value goes
   * @param below Modified: {@code below[0]} is added the count of values below {@code lo}
   * @return the position after the last kept value
   */
  public int keepBand(
      float[] v, int off, int len, float lo, float hi, float[] keep, int pos, long[] below) {
    return keepBandRest(v, off, off + len, lo, hi, keep, pos, below);
  }

  /** {@link #keepBand} of {@code v[from .. to)}. */
  protected static int keepBandRest(
      float[] v, int from, int to, float lo, float hi, float[] keep, int pos, long[] below) {
    // on the bits, which order as the values do (all >= 0): one unsigned compare, no branch
    int first = Float.floatToRawIntBits(lo + 0f);
    int width = Float.floatToRawIntBits(hi) - first;
    int p = pos;
    long under = 0;
    for (int t = from; t < to; t++) {
      float x = v[t] + 0f;
      int w = Float.floatToRawIntBits(x) - first;
      keep[p] = x;
      // arithmetic, not a compare: with one value in eight kept C2 compiled "? 1 : 0" to a
      // branch, mispredicted on every kept value (2.8 ns a value in the pass, 0.7 without)
      p += (int) (((w & 0xffffffffL) - width) >>> 63);
      under += w >>> 31;
    }
    below[0] += under;
    return p;
  }
}
