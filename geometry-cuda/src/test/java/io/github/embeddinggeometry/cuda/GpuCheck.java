package io.github.embeddinggeometry.cuda;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import io.github.embeddinggeometry.EmbeddingMatrix;
import io.github.embeddinggeometry.ProgressListener;
import io.github.embeddinggeometry.backend.Backends;
import io.github.embeddinggeometry.cuda.internal.ChunkPlan;
import io.github.embeddinggeometry.cuda.internal.CudaSession;
import io.github.embeddinggeometry.cuda.internal.DeviceBench;
import io.github.embeddinggeometry.cuda.internal.MemoryBudget;
import io.github.embeddinggeometry.metric.CausalMetric;
import io.github.embeddinggeometry.metric.DistanceKernel;
import io.github.embeddinggeometry.metric.MetricSpace;
import io.github.embeddinggeometry.metric.Neighbours;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;

/**
 * The entry point of the device jar (gpu-check.sh): runs the GPU agreement suite (*IT) through the
 * JUnit launcher, then the GPU benchmarks of issue 7 and the device causal map against the CPU map,
 * and prints one table. Without a GPU it prints why and the skipped tests. A test tool, so it
 * prints; the library does not.
 *
 * <p>Properties: {@code check.n}, {@code check.d}, {@code check.m} (benchmark sizes, default
 * 151,936, 2,560, 16,384), {@code check.k} (20), {@code check.torch} (file with {@code
 * torch_mm_seconds=} from torch_mm.py), {@code check.samples} (rows checked against the CPU, 32).
 */
public final class GpuCheck {
  private final List<String[]> table = new ArrayList<>();
  private boolean failed;

  public static void main(String[] args) throws Exception {
    GpuCheck c = new GpuCheck();
    c.run();
    System.exit(c.failed ? 1 : 0);
  }

  private void row(String check, String result, String target, Boolean pass) {
    table.add(new String[] {check, result, target, pass == null ? "-" : pass ? "PASS" : "FAIL"});
    if (Boolean.FALSE.equals(pass)) {
      failed = true;
    }
  }

  private void run() throws Exception {
    System.out.println(
        "java "
            + System.getProperty("java.version")
            + " on "
            + System.getProperty("os.name")
            + " "
            + System.getProperty("os.arch"));
    List<String> reasons = CudaBackend.unavailableReasons();
    if (reasons.isEmpty()) {
      System.out.println("CUDA probe: usable");
    } else {
      System.out.println("CUDA probe: not usable here:");
      reasons.forEach(r -> System.out.println("  - " + r));
    }
    runTests();
    if (reasons.isEmpty()) {
      benchmarks();
    } else {
      row("GPU benchmarks", "skipped: no usable GPU", "-", null);
    }
    print();
  }

  private void runTests() {
    LauncherDiscoveryRequest request =
        LauncherDiscoveryRequestBuilder.request()
            // Named, not scanned: scanning a shaded jar would try to load every dependency's
            // classes.
            .selectors(selectClass(CudaAgreementIT.class), selectClass(CudaContractsIT.class))
            .build();
    Launcher launcher = LauncherFactory.create();
    SummaryGeneratingListener summary = new SummaryGeneratingListener();
    List<String> skipped = new ArrayList<>();
    Set<String> reasons = new java.util.LinkedHashSet<>();
    TestExecutionListener skips =
        new TestExecutionListener() {
          @Override
          public void executionSkipped(TestIdentifier id, String reason) {
            skipped.add(id.getDisplayName() + ": " + reason);
          }

          @Override
          public void executionFinished(TestIdentifier id, TestExecutionResult result) {
            if (result.getStatus() == TestExecutionResult.Status.ABORTED) {
              result.getThrowable().ifPresent(t -> reasons.add(String.valueOf(t.getMessage())));
            }
          }
        };
    launcher.execute(request, summary, skips);
    var s = summary.getSummary();
    System.out.println();
    System.out.println(
        "agreement suite: "
            + s.getTestsFoundCount()
            + " found, "
            + s.getTestsSucceededCount()
            + " passed, "
            + s.getTestsAbortedCount()
            + " aborted (skipped by assumption), "
            + s.getTestsSkippedCount()
            + " skipped, "
            + s.getTestsFailedCount()
            + " failed");
    for (var f : s.getFailures()) {
      System.out.println(
          "FAILED " + f.getTestIdentifier().getDisplayName() + ": " + f.getException());
      f.getException().printStackTrace(System.out);
    }
    reasons.forEach(r -> System.out.println("  skip reason: " + r));
    skipped.forEach(r -> System.out.println("  skipped: " + r));
    long real = s.getTestsFailedCount();
    row(
        "agreement suite (*IT)",
        s.getTestsSucceededCount()
            + " passed, "
            + s.getTestsAbortedCount()
            + " skipped, "
            + real
            + " failed",
        "0 failed",
        real == 0 ? (s.getTestsSucceededCount() > 0 ? Boolean.TRUE : null) : Boolean.FALSE);
  }

