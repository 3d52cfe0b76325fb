package io.github.embeddinggeometry.internal.kernel;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;

/**
 * Times candidate GEMM kernels on one small in-cache product and keeps the fastest, because the
 * fastest micro-tile depends on the CPU, its register file and the JDK's C2 in ways no rule
 * predicted (a shape chosen from the register count alone can run many times slower than a smaller
 * one: docs/benchmarks-history.md). The standard product is {@code C = A B^T} with A of {@link #M}
 * x {@link #K} and B of {@link #N} x {@link #K} floats (row-major), on one thread: {@link #FLOPS}
 * flops, 320 KiB of operands, in L2 on every current CPU. Rates are in GFLOP/s of that product.
 *
 * <p>Each candidate is prepared (packing, warm-up until compiled: see {@link
 * SimdProvider.TileCandidate}) in turns, round after round, so that the JIT compiles one while
 * another warms up; once ready it is timed pass after pass for half its share of what is left of
 * the budget; its rate is that of its fastest pass, which filters out passes slowed by other
 * processes. One still not ready when the budget is spent, after four times what the quickest took,
 * is a JIT cliff (C2 can take long to make a kernel that is then many times slower). A candidate
 * that throws is skipped; one under {@link #CLIFF} of the best rate is recorded as a JIT cliff and
 * never chosen. Results are cached per machine, JDK and flags ({@link CalibrationCache}), so only
 * the first process pays.
 *
 * <p>Another kernel (a native BLAS, say) competes by being one more {@link Candidate}, or compares
 * its own rate on the same product with {@link #chosen()}.
 */
public final class Calibration {
  /** Rows of A in the standard product: a multiple of every micro-tile's rows (4, 6, 8, 12). */
  public static final int M = 192;

  /** Rows of B in the standard product: a multiple of every micro-tile's width up to 64 lanes. */
  public static final int N = 128;

  /** Depth of the standard product. */
  public static final int K = 256;

  /** Flops of one standard product ({@code 2 M N K}). */
  public static final long FLOPS = 2L * M * N * K;

  /** A candidate under this share of the best rate is a JIT cliff. */
  public static final double CLIFF = 0.25;

  /** Passes after which a candidate's timing stops even within budget (a stalled clock). */
  static final int MAX_PASSES = 4000;

  /** Passes each successful candidate must have run for its result to be worth caching. */
  static final int SETTLED_PASSES = 5;

  /** A kernel that can compute the standard product. */
  public interface Candidate {
    /** A name unique among the candidates, stable across processes (it keys the cache). */
    String name();

    /**
     * Gets ready to compute {@code c = a b^T} (row-major {@code M x K}, {@code N x K}, {@code M x
     * N}); may warm up. Time spent here counts against the budget.
     *
     * @param warmNanos time ({@link System#nanoTime}) a warm-up may take at most
     * @return one pass of the product, to be timed; it may be run many times
     * @throws TimeoutException when it could not get ready within {@code warmNanos}: asked again in
     *     its next turn
     * @throws Exception when the candidate cannot run here: it is skipped
     */
    Runnable prepare(float[] a, float[] b, float[] c, long warmNanos) throws Exception;
  }

  /** How a candidate fared. */
  public enum Status {
    /** Timed, eligible. */
    OK,
    /** Timed at under {@link #CLIFF} of the best: never chosen. */
    CLIFF,
    /** Threw, or the budget ran out before it was timed. */
    FAILED
  }

  /**
   * One candidate's result.
   *
   * @param name the candidate's name
   * @param gflops its rate on the standard product, NaN when it failed
   * @param status whether it is eligible
   * @param note why it failed, or empty
   */
  public record Entry(String name, double gflops, Status status, String note) {}

  /**
   * A calibration: every candidate's entry in the order timed, the chosen one's name.
   *
   * @param entries one per candidate
   * @param chosen name of the fastest eligible candidate, null when none is eligible
   * @param cached true when read from the cache rather than timed in this process
   * @param settled every candidate was timed or failed for good, and every eligible one ran at
   *     least {@link #SETTLED_PASSES} passes: worth caching
   */
  public record Result(List<Entry> entries, String chosen, boolean cached, boolean settled) {
    public Result {
      entries = List.copyOf(entries);
    }

