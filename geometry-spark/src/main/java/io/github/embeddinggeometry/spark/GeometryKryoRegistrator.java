package io.github.embeddinggeometry.spark;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import com.esotericsoftware.kryo.serializers.JavaSerializer;
import io.github.embeddinggeometry.backend.spi.CanonicalSums;
import io.github.embeddinggeometry.backend.spi.ExactSum;
import io.github.embeddinggeometry.backend.spi.PairPasses;
import io.github.embeddinggeometry.metric.CausalMetric;
import io.github.embeddinggeometry.metric.MetricSpace;
import org.apache.spark.serializer.KryoRegistrator;

/**
 * Registers with Kryo every class the analyses shuffle, cache, broadcast or return, so that {@code
 * spark.serializer=org.apache.spark.serializer.KryoSerializer} works with {@code
 * spark.kryo.registrationRequired=true}:
 *
 * <pre>{@code
 * --conf spark.serializer=org.apache.spark.serializer.KryoSerializer
 * --conf spark.kryo.registrator=io.github.embeddinggeometry.spark.GeometryKryoRegistrator
 * }</pre>
 *
 * <p>The candidate lists keep their packed form (narrow ids) under Kryo too: Kryo's field-by-field
 * default would write 4-byte ids and make the k-NN's largest shuffle bigger than under Java
 * serialization. The results are the same bits with either serializer.
 *
 * @since 0.1
 */
public final class GeometryKryoRegistrator implements KryoRegistrator {
  /** Called by Spark's KryoSerializer, which names this class in {@code spark.kryo.registrator}. */
  public GeometryKryoRegistrator() {}

  @Override
  public void registerClasses(Kryo kryo) {
    kryo.register(TopLists.class, new PackedLists());
    // A metric travels (as a broadcast) in its own serialized form: the singletons stay singletons,
    // and a causal metric is its tensor M, factorised again on reading.
    for (Class<?> c :
        new Class<?>[] {
          MetricSpace.Euclidean.class,
          MetricSpace.Cosine.class,
          MetricSpace.Causal.class,
          CausalMetric.class,
        }) {
      kryo.register(c, new JavaSerializer());
    }
    for (Class<?> c :
        new Class<?>[] {
          RowBlock.class,
          RowBlock[].class,
          NeighbourBlock.class,
          NeighbourBlock[].class,
          BlockValues.class,
          BlockValues[].class,
          PairPasses.First.class,
          PairPasses.Second.class,
          MomentsJob.Fragment.class,
          SparkAnalyses.Densest.class,
          SparkAnalyses.Densest[].class,
          ExactSum.class,
          CanonicalSums.Nodes.class,
          CanonicalSums.Nodes[].class,
          Integer.class,
          Integer[].class,
          Object[].class,
          int[][].class,
          long[][].class,
          float[][].class,
          double[][].class,
          java.util.HashMap.class,
          java.util.TreeMap.class,
          java.util.ArrayList.class,
        }) {
      kryo.register(c);
    }
  }

  /** Candidate lists as their packed record ({@link TopLists#pack()}). */
  private static final class PackedLists extends Serializer<TopLists> {
    PackedLists() {
      setImmutable(true);
    }

    @Override
    public void write(Kryo kryo, Output out, TopLists lists) {
      byte[] b = lists.pack();
      out.writeInt(b.length, true);
      out.writeBytes(b);
    }

    @Override
    public TopLists read(Kryo kryo, Input in, Class<TopLists> type) {
      return TopLists.unpack(in.readBytes(in.readInt(true)));
    }
  }
}