  private static int intProp(String name, int def) {
    return Integer.parseInt(System.getProperty(name, Integer.toString(def)));
  }

  /** n x d rows, Gaussian, rounded to bf16 (as a bf16 checkpoint widened to float32). */
  static EmbeddingMatrix bf16Rows(int n, int d, long seed) {
    float[] x = new float[Math.multiplyExact(n, d)];
    IntStream.range(0, n)
        .parallel()
        .forEach(
            r -> {
              SplittableRandom rnd = new SplittableRandom(seed + r);
              for (int c = 0; c < d; c++) {
                x[r * d + c] =
                    io.github.embeddinggeometry.testing.Float64Oracle.bf16(
                        (float) (rnd.nextGaussian() * 0.02));
              }
            });
    return EmbeddingMatrix.wrap(x, n, d);
  }

  private void benchmarks() throws Exception {
    int n = intProp("check.n", 151_936);
    int d = intProp("check.d", 2_560);
    int m = Math.min(n, intProp("check.m", 16_384));
    int k = intProp("check.k", 20);
    System.out.println();
    System.out.printf(Locale.ROOT, "generating %,d x %,d bf16-rounded rows ...%n", n, d);
    EmbeddingMatrix w = bf16Rows(n, d, 7);

    // 1. Distance-block throughput, device only, vs torch.mm FP32 timed by torch_mm.py.
    try (CudaSession session = CudaSession.open(false)) {
      System.out.println(session.describe());
      DeviceBench.Result r = DeviceBench.distanceBlocks(session, w, m, 3);
      String shape = String.format(Locale.ROOT, "%,d x %,d x %,d", m, n, d);
      row(
          "GEMM " + shape + " (" + r.gemm() + ")",
          String.format(
              Locale.ROOT, "%.3f s, %.1f TFLOP/s", r.gemmSeconds(), r.gemmTflops(m, n, d)),
          "-",
          null);
      row(
          "distance blocks (GEMM + epilogue)",
          String.format(
              Locale.ROOT, "%.3f s, %.1f TFLOP/s", r.blockSeconds(), r.blockTflops(m, n, d)),
          "-",
          null);
      String torch = System.getProperty("check.torch");
      Double torchSeconds = torch == null ? null : readTorch(Path.of(torch));
      if (torchSeconds != null) {
        double ratio = torchSeconds / r.blockSeconds();
        row(
            "torch.mm FP32 same shape",
            String.format(
                Locale.ROOT,
                "%.3f s, %.1f TFLOP/s",
                torchSeconds,
                2.0 * m * n * d / torchSeconds / 1e12),
            "-",
            null);
        row(
            "distance blocks / torch.mm",
            String.format(Locale.ROOT, "%.2f x", ratio),
            ">= 0.80 x",
            ratio >= 0.8);
      } else {
        row("torch.mm FP32 same shape", "not measured (no torch result)", ">= 0.80 x", null);
      }
    }

    // 2. k-NN end to end: backend start excluded, upload + norms + blocks + top-k included.
    long t0 = System.nanoTime();
    try (CudaBackend gpu = CudaBackend.create(CudaPrecision.FP32)) {
      double start = (System.nanoTime() - t0) / 1e9;
      ChunkPlan plan = ChunkPlan.plan(n, n, d, k, true, MemoryBudget.budget(Long.MAX_VALUE / 2, 0));
      try (DistanceKernel kern = gpu.distanceKernel(MetricSpace.euclidean())) {
        long t1 = System.nanoTime();
        Neighbours nn = kern.nearest(w, k, ProgressListener.NONE);
        double knn = (System.nanoTime() - t1) / 1e9;
        row(
            String.format(Locale.ROOT, "k-NN k=%d of %,d x %,d (end to end)", k, n, d),
            String.format(Locale.ROOT, "%.2f s (+ %.2f s backend start)", knn, start),
            "< 10 s",
            knn < 10);
        row(
            "k-NN planned GPU memory",
            String.format(
                Locale.ROOT,
                "%.2f GiB (query chunk %d)",
                plan.bytes() / (double) (1L << 30),
                plan.queryRows()),
            "< 16 GB",
            plan.bytes() < 16e9);
        agreement(w, nn, k);
      }
      causalMap(gpu, w.slice(0, m));
    }
  }

