package io.github.embeddinggeometry.internal.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The calibration's decisions on candidates whose speed is set by a fake clock (each pass advances
 * it by a fixed time), so nothing here depends on the machine's speed or load; and one end-to-end
 * calibration of the real kernels on a small budget.
 */
class CalibrationTest {
  private static final long MS = 1_000_000L;
  private static final long BUDGET = 250 * MS;

  private final AtomicLong now = new AtomicLong();

  /** A candidate whose passes take {@code passNanos} of fake time; counts its preparations. */
  private class Fake implements Calibration.Candidate {
    final String name;
    final long passNanos;
    final long prepareNanos;
    int prepared;
    int passes;

    Fake(String name, long passNanos) {
      this(name, passNanos, 0);
    }

    Fake(String name, long passNanos, long prepareNanos) {
      this.name = name;
      this.passNanos = passNanos;
      this.prepareNanos = prepareNanos;
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public Runnable prepare(float[] a, float[] b, float[] c, long warmNanos) throws Exception {
      prepared++;
      now.addAndGet(prepareNanos);
      return () -> {
        passes++;
        now.addAndGet(passNanos);
      };
    }
  }

  /** Takes its whole warm-up allowance and gives up, as a kernel C2 never compiles. */
  private final class NeverReady extends Fake {
    NeverReady(String name) {
      super(name, 1);
    }

    @Override
    public Runnable prepare(float[] a, float[] b, float[] c, long warmNanos) throws Exception {
      prepared++;
      now.addAndGet(warmNanos);
      throw new TimeoutException("not compiled within " + warmNanos / MS + " ms");
    }
  }

  private Optional<Calibration.Result> measure(List<? extends Calibration.Candidate> cands) {
    return Calibration.measure(cands, BUDGET, now::get);
  }

  private static Calibration.Entry entry(Calibration.Result r, String name) {
    return r.entries().stream().filter(e -> e.name().equals(name)).findFirst().orElseThrow();
  }

  @Test
  void fastestWinsAndASlowedShapeIsACliff() {
    Fake six = new Fake("six", 2 * MS);
    Fake four = new Fake("four", 3 * MS);
    Fake twelve = new Fake("twelve", 10 * MS); // 5 times slower than the best
    Calibration.Result r = measure(List.of(twelve, four, six)).orElseThrow();
    assertThat(r.chosen()).isEqualTo("six");
    // rate = flops of the standard product / fastest pass
    assertThat(r.best().gflops()).isEqualTo((double) Calibration.FLOPS / (2 * MS));
    assertThat(entry(r, "four").status()).isEqualTo(Calibration.Status.OK);
    assertThat(entry(r, "four").gflops()).isEqualTo((double) Calibration.FLOPS / (3 * MS));
    assertThat(entry(r, "twelve").status()).isEqualTo(Calibration.Status.CLIFF);
    assertThat(r.settled()).isTrue();
    assertThat(r.cached()).isFalse();
  }

  @Test
  void aShapeJustAboveAQuarterIsNoCliff() {
    Fake best = new Fake("best", 4 * MS);
    Fake slower = new Fake("slower", 15 * MS); // 4/15 = 0.27 of the best
    Calibration.Result r = measure(List.of(best, slower)).orElseThrow();
    assertThat(entry(r, "slower").status()).isEqualTo(Calibration.Status.OK);
    assertThat(r.chosen()).isEqualTo("best");
  }

  @Test
  void anUnsettledChoiceNeverComparedWithTheSafeShapeIsNotTrusted() {
    // A busy machine: the safe shape never got ready, only a crawling one did.
    Fake twelve = new Fake("twelve", 200 * MS);
    NeverReady six = new NeverReady("six");
    Calibration.Result r = measure(List.of(twelve, six)).orElseThrow();
    assertThat(r.settled()).isFalse();
    assertThat(r.chosen()).isEqualTo("twelve");
    assertThat(Calibration.trusted(r, "six")).isEqualTo("six");

    // Compared with the safe shape and faster: trusted even before it is settled.
    Fake fast = new Fake("four", 2 * MS);
    Fake safe = new Fake("six", 3 * MS);
    Calibration.Result both = measure(List.of(fast, safe, new NeverReady("eight"))).orElseThrow();
    assertThat(both.chosen()).isEqualTo("four");
    assertThat(Calibration.trusted(both, "six")).isEqualTo("four");
    assertThat(Calibration.trusted(new Calibration.Result(List.of(), null, false, false), "six"))
        .isEqualTo("six");
  }

