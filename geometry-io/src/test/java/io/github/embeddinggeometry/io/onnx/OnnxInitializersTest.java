package io.github.embeddinggeometry.io.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.CodedOutputStream;
import io.github.embeddinggeometry.ProgressListener;
import io.github.embeddinggeometry.io.tensor.DType;
import io.github.embeddinggeometry.io.tensor.MalformedFileException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Models written field by field in the protobuf wire format, as onnx.proto numbers them. */
class OnnxInitializersTest {
  @TempDir Path dir;

  interface Body {
    void write(CodedOutputStream o) throws IOException;
  }

  static byte[] message(Body body) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    CodedOutputStream o = CodedOutputStream.newInstance(bytes);
    body.write(o);
    o.flush();
    return bytes.toByteArray();
  }

  /** ModelProto { ir_version = 8; graph = GraphProto { name = "g"; initializer... } }. */
  static byte[] model(byte[]... initializers) throws IOException {
    byte[] graph =
        message(
            o -> {
              o.writeString(2, "g");
              for (byte[] t : initializers) {
                o.writeByteArray(5, t);
              }
            });
    return message(
        o -> {
          o.writeInt64(1, 8);
          o.writeString(2, "producer");
          o.writeByteArray(7, graph);
        });
  }

  static byte[] le(float... v) {
    ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
    for (float x : v) {
      b.putFloat(x);
    }
    return b.array();
  }

  @Test
  void readsRawDataTypedFieldsAndExternalData() throws Exception {
    byte[] raw =
        message(
            o -> {
              o.writeInt64(1, 2);
              o.writeInt64(1, 3);
              o.writeInt32(2, 1); // FLOAT
              o.writeString(8, "emb");
              o.writeByteArray(9, le(1, 2, 3, 4, 5, 6));
            });
    // float_data packed, and the name after the data.
    byte[] typed =
        message(
            o -> {
              o.writeInt32(2, 1);
              o.writeTag(4, 2);
              o.writeUInt32NoTag(8);
              o.writeFloatNoTag(0.5f);
              o.writeFloatNoTag(-1f);
              o.writeInt64(1, 2);
              o.writeString(8, "bias");
            });
    byte[] ints =
        message(
            o -> {
              o.writeInt64(1, 3);
              o.writeInt32(2, 7); // INT64
              o.writeString(8, "ids");
              o.writeInt64(7, -4);
              o.writeInt64(7, 1L << 40);
              o.writeInt64(7, 9);
            });
    byte[] half =
        message(
            o -> {
              o.writeInt64(1, 2);
              o.writeInt32(2, 10); // FLOAT16 in int32_data
              o.writeString(8, "h");
              o.writeInt32(5, 0x3c00);
              o.writeInt32(5, 0xc000);
            });
    Files.write(dir.resolve("weights.bin"), concat(new byte[3], le(7, 8)));
    byte[] ext =
        message(
            o -> {
              o.writeInt64(1, 2);
              o.writeInt32(2, 1);
              o.writeString(8, "ext");
              o.writeByteArray(
                  13,
                  message(
                      e -> {
                        e.writeString(1, "location");
                        e.writeString(2, "weights.bin");
                      }));
              o.writeByteArray(
                  13,
                  message(
                      e -> {
                        e.writeString(1, "offset");
                        e.writeString(2, "3");
                      }));
              o.writeInt32(14, 1);
            });
    Path p = dir.resolve("m.onnx");
    Files.write(p, model(raw, typed, ints, half, ext));
    OnnxInitializers m = OnnxInitializers.open(p);
    assertThat(m.list())
        .extracting(OnnxInitializer::name)
        .containsExactly("emb", "bias", "ids", "h", "ext");
    assertThat(m.list().get(0).dims()).containsExactly(2, 3);
    assertThat(m.tensor("emb").toEmbeddingMatrix(ProgressListener.NONE).get(1, 2)).isEqualTo(6f);
    assertThat(m.tensor("bias").toFloatArray()).containsExactly(0.5f, -1f);
    assertThat(m.tensor("ids").dtype()).isEqualTo(DType.I64);
    assertThat(m.tensor("ids").toLongArray()).containsExactly(-4, 1L << 40, 9);
    assertThat(m.tensor("h").toFloatArray()).containsExactly(1f, -2f);
    assertThat(m.tensor("ext").toFloatArray()).containsExactly(7f, 8f);
    assertThatThrownBy(() -> m.tensor("nope"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("emb");
  }

  static byte[] concat(byte[] a, byte[] b) {
    byte[] c = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, c, a.length, b.length);
    return c;
  }

  @Test
  void hostileModels() throws Exception {
    byte[] good =
        model(
            message(
                o -> {
                  o.writeInt64(1, 2);
                  o.writeInt32(2, 1);
                  o.writeString(8, "w");
                  o.writeByteArray(9, le(1, 2));
                }));
    Path p = dir.resolve("bad.onnx");
    Files.write(p, Arrays.copyOf(good, good.length - 3));
    assertThatThrownBy(() -> OnnxInitializers.open(p))
        .isInstanceOf(MalformedFileException.class)
        .hasMessageContaining(p.toString());
    byte[] mismatch =
        model(
            message(
                o -> {
                  o.writeInt64(1, 3);
                  o.writeInt32(2, 1);
                  o.writeString(8, "w");
                  o.writeByteArray(9, le(1, 2));
                }));
    Files.write(p, mismatch);
    assertThatThrownBy(() -> OnnxInitializers.open(p).tensor("w"))
        .isInstanceOf(MalformedFileException.class)
        .hasMessageContainingAll(p.toString(), "need 12 bytes", "holds 8");
    byte[] negative =
        model(
            message(
                o -> {
                  o.writeInt64(1, -3);
                  o.writeInt32(2, 1);
                  o.writeString(8, "w");
                }));
    Files.write(p, negative);
    assertThatThrownBy(() -> OnnxInitializers.open(p))
        .isInstanceOf(MalformedFileException.class)
        .hasMessageContaining("negative dimension -3");
    byte[] escape =
        model(
            message(
                o -> {
                  o.writeInt64(1, 1);
                  o.writeInt32(2, 1);
                  o.writeString(8, "w");
                  o.writeByteArray(
                      13,
                      message(
                          e -> {
                            e.writeString(1, "location");
                            e.writeString(2, "../../etc/passwd");
                          }));
                  o.writeInt32(14, 1);
                }));
    Files.write(p, escape);
    assertThatThrownBy(() -> OnnxInitializers.open(p).tensor("w"))
        .isInstanceOf(MalformedFileException.class)
        .hasMessageContaining("leaves the model's directory");
  }
}