    /**
     * The chosen candidate's entry.
     *
     * @throws IllegalStateException when none was chosen
     */
    public Entry best() {
      for (Entry e : entries) {
        if (e.name().equals(chosen)) {
          return e;
        }
      }
      throw new IllegalStateException("no entry for " + chosen);
    }
  }

  private Calibration() {}

  /**
   * The calibration of the pure-Java tile kernel in use, when it was chosen by calibration (not
   * when a property forced the shape, calibration is off, or the kernel is scalar).
   */
  public static Optional<Entry> chosen() {
    return SimdProvider.get().calibration().filter(r -> r.chosen() != null).map(Result::best);
  }

  /**
   * The cached calibration for {@code key} and these candidates, or a new one written to the cache.
   *
   * @param cacheDir folder of the cache, or null for none
   * @param key what the result depends on beyond the candidates' names ({@link #machineKey})
   * @param budgetNanos time the timing may take, all candidates together
   * @param clock nanosecond clock ({@code System::nanoTime} but in tests)
   * @return the result (with no choice when no candidate is eligible); empty without candidates
   */
  static Optional<Result> calibrate(
      List<? extends Candidate> candidates,
      Path cacheDir,
      String key,
      long budgetNanos,
      LongSupplier clock) {
    List<String> names = new ArrayList<>();
    for (Candidate c : candidates) {
      names.add(c.name());
    }
    Path file = cacheDir == null ? null : CalibrationCache.file(cacheDir, key);
    Optional<Result> hit =
        file == null ? Optional.empty() : CalibrationCache.read(file, key, names);
    if (hit.isPresent() && hit.get().settled()) {
      return hit;
    }
    // A provisional result (some shape not ready within an earlier budget) keeps what it knows and
    // gives the whole budget to the shapes it does not know: a slow-compiling shape gets its
    // answer over a few processes, each paying one budget at most.
    List<Candidate> toTime = new ArrayList<>();
    for (Candidate c : candidates) {
      if (hit.isEmpty() || unknown(hit.get(), c.name())) {
        toTime.add(c);
      }
    }
    Optional<Result> r = measure(toTime, budgetNanos, clock, hit.isPresent());
    if (hit.isPresent()) {
      List<Entry> merged = new ArrayList<>();
      for (Entry e : hit.get().entries()) {
        merged.add(unknown(hit.get(), e.name()) ? entryOf(r.orElseThrow(), e.name()) : e);
      }
      r = choose(merged, r.orElseThrow().settled());
    }
    // Kept even when provisional, so that the next process times only what is unknown.
    if (file != null && r.isPresent() && r.get().chosen() != null) {
      CalibrationCache.write(file, key, r.get());
    }
    return r;
  }

  /** Whether {@code r} has no answer for the candidate {@code name}: it was never ready. */
  private static boolean unknown(Result r, String name) {
    Entry e = entryOf(r, name);
    return e.status() == Status.FAILED && e.note().startsWith(NOT_READY);
  }

  private static Entry entryOf(Result r, String name) {
    for (Entry e : r.entries()) {
      if (e.name().equals(name)) {
        return e;
      }
    }
    throw new IllegalStateException("no entry for " + name);
  }

  /** Note of a candidate that was not ready, or not reached, within the budget. */
  static final String NOT_READY = "not ready";

  /** Times the candidates, in order, each within its share of what is left of the budget. */
  static Optional<Result> measure(
      List<? extends Candidate> candidates, long budgetNanos, LongSupplier clock) {
    return measure(candidates, budgetNanos, clock, false);
  }

