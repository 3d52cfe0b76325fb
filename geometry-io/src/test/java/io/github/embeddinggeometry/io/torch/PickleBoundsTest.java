package io.github.embeddinggeometry.io.torch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.embeddinggeometry.io.tensor.MalformedFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pickles that build far more than they hold, by re-using memoized objects: refused at a budget
 * proportional to their size (2 items per byte + 65,536), while honest pickles of any size load.
 */
class PickleBoundsTest {
  @TempDir Path dir;

  private Path checkpoint(byte[] pickle, Map<String, byte[]> storages) throws Exception {
    Path f = dir.resolve("x.pt");
    Pickle.zip(f, pickle, storages);
    return f;
  }

  private void assertOverBudget(Path f, int pickleBytes) {
    long limit = 65_536 + 2L * pickleBytes;
    assertThatThrownBy(() -> TorchCheckpoint.load(f))
        .isInstanceOf(MalformedFileException.class)
        .hasMessageContainingAll(
            f.toString(),
            "builds more than " + limit + " items",
            "2 per byte of the " + pickleBytes + "-byte pickle + 65536");
  }

  @Test
  void tensorsRebuiltFromOneMemoizedShapeAreBounded() throws Exception {
    Pickle p = new Pickle();
    p.global("torch._utils", "_rebuild_tensor_v2").op('0'); // memo 0: the function
    p.mark(); // the arguments: (storage, 0, (1,) * 64, (0,) * 64, False, OrderedDict())
    p.mark().str("storage").global("torch", "FloatStorage").str("0").str("cpu").integer(1);
    p.op('t', 'Q').integer(0).mark();
    for (int i = 0; i < 64; i++) {
      p.integer(1);
    }
    p.op('t').mark();
    for (int i = 0; i < 64; i++) {
      p.integer(0);
    }
    p.op('t', 0x89).global("collections", "OrderedDict").op(')', 'R').op('t', 'q', 200, '0');
    // Each 6 bytes rebuild a 64-dimension tensor (over a kilobyte of heap without the bound).
    for (int i = 0; i < 20_000; i++) {
      p.op('h', 0, 'h', 200, 'R', '0');
    }
    byte[] pickle = p.op('N').stop();
    assertOverBudget(checkpoint(pickle, Map.of("0", TorchCheckpointTest.floats(1))), pickle.length);
  }

  @Test
  void aLongStringEncodedAgainAndAgainIsBounded() throws Exception {
    Pickle p = new Pickle();
    p.global("_codecs", "encode").op('0'); // memo 0
    p.str("x".repeat(1 << 16)).str("latin1").op(0x86, 'q', 200, '0'); // memo 200: (s, 'latin1')
    for (int i = 0; i < 1000; i++) { // 64 MB of bytes objects from 6 kB
      p.op('h', 0, 'h', 200, 'R', '0');
    }
    byte[] pickle = p.op('N').stop();
    assertOverBudget(checkpoint(pickle, Map.of()), pickle.length);
  }

  @Test
  void rehashingOneLongTupleKeyIsBounded() throws Exception {
    Pickle p = new Pickle();
    p.op('}', 'q', 0).mark();
    for (int i = 0; i < 2000; i++) {
      p.op('N');
    }
    p.op('t', 'q', 1, '0'); // memo 1: a tuple of 2,000 Nones, hashed on every insert
    for (int i = 0; i < 5000; i++) {
      p.op('h', 1, 'N', 's');
    }
    byte[] pickle = p.stop();
    assertOverBudget(checkpoint(pickle, Map.of()), pickle.length);
  }

  @Test
  void honestPicklesOfManyEntriesLoad() throws Exception {
    // A state dict of 30,000 scalars, every key memoized (protocol 4 style): about one item/byte.
    Pickle p = new Pickle();
    p.op('}', 0x94).mark();
    for (int i = 0; i < 30_000; i++) {
      byte[] k = ("layer." + i + ".scale").getBytes(java.nio.charset.StandardCharsets.UTF_8);
      p.op(0x8c, k.length);
      p.op(toInts(k));
      p.op(0x94).integer(i % 200);
    }
    byte[] pickle = p.op('u').stop();
    Map<String, Object> d = TorchCheckpoint.loadDict(checkpoint(pickle, Map.of()));
    assertThat(d).hasSize(30_000).containsEntry("layer.29999.scale", 29_999L % 200);
  }

  private static int[] toInts(byte[] b) {
    int[] out = new int[b.length];
    for (int i = 0; i < b.length; i++) {
      out[i] = b[i] & 0xff;
    }
    return out;
  }

  @Test
  void longNamesKeysAndNumbersAreCutInMessages() throws Exception {
    byte[] global = new Pickle().str("m".repeat(1_000_000)).str("x").op(0x93).stop();
    Path f = checkpoint(global, Map.of());
    assertThatThrownBy(() -> TorchCheckpoint.load(f))
        .isInstanceOf(MalformedFileException.class)
        .hasMessageContainingAll(
            "refuses global " + "m".repeat(100) + "...", "(1000002 characters)")
        .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(500));
    // A root dict keyed by an integer of 800,000 bits: printing it would take minutes.
    Pickle big = new Pickle();
    big.op('}').op(0x8b, 0xa0, 0x86, 0x01, 0); // LONG4 of 100,000 bytes
    byte[] digits = new byte[100_000];
    digits[digits.length - 1] = 0x11;
    big.op(toInts(digits)).op('N', 's');
    Path g = checkpoint(big.stop(), Map.of());
    assertThatThrownBy(() -> TorchCheckpoint.loadDict(g))
        .isInstanceOf(MalformedFileException.class)
        .hasMessageContaining("non-string key an integer of 799997 bits");
    Map<String, Object> keys = new LinkedHashMap<>();
    for (int i = 0; i < 20; i++) {
      keys.put(i + "k".repeat(1000), 1L);
    }
    assertThatThrownBy(() -> TorchCheckpoint.tensor(keys, "nope"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContainingAll("\"nope\" is absent", "(1001 characters)", "(20 in all)")
        .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(1500));
  }
}
