package io.github.embeddinggeometry.metric;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.embeddinggeometry.EmbeddingMatrix;
import io.github.embeddinggeometry.ProgressListener;
import io.github.embeddinggeometry.backend.Backends;
import io.github.embeddinggeometry.testing.Float64Oracle;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A metric read back from Java serialization (as a distributed backend ships it) measures what the
 * tensor it was made from says: checked against {@code sqrt((a-b)^T M (a-b))} in double with the
 * test's own M, and bit for bit against the metric that was written.
 */
class MetricSerializationTest {

  private static byte[] bytes(Object o) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(b)) {
      out.writeObject(o);
    }
    return b.toByteArray();
  }

  private static Object read(byte[] b) throws IOException, ClassNotFoundException {
    try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(b))) {
      return in.readObject();
    }
  }

  @SuppressWarnings("unchecked")
  private static <T> T roundTrip(T o) throws IOException, ClassNotFoundException {
    return (T) read(bytes(o));
  }

  private static float[] distances(MetricSpace metric, EmbeddingMatrix w) {
    int n = w.rows();
    float[] out = new float[n * n];
    try (DistanceKernel k = Backends.cpu().distanceKernel(metric)) {
      k.distances(w, 0, n, w, 0, n, out, 0, n);
    }
    return out;
  }

  @Test
  void euclideanAndCosineReadBackAsTheOneInstance() throws Exception {
    assertThat(roundTrip(MetricSpace.euclidean())).isSameAs(MetricSpace.euclidean());
    assertThat(roundTrip(MetricSpace.cosine())).isSameAs(MetricSpace.cosine());
  }

  @Test
  void causalMetricReadBackMeasuresItsTensor() throws Exception {
    int d = 7;
    Random rnd = new Random(23);
    double[] m = Float64Oracle.spd(rnd, d, 0.3);
    CausalMetric written = CausalMetric.of(m, d);
    MetricSpace back = roundTrip(MetricSpace.causal(written));
    CausalMetric read = ((MetricSpace.Causal) back).metric();
    assertThat(read).isNotSameAs(written);
    assertThat(read.dim()).isEqualTo(d);
    assertThat(read.tensor()).containsExactly(written.tensor());
    assertThat(read.choleskyLower()).containsExactly(written.choleskyLower());

    int n = 6;
    EmbeddingMatrix w = EmbeddingMatrix.wrap(Float64Oracle.gaussian(rnd, n, d), n, d);
    float[] before = distances(MetricSpace.causal(written), w);
    float[] after = distances(back, w);
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        double want = Float64Oracle.causalDistance(m, w.row(i), w.row(j));
        assertThat(Float64Oracle.close(want, after[i * n + j]))
            .as("d(%d, %d) = %s, want %s", i, j, after[i * n + j], want)
            .isTrue();
        assertThat(Float.floatToRawIntBits(after[i * n + j]))
            .as("d(%d, %d) as before serialization", i, j)
            .isEqualTo(Float.floatToRawIntBits(before[i * n + j]));
      }
      double norm = Float64Oracle.causalDistance(m, w.row(i), new float[d]);
      assertThat(Float64Oracle.close(norm, read.norm(w.row(i)))).isTrue();
    }
    assertThat(read.map(w, ProgressListener.NONE).backingArray())
        .containsExactly(written.map(w, ProgressListener.NONE).backingArray());
  }

  @Test
  void causalMetricKeepsAScaleBeyondDoubleAndShipsNoFactor() throws Exception {
    int d = 32;
    double[] m = Float64Oracle.spd(new Random(5), d, 1);
    // M = 2^-1100 m: entries below double's smallest subnormal, held as m and a power of two.
    CausalMetric tiny = CausalMetric.of(m, d, -1100);
    byte[] b = bytes(tiny);
    // M alone is d^2 doubles; with the factor it would be twice that.
    assertThat(b.length).isBetween(8 * d * d, 8 * d * d + 1024);
    CausalMetric read = (CausalMetric) read(b);
    float[] g = Float64Oracle.gaussian(new Random(6), 1, d);
    double want = Math.scalb(Float64Oracle.causalDistance(m, g, new float[d]), -550);
    assertThat(read.norm(g)).isCloseTo(want, org.assertj.core.data.Percentage.withPercentage(1e-9));
    assertThat(read.norm(g)).isEqualTo(tiny.norm(g));
  }
}
