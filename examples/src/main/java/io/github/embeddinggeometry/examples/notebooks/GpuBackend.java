package io.github.embeddinggeometry.examples.notebooks;

import static io.github.embeddinggeometry.ProgressListener.NONE;

import io.github.embeddinggeometry.EmbeddingMatrix;
import io.github.embeddinggeometry.backend.BackendProvider;
import io.github.embeddinggeometry.backend.Backends;
import io.github.embeddinggeometry.backend.ComputeBackend;
import io.github.embeddinggeometry.io.MiniLm;
import io.github.embeddinggeometry.metric.DistanceKernel;
import io.github.embeddinggeometry.metric.MetricSpace;
import io.github.embeddinggeometry.metric.Neighbours;
import java.io.IOException;
import java.io.PrintStream;
import java.util.List;
import java.util.Locale;

/**
 * The notebooks' "detect device" cell with this library: the same code runs on an NVIDIA GPU when
 * geometry-cuda finds a usable one, and on the CPU otherwise. This example lists every backend and
 * why it can or cannot run here, runs a k-NN search on the best one, and, when that is a GPU, runs
 * it again on the CPU and compares. On a machine without a GPU it says why and uses the CPU; it
 * never fails for lack of one. Run it with {@code ./geometry example gpu}.
 *
 * @since 0.1
 */
public final class GpuBackend {
  private GpuBackend() {}

  /** Neighbours per token. */
  static final int K = 10;

  /** Runs the comparison on the first 4,096 tokens of all-MiniLM-L6-v2. */
  public static void main(String[] args) throws IOException {
    PrintStream out = System.out;
    out.println("Backends on the class path:");
    for (BackendProvider p : Backends.providers()) {
      List<String> why = p.unavailableReasons();
      String state = why.isEmpty() ? "can run here" : "cannot run here: " + String.join("; ", why);
      out.printf(Locale.ROOT, "  %-5s (priority %d) %s%n", p.name(), p.priority(), state);
    }
    try (MiniLm.Dataset data = MiniLm.load();
        // "best": the available backend of highest priority (CUDA before CPU). Owned: closed here.
        ComputeBackend best = Backends.create("best")) {
      out.println("Using: " + best.description());
      EmbeddingMatrix w = data.matrix().slice(0, 4096);
      Neighbours chosen = nearest(best, w);
      if (best.name().equals("cpu")) {
        out.println("No GPU backend here: the CPU ran it; with a GPU the same code runs there.");
        return;
      }
      // A second opinion from the CPU: ids must agree except within float32 rounding of a tie.
      Neighbours cpu = nearest(Backends.cpu(), w);
      int same = 0;
      for (int i = 0; i < w.rows(); i++) {
        for (int r = 0; r < K; r++) {
          same += chosen.id(i, r) == cpu.id(i, r) ? 1 : 0;
        }
      }
      out.printf(
          Locale.ROOT,
          "%s and CPU agree on %,d of %,d neighbours%n",
          best.name(),
          same,
          K * w.rows());
    }
  }

  /** The K nearest tokens of every row in cosine similarity. */
  static Neighbours nearest(ComputeBackend backend, EmbeddingMatrix w) {
    long t0 = System.nanoTime();
    try (DistanceKernel cosine = backend.distanceKernel(MetricSpace.cosine())) {
      Neighbours n = cosine.nearest(w, K, NONE);
      System.out.printf(
          Locale.ROOT,
          "  %s: %d-NN of %,d tokens in %.2f s%n",
          backend.name(),
          K,
          w.rows(),
          (System.nanoTime() - t0) / 1e9);
      return n;
    }
  }
}