  /**
   * As above; {@code othersReady}: other shapes got ready in an earlier process, so one not ready
   * after a whole budget of its own is a JIT cliff.
   */
  static Optional<Result> measure(
      List<? extends Candidate> candidates,
      long budgetNanos,
      LongSupplier clock,
      boolean othersReady) {
    float[] a = new float[M * K];
    float[] b = new float[N * K];
    SplittableRandom rnd = new SplittableRandom(24);
    for (int i = 0; i < a.length; i++) {
      a[i] = (float) (rnd.nextDouble() * 2 - 1);
    }
    for (int i = 0; i < b.length; i++) {
      b[i] = (float) (rnd.nextDouble() * 2 - 1);
    }
    float[] c = new float[M * N];
    long start = clock.getAsLong();
    int n = candidates.size();
    List<Attempt> att = new ArrayList<>();
    for (Candidate cand : candidates) {
      att.add(new Attempt(cand));
    }
    // Warm-ups in turns of a sixteenth of the budget, round after round: while one candidate's
    // turn runs, C2 compiles another's kernel in the background. A candidate that gets ready is
    // timed at once, for half of its fair share of what is left.
    long turn = Math.max(1, budgetNanos / 16);
    int undecided = n;
    boolean progress = true;
    for (int round = 0; undecided > 0 && progress && round < MAX_PASSES; round++) {
      progress = false;
      for (Attempt t : att) {
        long left = budgetNanos - (clock.getAsLong() - start);
        if (t.entry != null || left <= 0) {
          continue;
        }
        t.run(a, b, c, Math.min(turn, left), left / (2L * undecided), clock);
        progress = true;
        if (t.entry != null) {
          undecided--;
        }
      }
    }
    long quickest = othersReady ? 0 : Long.MAX_VALUE;
    for (Attempt t : att) {
      if (t.entry != null && t.entry.status() == Status.OK) {
        quickest = Math.min(quickest, t.warmNanos);
      }
    }
    List<Entry> timed = new ArrayList<>();
    boolean settled = true;
    for (Attempt t : att) {
      Entry e = t.entry;
      if (e == null && t.warmNanos > 0 && quickest <= CLIFF * t.warmNanos) {
        // Out of time, while another shape got ready in a quarter of that: this one does not
        // compile, or not to fast code.
        e =
            new Entry(
                t.cand.name(),
                Double.NaN,
                Status.CLIFF,
                NOT_READY
                    + " in "
                    + t.warmNanos / 1_000_000
                    + " ms, over 4 times what the quickest shape took: JIT cliff");
      } else if (e == null) {
        // The machine was too busy to tell: the result is used but not kept.
        settled = false;
        e =
            new Entry(
                t.cand.name(),
                Double.NaN,
                Status.FAILED,
                t.warmNanos > 0
                    ? NOT_READY + " in " + t.warmNanos / 1_000_000 + " ms"
                    : NOT_READY + ": budget spent");
      } else if (e.status() == Status.OK && t.passes < SETTLED_PASSES) {
        settled = false;
      }
      timed.add(e);
    }
    return choose(timed, settled);
  }

  /** One candidate's timing, over turns until it is ready. */
  private static final class Attempt {
    final Candidate cand;

    /** The result, once ready and timed or failed for good; null while not ready. */
    Entry entry;

    /** Time spent warming up in this candidate's turns. */
    long warmNanos;

    int passes;

    Attempt(Candidate cand) {
      this.cand = cand;
    }

    /** One turn: warm up for at most {@code warm}; once ready, time passes for {@code time}. */
    void run(float[] a, float[] b, float[] c, long warm, long time, LongSupplier clock) {
      long t0 = clock.getAsLong();
      try {
        Runnable pass = cand.prepare(a, b, c, warm);
        warmNanos += clock.getAsLong() - t0;
        long t1 = clock.getAsLong();
        long best = Long.MAX_VALUE;
        do {
          long p0 = clock.getAsLong();
          pass.run();
          best = Math.min(best, Math.max(1, clock.getAsLong() - p0));
          passes++;
        } while (passes < MAX_PASSES && clock.getAsLong() - t1 < time);
        entry = new Entry(cand.name(), (double) FLOPS / best, Status.OK, "");
      } catch (TimeoutException e) {
        warmNanos += Math.max(warm, clock.getAsLong() - t0);
      } catch (Exception | LinkageError e) {
        entry = new Entry(cand.name(), Double.NaN, Status.FAILED, String.valueOf(e));
      }
    }
  }

