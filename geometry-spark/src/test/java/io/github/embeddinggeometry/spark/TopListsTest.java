package io.github.embeddinggeometry.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InvalidObjectException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import org.junit.jupiter.api.Test;

/** Candidate lists on the wire: ids in the fewest bytes, every value back as it was. */
class TopListsTest {
  private static byte[] serialize(Object o) throws Exception {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(b)) {
      out.writeObject(o);
    }
    return b.toByteArray();
  }

  private static Object deserialize(byte[] bytes) throws Exception {
    try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes))) {
      return in.readObject();
    }
  }

  @Test
  void idsTakeTheFewestBytesAndComeBackExactly() throws Exception {
    // largest id -> bytes per id on the wire
    int[][] cases = {
      {200, 1},
      {255, 1},
      {256, 2},
      {65_535, 2},
      {65_536, 3},
      {16_777_215, 3},
      {16_777_216, 4},
      {Integer.MAX_VALUE, 4},
      {-7, 4}
    };
    int rows = 3;
    int k = 5;
    long small = 0;
    for (int[] c : cases) {
      int[] rowIds = {0, 1, c[0]};
      int[] ids = new int[rows * k];
      float[] dist = new float[rows * k];
      for (int i = 0; i < ids.length; i++) {
        ids[i] = i == 7 ? c[0] : i;
        dist[i] = i == 3 ? Float.NaN : i == 4 ? -0.0f : i * 0.37f;
      }
      TopLists t = new TopLists(4, 17, rowIds, k, ids, dist);
      assertThat(TopLists.idBytes(c[0] < 0 ? -1 : c[0])).isEqualTo(c[1]);
      byte[] bytes = serialize(t);
      TopLists back = (TopLists) deserialize(bytes);
      assertThat(back.block).isEqualTo(4);
      assertThat(back.start).isEqualTo(17);
      assertThat(back.k).isEqualTo(k);
      assertThat(back.rowIds).containsExactly(rowIds);
      assertThat(back.ids).containsExactly(ids);
      for (int i = 0; i < dist.length; i++) {
        assertThat(Float.floatToRawIntBits(back.dist[i]))
            .isEqualTo(Float.floatToRawIntBits(dist[i]));
      }
      // one more id byte costs exactly rows * (k + 1) bytes more on the wire
      if (c[1] == 1 && small == 0) {
        small = bytes.length;
      }
      assertThat((long) bytes.length - small).isEqualTo((long) (c[1] - 1) * rows * (k + 1));
    }
  }

  @Test
  void aCorruptRecordIsRejectedWithItsReason() throws Exception {
    TopLists t = new TopLists(0, 0, new int[] {1, 2}, 1, new int[] {2, 1}, new float[] {1f, 1f});
    byte[] bytes = serialize(t);
    // the record ends with the distances: cutting the array's declared length is caught by Java
    // serialization; a wrong row count inside a well-formed array is ours to catch
    byte[] packed =
        serialize(
            new TopLists.Packed(new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 9, 0, 0, 0, 2}));
    assertThatThrownBy(() -> deserialize(packed))
        .isInstanceOf(InvalidObjectException.class)
        .hasMessageContaining("corrupt candidate lists")
        .hasMessageContaining("bytes for 9 x 1");
    assertThat(deserialize(bytes)).isInstanceOf(TopLists.class);
  }
}