  @Test
  void throwingShapesAreSkipped() {
    Fake failsToPrepare =
        new Fake("prepare", 1) {
          @Override
          public Runnable prepare(float[] a, float[] b, float[] c, long warm) {
            throw new UnsupportedOperationException("no such width");
          }
        };
    Fake failsToRun =
        new Fake("run", 1) {
          @Override
          public Runnable prepare(float[] a, float[] b, float[] c, long warm) {
            return () -> {
              throw new IllegalStateException("broken");
            };
          }
        };
    Fake good = new Fake("good", 5 * MS);
    Calibration.Result r = measure(List.of(failsToPrepare, failsToRun, good)).orElseThrow();
    assertThat(r.chosen()).isEqualTo("good");
    assertThat(entry(r, "prepare").status()).isEqualTo(Calibration.Status.FAILED);
    assertThat(entry(r, "prepare").note()).contains("no such width");
    assertThat(entry(r, "run").status()).isEqualTo(Calibration.Status.FAILED);
    assertThat(entry(r, "run").note()).contains("broken");
    // failures for good do not make the result unfit for the cache
    assertThat(r.settled()).isTrue();
    // none left: a table without a choice
    Calibration.Result none = measure(List.of(failsToPrepare, failsToRun)).orElseThrow();
    assertThat(none.chosen()).isNull();
    assertThat(none.entries()).hasSize(2);
  }

  @Test
  void theBudgetHolds() {
    // Passes of 7 ms, preparations of 3 ms: the budget may be overrun by one pass at most.
    List<Fake> cands =
        List.of(
            new Fake("a", 7 * MS, 3 * MS), new Fake("b", 7 * MS, 3 * MS), new Fake("c", 7 * MS));
    Calibration.Result r = measure(cands).orElseThrow();
    assertThat(now.get()).isLessThanOrEqualTo(BUDGET + 7 * MS);
    for (Fake f : cands) {
      // each timed for half its share of what was left: 6, 7 and 11 passes
      assertThat(f.passes).isBetween(Calibration.SETTLED_PASSES, 12);
    }
    assertThat(r.settled()).isTrue();
  }

  @Test
  void theBudgetHoldsWhenAShapeNeverGetsReady() {
    NeverReady stuck = new NeverReady("stuck");
    Fake quick = new Fake("quick", 1 * MS, 1 * MS);
    Calibration.Result r = measure(List.of(stuck, quick)).orElseThrow();
    assertThat(now.get()).isLessThanOrEqualTo(BUDGET + 1 * MS);
    assertThat(stuck.prepared).as("turns while the budget lasts").isGreaterThan(2);
    // It took over 4 times longer than the quickest and still did not get ready: a cliff, known
    // for good, so the result may be cached.
    assertThat(entry(r, "stuck").status()).isEqualTo(Calibration.Status.CLIFF);
    assertThat(r.chosen()).isEqualTo("quick");
    assertThat(r.settled()).isTrue();
  }

  @Test
  void aShapeNotReadyIsTimedAgainByTheNextProcessAlone(@TempDir Path dir) {
    // Every shape needs most of its time to get ready: the timeout says nothing about the shape.
    Fake slowReady = new Fake("slow", 1 * MS, 50 * MS);
    NeverReady stuck = new NeverReady("stuck");
    Calibration.Result first =
        Calibration.calibrate(List.of(slowReady, stuck), dir, "key", BUDGET, now::get)
            .orElseThrow();
    assertThat(first.chosen()).isEqualTo("slow");
    assertThat(first.settled()).isFalse();
    assertThat(entry(first, "stuck").status()).isEqualTo(Calibration.Status.FAILED);
    // kept, provisionally
    assertThat(CalibrationCache.file(dir, "key")).exists();

    // The next process times only the unknown shape, with the whole budget: still not ready
    // after a budget of its own, while the other got ready, it is a cliff; now settled.
    long t0 = now.get();
    int stuckTurns = stuck.prepared;
    Calibration.Result second =
        Calibration.calibrate(List.of(slowReady, stuck), dir, "key", BUDGET, now::get)
            .orElseThrow();
    assertThat(slowReady.prepared).isEqualTo(1);
    assertThat(stuck.prepared).isGreaterThan(stuckTurns);
    assertThat(now.get() - t0).isLessThanOrEqualTo(BUDGET + MS);
    assertThat(entry(second, "stuck").status()).isEqualTo(Calibration.Status.CLIFF);
    assertThat(entry(second, "slow")).isEqualTo(entry(first, "slow"));
    assertThat(second.chosen()).isEqualTo("slow");
    assertThat(second.settled()).isTrue();

    // and the third pays nothing
    long t1 = now.get();
    Calibration.Result third =
        Calibration.calibrate(List.of(slowReady, stuck), dir, "key", BUDGET, now::get)
            .orElseThrow();
    assertThat(third.cached()).isTrue();
    assertThat(now.get()).isEqualTo(t1);
  }