  /**
   * The candidate to run: the chosen one when the result is settled, or when the safe candidate was
   * timed too and lost to it; otherwise {@code safe}. A busy machine can leave only a
   * slow-compiling shape timed (seen: a JIT-cliff shape chosen at 0.0 GFLOP/s because nothing else
   * got ready), and a provisional answer must never replace the measured-safe shape with one never
   * compared to it.
   *
   * @param safe name of the candidate used when calibration cannot tell
   */
  static String trusted(Result r, String safe) {
    if (r.chosen() == null) {
      return safe;
    }
    if (r.settled() || r.chosen().equals(safe)) {
      return r.chosen();
    }
    for (Entry e : r.entries()) {
      if (e.name().equals(safe)) {
        return e.status() == Status.OK ? r.chosen() : safe;
      }
    }
    return safe;
  }

  /** Marks the cliffs and picks the fastest of the rest (the first of equals). */
  static Optional<Result> choose(List<Entry> timed, boolean settled) {
    double top = 0;
    for (Entry e : timed) {
      if (e.status() == Status.OK) {
        top = Math.max(top, e.gflops());
      }
    }
    List<Entry> out = new ArrayList<>();
    Entry best = null;
    for (Entry e : timed) {
      Entry m = e;
      if (e.status() == Status.OK && e.gflops() < CLIFF * top) {
        m = new Entry(e.name(), e.gflops(), Status.CLIFF, "under a quarter of the best: JIT cliff");
      }
      out.add(m);
      if (m.status() == Status.OK && (best == null || m.gflops() > best.gflops())) {
        best = m;
      }
    }
    return Optional.of(
        new Result(
            Collections.unmodifiableList(out), best == null ? null : best.name(), false, settled));
  }

  /**
   * What a calibration depends on besides the candidates: the CPU model, the JVM build, the vector
   * width, FMA, and the JVM's {@code -XX} options (they can change what C2 makes of a kernel).
   */
  static String machineKey(int vectorBits, boolean fma) {
    List<String> xx = new ArrayList<>();
    try {
      for (String arg :
          java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments()) {
        if (arg.startsWith("-XX:")) {
          xx.add(arg);
        }
      }
    } catch (RuntimeException | LinkageError e) {
      // no management: the flags do not enter the key
    }
    Collections.sort(xx);
    return "cpu="
        + cpuModel()
        + "|arch="
        + System.getProperty("os.arch")
        + "|jvm="
        + System.getProperty("java.vm.name")
        + " "
        + System.getProperty("java.vm.version")
        + "|bits="
        + vectorBits
        + "|fma="
        + fma
        + "|flags="
        + String.join(" ", xx);
  }

  /**
   * The CPU's model name: Linux's {@code /proc/cpuinfo} ("model name", or on ARM "CPU implementer"
   * and "CPU part"), else {@code os.arch} and the processor count.
   */
  public static String cpuModel() {
    String model = null;
    String implementer = null;
    String part = null;
    try {
      for (String line :
          java.nio.file.Files.readAllLines(
              Path.of("/proc/cpuinfo"), java.nio.charset.StandardCharsets.ISO_8859_1)) {
        int colon = line.indexOf(':');
        if (colon < 0) {
          continue;
        }
        String k = line.substring(0, colon).trim();
        String v = line.substring(colon + 1).trim();
        if (k.equals("model name") && model == null) {
          model = v;
        } else if (k.equals("CPU implementer") && implementer == null) {
          implementer = v;
        } else if (k.equals("CPU part") && part == null) {
          part = v;
        }
      }
    } catch (java.io.IOException | RuntimeException e) {
      // not Linux, or unreadable: fall through
    }
    if (model != null && !model.isEmpty()) {
      return model;
    }
    if (implementer != null && part != null) {
      return "ARM implementer " + implementer + " part " + part;
    }
    return System.getProperty("os.arch")
        + ", "
        + Runtime.getRuntime().availableProcessors()
        + " CPUs";
  }
}
