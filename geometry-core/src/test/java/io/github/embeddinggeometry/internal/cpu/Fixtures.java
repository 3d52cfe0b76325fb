package io.github.embeddinggeometry.internal.cpu;

import io.github.embeddinggeometry.metric.CausalMetric;
import io.github.embeddinggeometry.metric.MetricSpace;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Kernels and metrics every CPU test runs over. */
final class Fixtures {
  private Fixtures() {}

  /** The scalar kernel always; the Vector API kernel when the module is present. */
  static List<TileKernel> kernels() {
    List<TileKernel> out = new ArrayList<>();
    out.add(Kernels.scalar());
    Kernels.vectorKernel().ifPresent(out::add);
    return out;
  }

  /** A random SPD tensor {@code A^T A / d + 0.5 I}. */
  static CausalMetric randomMetric(Random rnd, int d) {
    double[] a = new double[d * d];
    for (int i = 0; i < a.length; i++) {
      a[i] = rnd.nextGaussian();
    }
    double[] m = new double[d * d];
    for (int i = 0; i < d; i++) {
      for (int j = 0; j < d; j++) {
        double s = 0;
        for (int k = 0; k < d; k++) {
          s += a[k * d + i] * a[k * d + j];
        }
        m[i * d + j] = s / d + (i == j ? 0.5 : 0);
      }
    }
    return CausalMetric.of(m, d);
  }

  static List<MetricSpace> metrics(Random rnd, int d) {
    return List.of(MetricSpace.euclidean(), MetricSpace.cosine(),
        MetricSpace.causal(randomMetric(rnd, d)));
  }
}