  @Test
  void theCacheIsReusedAndKeyedByMachineAndCandidates(@TempDir Path dir) {
    Fake a = new Fake("a", 2 * MS);
    Fake b = new Fake("b", 9 * MS);
    Calibration.Result first =
        Calibration.calibrate(List.of(a, b), dir, "machine 1", BUDGET, now::get).orElseThrow();
    assertThat(first.cached()).isFalse();
    assertThat(CalibrationCache.file(dir, "machine 1")).exists();
    long t = now.get();

    Calibration.Result second =
        Calibration.calibrate(List.of(a, b), dir, "machine 1", BUDGET, now::get).orElseThrow();
    assertThat(second.cached()).isTrue();
    assertThat(a.prepared).isEqualTo(1);
    assertThat(b.prepared).isEqualTo(1);
    assertThat(now.get()).as("no time spent").isEqualTo(t);
    assertThat(second.entries()).isEqualTo(first.entries());
    assertThat(second.chosen()).isEqualTo("a");
    assertThat(entry(second, "b").status()).isEqualTo(Calibration.Status.CLIFF);

    // another machine key, or another set of candidates: timed again
    Calibration.calibrate(List.of(a, b), dir, "machine 2", BUDGET, now::get).orElseThrow();
    assertThat(a.prepared).isEqualTo(2);
    Fake c = new Fake("c", 1 * MS);
    Calibration.Result third =
        Calibration.calibrate(List.of(a, b, c), dir, "machine 1", BUDGET, now::get).orElseThrow();
    assertThat(third.cached()).isFalse();
    assertThat(third.chosen()).isEqualTo("c");
  }

  @Test
  void aCorruptOrForeignCacheIsIgnoredAndRewritten(@TempDir Path dir) throws IOException {
    List<Fake> cands = List.of(new Fake("a", 2 * MS), new Fake("b", 3 * MS));
    List<String> names = List.of("a", "b");
    Path file = CalibrationCache.file(dir, "key");
    List<byte[]> bad = new ArrayList<>();
    bad.add(new byte[] {0, 1, 2, (byte) 0xff, '\\', 'u', 'z'});
    bad.add("format=embedding-geometry kernel calibration 1\nkey=key\n".getBytes());
    bad.add(
        ("format=embedding-geometry kernel calibration 1\nkey=other\ncandidates=a,b\n"
                + "status.a=OK\ngflops.a=5\nstatus.b=OK\ngflops.b=4\nchosen=a\n")
            .getBytes(StandardCharsets.UTF_8));
    bad.add(
        ("format=embedding-geometry kernel calibration 1\nkey=key\ncandidates=a,b\n"
                + "status.a=OK\ngflops.a=-5\nstatus.b=OK\ngflops.b=4\nchosen=a\n")
            .getBytes(StandardCharsets.UTF_8));
    bad.add(
        ("format=embedding-geometry kernel calibration 1\nkey=key\ncandidates=a,b\n"
                + "status.a=CLIFF\ngflops.a=5\nstatus.b=OK\ngflops.b=4\nchosen=a\n")
            .getBytes(StandardCharsets.UTF_8));
    for (byte[] content : bad) {
      Files.write(file, content);
      assertThat(CalibrationCache.read(file, "key", names)).isEmpty();
      int before = cands.get(0).prepared;
      Calibration.Result r =
          Calibration.calibrate(cands, dir, "key", BUDGET, now::get).orElseThrow();
      assertThat(r.cached()).isFalse();
      assertThat(cands.get(0).prepared).isEqualTo(before + 1);
      // rewritten whole: now a valid cache, and no temporary file left behind
      assertThat(CalibrationCache.read(file, "key", names)).isPresent();
      try (var s = Files.list(dir)) {
        assertThat(s).containsExactly(file);
      }
    }
  }

