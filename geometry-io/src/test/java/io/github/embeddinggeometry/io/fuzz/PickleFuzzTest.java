package io.github.embeddinggeometry.io.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.github.embeddinggeometry.io.internal.ByteRegion;
import io.github.embeddinggeometry.io.internal.RestrictedUnpickler;
import io.github.embeddinggeometry.io.tensor.MalformedFileException;
import io.github.embeddinggeometry.io.tensor.Tensor;
import java.io.IOException;
import java.nio.ByteOrder;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Deque;
import java.util.Map;

/**
 * Any pickle either loads into plain data and tensors or fails with {@link MalformedFileException};
 * every storage resolves to the same 256 bytes, so tensors reaching beyond them must be refused.
 */
class PickleFuzzTest {
  private static final byte[] STORAGE = new byte[256];

  @FuzzTest(maxDuration = "2h", maxExecutions = 10_000_000)
  void unpickle(byte[] data) throws IOException {
    Object root;
    try {
      root =
          RestrictedUnpickler.load(
              "fuzz",
              data,
              (key, dtype, numel) -> {
                if (numel * dtype.bytes() > STORAGE.length) {
                  throw new MalformedFileException("fuzz", "storage too large");
                }
                return ByteRegion.of(STORAGE);
              },
              ByteOrder.LITTLE_ENDIAN);
    } catch (MalformedFileException expected) {
      FuzzChecks.refused(expected);
      return;
    }
    // Walk what came back (iteratively: self-referencing lists are legal pickles).
    Deque<Object> todo = new ArrayDeque<>();
    java.util.Set<Object> seen =
        java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
    todo.push(root == null ? "" : root);
    while (!todo.isEmpty()) {
      Object o = todo.pop();
      if (!seen.add(o)) {
        continue;
      }
      if (o instanceof Tensor) {
        FuzzChecks.readAll((Tensor) o);
      } else if (o instanceof Map) {
        for (Object v : ((Map<?, ?>) o).values()) {
          if (v != null) {
            todo.push(v);
          }
        }
      } else if (o instanceof Collection) {
        for (Object v : (Collection<?>) o) {
          if (v != null) {
            todo.push(v);
          }
        }
      }
    }
  }
}
