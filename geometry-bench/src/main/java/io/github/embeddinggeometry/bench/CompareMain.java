package io.github.embeddinggeometry.bench;

import io.github.embeddinggeometry.Covariance;
import io.github.embeddinggeometry.EmbeddingMatrix;
import io.github.embeddinggeometry.ProgressListener;
import io.github.embeddinggeometry.analysis.DistanceStatistics;
import io.github.embeddinggeometry.backend.Backends;
import io.github.embeddinggeometry.backend.ComputeBackend;
import io.github.embeddinggeometry.backend.spi.TileKernel;
import io.github.embeddinggeometry.backend.spi.cpu.CpuEngine;
import io.github.embeddinggeometry.blas.internal.BlasBackend;
import io.github.embeddinggeometry.frame.Pca;
import io.github.embeddinggeometry.frame.PcaResult;
import io.github.embeddinggeometry.frame.ReferenceFrame;
import io.github.embeddinggeometry.internal.linalg.SymmetricEigen;
import io.github.embeddinggeometry.metric.DistanceKernel;
import io.github.embeddinggeometry.metric.MetricSpace;
import io.github.embeddinggeometry.metric.Neighbours;
import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * The Java side of {@code geometry-bench/compare.sh}: times one workload on the inputs that {@code
 * compare.py gen} wrote, and prints one machine-readable line per result:
 *
 * <pre>RESULT workload=kernel side=java shape=8192x8192x2560 gflops=... best_s=... median_s=...
 * </pre>
 *
 * <p>Each workload runs once untimed (JIT warm-up, page faults of fresh arrays), then {@code
 * --reps} times timed; "best" is the fastest repetition, as for the numpy side. Loading the input
 * file is never timed. This is a benchmark driver, not library code, so it prints.
 *
 * <p>Usage: {@code CompareMain WORKLOAD --data DIR [--reps N] [--stream-queries Q] [--backend
 * NAME]} with WORKLOAD one of kernel, knn, cov, pca, pairwise, knn-full, and NAME the backend under
 * test (default cpu; blas times OpenBLAS's sgemm under the same engine, kernel included).
 */
public final class CompareMain {
  static final int K = 20;

  private final Path data;
  private final int reps;
  private final int streamQueries;

  /** The backend under test (field name from the days it was always the CPU one). */
  private final ComputeBackend cpu;

  /** The tile kernel of that backend, timed alone by the kernel workload and the bare GEMM. */
  private final TileKernel kern;

  private CompareMain(Path data, int reps, int streamQueries, String backend) {
    this.data = data;
    this.reps = reps;
    this.streamQueries = streamQueries;
    if (backend.equals("blas")) {
      BlasBackend b = new BlasBackend();
      this.cpu = Backends.checked(b);
      this.kern = b.tileKernel();
    } else {
      this.cpu = backend.equals("cpu") ? Backends.cpu() : Backends.create(backend);
      this.kern = CpuEngine.kernel();
    }
  }

  /** Entry point; see the class comment for the arguments. */
  public static void main(String[] args) throws Exception {
    if (args.length < 1) {
      usage("no workload given");
    }
    if (args[0].equals("calibration")) {
      // The CPU kernel's calibration in this JVM's settings, for compare.py's table.
      for (String line : Backends.cpuReport()) {
        System.out.println("CALIBRATION " + line);
      }
      return;
    }
    Path data = null;
    int reps = 3;
    int streamQueries = 0;
    String backend = "cpu";
    for (int i = 1; i < args.length; i++) {
      if (i + 1 >= args.length) {
        usage("option " + args[i] + " needs a value");
      }
      switch (args[i]) {
        case "--data" -> data = Path.of(args[++i]);
        case "--reps" -> reps = Integer.parseInt(args[++i]);
        case "--stream-queries" -> streamQueries = Integer.parseInt(args[++i]);
        case "--backend" -> backend = args[++i];
        default -> usage("unknown option " + args[i]);
      }
    }
    if (data == null) {
      usage("--data DIR is required");
    }
    CompareMain m = new CompareMain(data, Math.max(1, reps), streamQueries, backend);
    System.out.println(
        "# java side: "
            + m.cpu.description()
            + ", "
            + Runtime.getRuntime().availableProcessors()
            + " processors, max heap "
            + Runtime.getRuntime().maxMemory() / (1 << 20)
            + " MiB, "
            + System.getProperty("java.vm.name")
            + " "
            + System.getProperty("java.version"));
    switch (args[0]) {
      case "kernel" -> m.kernel();
      case "knn" -> m.knn();
      case "cov" -> m.covariance();
      case "pca" -> m.pca();
      case "pairwise" -> m.pairwise();
      case "knn-full", "stream" -> m.knnFull();
      default -> usage("unknown workload " + args[0]);
    }
  }

  private static void usage(String problem) {
    System.err.println("CompareMain: " + problem);
    System.err.println(
        "usage: CompareMain kernel|knn|cov|pca|pairwise|knn-full --data DIR | CompareMain calibration"
            + " [--reps N] [--stream-queries Q] [--backend cpu|blas|NAME]");
    System.exit(2);
  }

  private EmbeddingMatrix input(String name) throws IOException {
    return BenchData.read(data.resolve(name + ".safetensors"), "x");
  }

  // ------------------------------------------------------------------ workloads

  private void kernel() throws Exception {
    EmbeddingMatrix a = input("kernel_a");
    EmbeddingMatrix b = input("kernel_b");
    int m = a.rows();
    int n = b.rows();
    int k = a.dim();
    float[] c = new float[Math.multiplyExact(m, n)];
    Timed<float[]> t =
        timed(
            reps,
            () -> {
              CpuEngine.multiplyTransposed(kern, a, 0, m, b, 0, n, c, 0, n, ProgressListener.NONE);
              return c;
            });
    double flop = 2.0 * m * n * k;
    result("kernel", t, "shape", m + "x" + n + "x" + k, "gflops", fmt(flop / t.best() / 1e9));
  }

  private void knn() throws Exception {
    EmbeddingMatrix x = input("minilm");
    DistanceKernel kernel = cpu.distanceKernel(MetricSpace.euclidean());
    Timed<Neighbours> t = timed(reps, () -> kernel.nearest(x, K, ProgressListener.NONE));
    writeIds(t.last(), data.resolve("knn_java_ids.i32"));
    double flop = 2.0 * x.rows() * x.rows() * x.dim();
    // the self k-NN multiplies the tiles on and above the diagonal: N^2 d flops of GEMM
    result(
        "knn",
        t,
        concat(
            new Object[] {
              "shape", x.rows() + "x" + x.dim(), "k", K, "gflops", fmt(flop / t.best() / 1e9)
            },
            bareGemm(x, (double) x.rows() * x.rows() * x.dim(), t)));
  }

  private void covariance() throws Exception {
    EmbeddingMatrix w = input("cov_w");
    // The mean is part of the timed work, as W.mean(0) is on the numpy side.
    Timed<Covariance> t = timed(reps, () -> cpu.covariance(w, ProgressListener.NONE));
    // Useful flops of the symmetric product: d(d+1)/2 dot products of length N, 2 flops each,
    // reported as N d^2 for both sides.
    double flop = (double) w.rows() * w.dim() * w.dim();
    result("cov", t, "shape", w.rows() + "x" + w.dim(), "gflops", fmt(flop / t.best() / 1e9));
  }

  private void pca() throws Exception {
    EmbeddingMatrix w = input("cov_w");
    String shape = w.rows() + "x" + w.dim();
    Timed<PcaResult> top = timed(reps, () -> Pca.top(w, 3, cpu, ProgressListener.NONE));
    pcaResult("pca-top3", top, shape);
    Timed<PcaResult> full =
        timed(
            reps,
            () -> {
              PcaResult r = Pca.fit(w, cpu, ProgressListener.NONE);
              ReferenceFrame frame = r.frame();
              if (frame.dim() != w.dim()) {
                throw new IllegalStateException("frame of dim " + frame.dim());
              }
              return r;
            });
    pcaResult("pca-full", full, shape);
    eigh(w);
  }

  /**
   * The eigensolver alone, on the covariance of the pca input. The covariance and our leading
   * eigenpairs go to {@code eigh_cov.f64} and {@code eigh_java_top.f64} (little-endian doubles), so
   * that compare.py times numpy's eigh on the very same matrix and checks our eigenpairs against
   * LAPACK's.
   */
  private void eigh(EmbeddingMatrix w) throws Exception {
    int d = w.dim();
    double[] c = cpu.covariance(w, ProgressListener.NONE).matrix();
    Timed<SymmetricEigen> t =
        timed(reps, () -> SymmetricEigen.decompose(c, d, ProgressListener.NONE));
    result("eigh", t, "shape", d + "x" + d);
    writeDoubles(data.resolve("eigh_cov.f64"), c);
    int k = Math.min(d, 100);
    double[] top = new double[k + d * k]; // k values, then the d x k vectors row-major
    SymmetricEigen e = t.last();
    System.arraycopy(e.values(), 0, top, 0, k);
    for (int i = 0; i < d; i++) {
      System.arraycopy(e.vectors(), i * d, top, k + i * k, k);
    }
    writeDoubles(data.resolve("eigh_java_top.f64"), top);
  }

  private static void writeDoubles(Path file, double[] values) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(values.length * Double.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    b.asDoubleBuffer().put(values);
    try (FileChannel ch =
        FileChannel.open(
            file,
            StandardOpenOption.CREATE,
            StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING)) {
      while (b.hasRemaining()) {
        ch.write(b);
      }
    }
  }

  private void pcaResult(String workload, Timed<PcaResult> t, String shape) {
    PcaResult r = t.last();
    result(
        workload,
        t,
        "shape",
        shape,
        "pr",
        String.format(Locale.ROOT, "%.6f", r.participationRatio()),
        "lambda1",
        g(r.eigenvalue(0)),
        "lambda2",
        g(r.eigenvalue(1)),
        "lambda3",
        g(r.eigenvalue(2)));
  }

  private void pairwise() throws Exception {
    EmbeddingMatrix x = input("pairwise_x");
    DistanceKernel kernel = cpu.distanceKernel(MetricSpace.euclidean());
    Timed<DistanceStatistics> t =
        timed(reps, () -> DistanceStatistics.of(x, kernel, ProgressListener.NONE));
    DistanceStatistics s = t.last();
    // the upper-triangle stream: N (N - 1) / 2 pairs, 2 d flops each
    Object[] bare = bareGemm(x, (double) x.rows() * (x.rows() - 1) * x.dim(), t);
    result(
        "pairwise",
        t,
        "kernel_gflops",
        bare[1],
        "bare_gemm_s",
        bare[3],
        "overhead",
        bare[5],
        "shape",
        x.rows() + "x" + x.dim(),
        "count",
        s.count(),
        "min",
        g(s.min()),
        "median",
        g(s.median()),
        "mean",
        g(s.mean()),
        "max",
        g(s.max()),
        "zeros",
        s.exactZeroPairs());
  }

  /**
   * k-NN of the whole bf16 vocabulary under the heap the script sets (-Xmx4g at full size), next to
   * the time the bare GEMM work of the same k-NN takes at the kernel's rate, measured in this JVM
   * just before on rows of the same matrix (8192 x 8192, as the kernel workload). The ratio is the
   * cost of everything but the multiply-adds: packing, the distance epilogue, the top-k heaps and
   * the float64 refinement. The self k-NN multiplies only the tiles on and above the diagonal, so
   * its bare GEMM work is {@code N^2 d} flops (half of {@code 2 N^2 d}); a subset of Q query rows
   * runs the general path, {@code 2 Q N d}. The bf16 to float32 load is timed separately; the k-NN
   * runs once after a small warm-up, because at full size one run is 59 TFLOP.
   */
  private void knnFull() throws Exception {
    long t0 = System.nanoTime();
    EmbeddingMatrix w = BenchData.read(data.resolve("stream_w.safetensors"), "W");
    double loadSeconds = (System.nanoTime() - t0) / 1e9;
    int n = w.rows();
    int d = w.dim();
    int q = streamQueries <= 0 || streamQueries >= n ? n : streamQueries;
    double kernelGflops = kernelRate(w);
    EmbeddingMatrix queries = q == n ? w : w.slice(0, q);
    DistanceKernel kernel = cpu.distanceKernel(MetricSpace.euclidean());
    kernel.nearest(w.slice(0, Math.min(n, 256)), w, K, ProgressListener.NONE);
    Timed<Neighbours> t =
        timed(
            0,
            1,
            () ->
                q == n
                    ? kernel.nearest(w, K, ProgressListener.NONE)
                    : kernel.nearest(queries, w, K, ProgressListener.NONE));
    double gemmFlop = q == n ? (double) n * n * d : 2.0 * q * n * d;
    double bare = gemmFlop / (kernelGflops * 1e9);
    result(
        "knn-full",
        t,
        "shape",
        n + "x" + d + "-bf16",
        "queries",
        q,
        "k",
        K,
        "gflops",
        fmt(2.0 * q * n * d / t.best() / 1e9),
        "gemm_tflop",
        fmt(gemmFlop / 1e12),
        "kernel_gflops",
        fmt(kernelGflops),
        "bare_gemm_s",
        fmt(bare),
        "overhead",
        String.format(Locale.ROOT, "%.4f", t.best() / bare),
        "load_s",
        fmt(loadSeconds),
        "max_heap_mib",
        Runtime.getRuntime().maxMemory() / (1 << 20));
  }

  /**
   * GFLOP/s of {@link CpuEngine#multiplyTransposed} on an up to 8192 x 8192 product of rows of
   * {@code w} (best of five after a warm-up: at depth 384 one product takes 0.2 s, and best of
   * three spread by 16% between JVMs while the k-NN it is set against spread by 2%), the rate the
   * k-NN's multiply-adds would run at with nothing else.
   */
  private double kernelRate(EmbeddingMatrix w) throws Exception {
    int m = Math.min(8192, w.rows() / 2);
    float[] c = new float[m * m];
    Timed<float[]> t =
        timed(
            5,
            () -> {
              CpuEngine.multiplyTransposed(
                  kern, w, 0, m, w, m, 2 * m, c, 0, m, ProgressListener.NONE);
              return c;
            });
    return 2.0 * m * m * w.dim() / t.best() / 1e9;
  }

  /**
   * The kernel's rate on rows of {@code x} and what {@code gemmFlop} would take at it, next to the
   * workload's best time: {@code kernel_gflops, bare_gemm_s, overhead} as key-value pairs.
   */
  private Object[] bareGemm(EmbeddingMatrix x, double gemmFlop, Timed<?> t) throws Exception {
    double rate = kernelRate(x);
    double bare = gemmFlop / (rate * 1e9);
    return new Object[] {
      "kernel_gflops",
      fmt(rate),
      "bare_gemm_s",
      String.format(Locale.ROOT, "%.4f", bare),
      "overhead",
      String.format(Locale.ROOT, "%.3f", t.best() / bare)
    };
  }

  private static Object[] concat(Object[] a, Object[] b) {
    Object[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  // ------------------------------------------------------------------ helpers

  /** Base row positions, N x K, as raw little-endian int32 for compare.py. */
  private static void writeIds(Neighbours nb, Path file) throws IOException {
    try (OutputStream os = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16);
        DataOutputStream out = new DataOutputStream(os)) {
      for (int r = 0; r < nb.rows(); r++) {
        for (int j = 0; j < nb.k(); j++) {
          out.writeInt(Integer.reverseBytes(nb.index(r, j)));
        }
      }
    }
  }

  record Timed<T>(T last, double[] seconds) {
    double best() {
      return Arrays.stream(seconds).min().orElseThrow();
    }

    double median() {
      double[] s = seconds.clone();
      Arrays.sort(s);
      int m = s.length / 2;
      return s.length % 2 == 1 ? s[m] : (s[m - 1] + s[m]) / 2;
    }
  }

  private static <T> Timed<T> timed(int reps, Callable<T> work) throws Exception {
    return timed(1, reps, work);
  }

  private static <T> Timed<T> timed(int warmups, int reps, Callable<T> work) throws Exception {
    for (int i = 0; i < warmups; i++) {
      work.call();
    }
    double[] s = new double[reps];
    T last = null;
    for (int i = 0; i < reps; i++) {
      last = null; // let the previous result go before the next run allocates its own
      System.gc();
      long t0 = System.nanoTime();
      last = work.call();
      s[i] = (System.nanoTime() - t0) / 1e9;
    }
    return new Timed<>(last, s);
  }

  private static void result(String workload, Timed<?> t, Object... kv) {
    StringBuilder sb = new StringBuilder("RESULT workload=").append(workload).append(" side=java");
    for (int i = 0; i < kv.length; i += 2) {
      sb.append(' ').append(kv[i]).append('=').append(kv[i + 1]);
    }
    sb.append(" best_s=").append(String.format(Locale.ROOT, "%.4f", t.best()));
    sb.append(" median_s=").append(String.format(Locale.ROOT, "%.4f", t.median()));
    sb.append(" reps=").append(t.seconds().length);
    System.out.println(sb);
  }

  private static String fmt(double v) {
    return String.format(Locale.ROOT, "%.2f", v);
  }

  private static String g(double v) {
    return String.format(Locale.ROOT, "%.8g", v);
  }
}