  /**
   * The causal row map on the device against the CPU backend's map, on the first m rows and M = (C
   * + ridge I)^-1 of their covariance (ridge 1e-6 of the mean variance): every value within one
   * float32 ulp, and the share of bit-equal values reported.
   */
  private void causalMap(CudaBackend gpu, EmbeddingMatrix rows) {
    EmbeddingMatrix x = rows.compact();
    var cov = Backends.cpu().covariance(x, ProgressListener.NONE);
    CausalMetric metric =
        CausalMetric.inverseOf(cov, 1e-6 * cov.trace() / cov.dim(), ProgressListener.NONE);
    long t0 = System.nanoTime();
    EmbeddingMatrix got = gpu.mapRows(x, metric, ProgressListener.NONE);
    double seconds = (System.nanoTime() - t0) / 1e9;
    EmbeddingMatrix want = Backends.cpu().mapRows(x, metric, ProgressListener.NONE);
    float[] g = got.backingArray();
    float[] c = want.backingArray();
    long same = 0;
    long beyond = 0;
    for (int i = 0; i < c.length; i++) {
      same += Float.floatToRawIntBits(g[i]) == Float.floatToRawIntBits(c[i]) ? 1 : 0;
      beyond += Math.abs(g[i] - c[i]) <= Math.ulp(c[i]) ? 0 : 1;
    }
    row(
        String.format(Locale.ROOT, "causal map on the device, %,d x %,d", x.rows(), x.dim()),
        String.format(
            Locale.ROOT,
            "%.3f s; %.4f%% bit-equal to the CPU map, %d values beyond 1 ulp",
            seconds,
            100.0 * same / c.length,
            beyond),
        "0 beyond 1 ulp",
        beyond == 0);
  }

  /**
   * Sampled rows of the GPU k-NN against the CPU backend: same sets except ties, 1e-5 distances.
   */
  private void agreement(EmbeddingMatrix w, Neighbours nn, int k) {
    int samples = intProp("check.samples", 32);
    int[] ids = new int[samples];
    SplittableRandom rnd = new SplittableRandom(11);
    for (int i = 0; i < samples; i++) {
      ids[i] = rnd.nextInt(w.rows());
    }
    EmbeddingMatrix q = w.select(ids);
    Neighbours cpu =
        Backends.cpu()
            .distanceKernel(MetricSpace.euclidean())
            .nearest(q, w, k, ProgressListener.NONE);
    int bad = 0;
    double maxDiff = 0;
    for (int i = 0; i < q.rows(); i++) {
      int row = q.id(i);
      float kth = cpu.distance(i, k - 1);
      float tol = (float) Math.max(1e-5, 1e-4 * kth);
      Set<Integer> a = new HashSet<>();
      Set<Integer> b = new HashSet<>();
      for (int r = 0; r < k; r++) {
        // In units of the contract's tolerance: 1e-5 absolute or 1e-4 relative.
        double c = cpu.distance(i, r);
        maxDiff = Math.max(maxDiff, Math.abs(nn.distance(row, r) - c) / Math.max(1e-5, 1e-4 * c));
        if (nn.distance(row, r) < kth - tol) {
          a.add(nn.index(row, r));
        }
        if (cpu.distance(i, r) < kth - tol) {
          b.add(cpu.index(i, r));
        }
      }
      if (!a.equals(b)) {
        bad++;
      }
    }
    row(
        "k-NN vs CPU on " + q.rows() + " sampled rows",
        bad
            + " rows differ, max dist diff "
            + String.format(Locale.ROOT, "%.2f", maxDiff)
            + " x tol",
        "0 differ, <= 1 x tol",
        bad == 0 && maxDiff <= 1);
  }

  private static Double readTorch(Path p) throws java.io.IOException {
    if (!Files.exists(p)) {
      return null;
    }
    for (String line : Files.readAllLines(p)) {
      if (line.startsWith("torch_mm_seconds=")) {
        return Double.parseDouble(line.substring("torch_mm_seconds=".length()).trim());
      }
    }
    return null;
  }

  private void print() {
    int[] w = {5, 6, 6, 4};
    for (String[] r : table) {
      for (int i = 0; i < 4; i++) {
        w[i] = Math.max(w[i], r[i].length());
      }
    }
    String fmt = "| %-" + w[0] + "s | %-" + w[1] + "s | %-" + w[2] + "s | %-" + w[3] + "s |%n";
    System.out.println();
    System.out.printf(fmt, "check", "result", "target", "pass");
    System.out.printf(fmt, "-".repeat(w[0]), "-".repeat(w[1]), "-".repeat(w[2]), "-".repeat(w[3]));
    for (String[] r : table) {
      System.out.printf(fmt, (Object[]) r);
    }
  }
}