  @Test
  void theRateGuardWarnsOnceUnderAQuarterOfTheCalibratedRate() {
    RateGuard g = new RateGuard("Vector API, 12x32 tile", 100, 1_000_000);
    // the first window holds the JIT's warm-up: not judged, however slow (1 GFLOP/s)
    assertThat(g.record(1_000_000, 1_000_000)).isNull();
    // 100 GFLOP/s = 100 flops per ns: at the calibrated rate nothing is said
    assertThat(g.record(600_000, 6_000)).isNull();
    assertThat(g.record(600_000, 6_000)).isNull();
    // a window at 30 GFLOP/s: slow, but over a quarter
    assertThat(g.record(1_200_000, 40_000)).isNull();
    // one window at 10 GFLOP/s is a moment, not the job; a fast one after it starts the count anew
    assertThat(g.record(1_000_000, 100_000)).isNull();
    assertThat(g.record(1_000_000, 10_000)).isNull();
    assertThat(g.record(1_000_000, 100_000)).isNull();
    // the second slow window in a row: one warning naming the shape, the rates and the properties
    String w = g.record(1_000_000, 100_000);
    assertThat(w)
        .contains("12x32")
        .contains("10.0 GFLOP/s")
        .contains("100.0 GFLOP/s")
        .contains("-Dembgeo.tile.rows=")
        .contains("-Dembgeo.calibrate=false");
    assertThat(g.record(1_000_000, 100_000)).isNull();
  }

  @Test
  void theRealKernelsCalibrateEndToEnd(@TempDir Path dir) {
    Optional<SimdProvider.Vector> v = SimdProvider.anyVector();
    assumeTrue(v.isPresent(), "jdk.incubator.vector not present");
    List<SimdProvider.TileCandidate> cands = SimdProvider.tileCandidates(v.get());
    assertThat(cands).hasSize(v.get().tileRows().length);
    String key = Calibration.machineKey(v.get().bits(), v.get().fma());
    Optional<Calibration.Result> r =
        Calibration.calibrate(cands, dir, key, 60 * MS, System::nanoTime);
    assertThat(r).isPresent();
    assertThat(r.get().entries()).hasSize(cands.size());
    // On a busy machine nothing may get compiled in 60 ms: then there is no choice, no cache.
    r.filter(res -> res.chosen() != null)
        .ifPresent(
            res -> {
              assertThat(res.entries()).hasSize(cands.size());
              assertThat(res.best().status()).isEqualTo(Calibration.Status.OK);
              assertThat(res.best().gflops()).isPositive();
              if (res.settled()) {
                Optional<Calibration.Result> again =
                    Calibration.calibrate(cands, dir, key, 60 * MS, System::nanoTime);
                assertThat(again.orElseThrow().cached()).isTrue();
                assertThat(again.get().chosen()).isEqualTo(res.chosen());
              }
            });
    if (r.get().chosen() == null) {
      assertThat(CalibrationCache.file(dir, key)).doesNotExist();
    }
    // Whatever was chosen, the product it computed is the same, bit for bit, for every shape.
    float[] a = new float[Calibration.M * Calibration.K];
    float[] b = new float[Calibration.N * Calibration.K];
    for (int i = 0; i < a.length; i++) {
      a[i] = (float) Math.sin(i * 0.37);
    }
    for (int i = 0; i < b.length; i++) {
      b[i] = (float) Math.cos(i * 0.11);
    }
    float[] first = null;
    for (SimdProvider.TileCandidate cand : cands) {
      float[] c = new float[Calibration.M * Calibration.N];
      cand.pass(a, b, c).run();
      if (first == null) {
        first = c;
        // against float64 sums: each is a float32 sum of K products of numbers under 1
        for (int i = 0; i < Calibration.M; i += 37) {
          for (int j = 0; j < Calibration.N; j += 13) {
            double s = 0;
            for (int t = 0; t < Calibration.K; t++) {
              s += (double) a[i * Calibration.K + t] * b[j * Calibration.K + t];
            }
            assertThat((double) c[i * Calibration.N + j])
                .isCloseTo(s, org.assertj.core.data.Offset.offset(1e-4 * Calibration.K));
          }
        }
      } else {
        for (int e = 0; e < c.length; e++) {
          assertThat(Float.floatToRawIntBits(c[e]))
              .as("%s at %d", cand.name(), e)
              .isEqualTo(Float.floatToRawIntBits(first[e]));
        }
      }
    }
  }
}
