package io.github.embeddinggeometry.spark;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.embeddinggeometry.backend.spi.CanonicalSums;
import io.github.embeddinggeometry.backend.spi.PairPasses;
import io.github.embeddinggeometry.metric.CausalMetric;
import io.github.embeddinggeometry.metric.MetricSpace;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectOutputStream;
import java.nio.ByteBuffer;
import org.apache.spark.SparkConf;
import org.apache.spark.serializer.KryoSerializer;
import org.apache.spark.serializer.SerializerInstance;
import org.junit.jupiter.api.Test;
import scala.reflect.ClassTag$;

/**
 * The registrator against Spark's own KryoSerializer with {@code registrationRequired}: every
 * record the jobs ship round-trips, and the candidate lists keep their packed form.
 */
class KryoTest {
  private static final SerializerInstance KRYO =
      new KryoSerializer(
              new SparkConf(false)
                  .set("spark.kryo.registrator", GeometryKryoRegistrator.class.getName())
                  .set("spark.kryo.registrationRequired", "true"))
          .newInstance();

  private static ByteBuffer kryo(Object o) {
    return KRYO.serialize(o, ClassTag$.MODULE$.AnyRef());
  }

  @SuppressWarnings("unchecked")
  private static <T> T roundTrip(T o) {
    return (T) KRYO.deserialize(kryo(o), ClassTag$.MODULE$.AnyRef());
  }

  private static int javaBytes(Object o) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(b)) {
      out.writeObject(o);
    }
    return b.size();
  }

  @Test
  void candidateListsStayPackedUnderKryo() throws IOException {
    int rows = 500;
    int k = 20;
    int[] rowIds = new int[rows];
    int[] ids = new int[rows * k];
    float[] dist = new float[rows * k];
    for (int i = 0; i < rows; i++) {
      rowIds[i] = 1000 + i;
    }
    for (int i = 0; i < ids.length; i++) {
      ids[i] = (i * 7919) % 30_000; // under 65,536: 2 bytes each when packed
      dist[i] = i * 0.25f;
    }
    TopLists lists = new TopLists(3, 1000, rowIds, k, ids, dist);
    long packed = TopLists.HEADER_BYTES + (long) rows * ((2 + 4) * k + 2);
    int kryoBytes = kryo(lists).remaining();
    assertThat(kryoBytes).isBetween((int) packed, (int) packed + 16);
    assertThat(kryoBytes).isLessThanOrEqualTo(javaBytes(lists));
    // field by field, 4-byte ids would need 4 * (rows * k + rows) bytes more than the floats
    assertThat((long) kryoBytes).isLessThan(4L * (ids.length + rows) + 4L * dist.length);
    TopLists back = roundTrip(lists);
    assertThat(back.block).isEqualTo(3);
    assertThat(back.start).isEqualTo(1000);
    assertThat(back.k).isEqualTo(k);
    assertThat(back.rowIds).containsExactly(rowIds);
    assertThat(back.ids).containsExactly(ids);
    assertThat(back.dist).containsExactly(dist);
  }

  @Test
  void everyShippedRecordIsRegistered() {
    RowBlock rb = new RowBlock(2, 10, 3, new int[] {10, 12}, new float[] {1, 2, 3, 4, 5, 6});
    RowBlock rb2 = roundTrip(rb);
    assertThat(rb2.idArray()).containsExactly(10, 12);
    assertThat(rb2.data()).containsExactly(1, 2, 3, 4, 5, 6);
    assertThat(roundTrip(new RowBlock[] {rb})).hasSize(1);
    NeighbourBlock nb =
        new NeighbourBlock(1, 4, new int[] {4, 5}, 1, new int[] {5, 4}, new float[] {0.5f, 0.5f});
    assertThat(roundTrip(nb).distanceArray()).containsExactly(0.5f, 0.5f);
    BlockValues bv = new BlockValues(0, 0, new int[] {0, 1}, new double[] {1.5, 2.5});
    assertThat(roundTrip(bv).value(1)).isEqualTo(2.5);
    PairPasses.First f = new PairPasses.First(new int[] {Float.floatToRawIntBits(1f), 4});
    f.accept(new float[] {0.5f, 1f, 2f}, 0, 3);
    PairPasses.First f2 = roundTrip(f);
    assertThat(f2.count()).isEqualTo(3);
    assertThat(f2.sum()).isEqualTo(3.5);
    assertThat(f2.inWindow(1)).isEqualTo(1f);
    assertThat(f2.inWindow(0)).isNaN(); // below the window
    PairPasses.Second s = f2.second(0, 2);
    s.accept(new float[] {2f, 0.5f, 1f}, 0, 3);
    assertThat(roundTrip(s).values()).containsExactly(0.5f, 2f);
    CanonicalSums.Nodes nodes = new CanonicalSums.Nodes(4);
    nodes.addLeaf(1, new double[] {1, 2});
    assertThat(roundTrip(nodes).firstGroup()).isEqualTo(1);
    assertThat(roundTrip(new SparkAnalyses.Densest(3, 7, 0.25, 4.0)).id).isEqualTo(7);
    assertThat(roundTrip(new java.util.HashMap<>(java.util.Map.of("a", "b"))))
        .containsEntry("a", "b");
  }

  @Test
  void metricsTravelAsThemselves() {
    assertThat(roundTrip(MetricSpace.euclidean())).isSameAs(MetricSpace.euclidean());
    assertThat(roundTrip(MetricSpace.cosine())).isSameAs(MetricSpace.cosine());
    // M = [[2, 1], [1, 3]]: L = [[sqrt 2, 0], [1 / sqrt 2, sqrt(5 / 2)]], row (1, 0) maps to
    // L^T (1, 0) = (sqrt 2, 0), so its causal norm is sqrt(2) = sqrt(e1^T M e1).
    CausalMetric c = CausalMetric.of(new double[] {2, 1, 1, 3}, 2);
    MetricSpace back = roundTrip(MetricSpace.causal(c));
    CausalMetric read = ((MetricSpace.Causal) back).metric();
    assertThat(read).isNotSameAs(c);
    assertThat(read.tensor()).containsExactly(2, 1, 1, 3);
    assertThat(read.choleskyLower()).containsExactly(c.choleskyLower());
    assertThat(read.norm(new float[] {1, 0})).isEqualTo(Math.sqrt(2));
    assertThat(read.norm(new float[] {1, -1})).isEqualTo(Math.sqrt(3));
  }
}
