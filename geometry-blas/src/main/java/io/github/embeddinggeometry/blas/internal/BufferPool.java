package io.github.embeddinggeometry.blas.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.function.LongFunction;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Pointer;

/**
 * Native float buffers handed out for one call or operation and taken back afterwards, kept up to a
 * limit for the next one. Fresh native memory costs a page fault for every 4 KB on first touch: in
 * a virtual machine that is a large share of a product's time (page faults were about a tenth of
 * the samples of an 8,192 x 8,192 x 2,560 product whose shared base was allocated per operation).
 *
 * <p>Thread-safe: the engine's workers take and give concurrently.
 */
final class BufferPool {
  private final long limit;
  private final LongFunction<FloatPointer> allocate;
  private final List<FloatPointer> free = new ArrayList<>();
  private long retained;

  /**
   * A pool that keeps at most {@code limit} floats between uses, and never more than a quarter of
   * JavaCPP's limit on native memory ({@code org.bytedeco.javacpp.maxBytes}, by default the maximum
   * heap), so that a small JVM keeps room for the buffers in use.
   *
   * @param limit floats kept, at least 0
   */
  BufferPool(long limit) {
    this(Math.min(limit, Pointer.maxBytes() / 4 / Float.BYTES), FloatPointer::new);
  }

  /** As above with exactly {@code limit} and an allocator of its own (for tests). */
  BufferPool(long limit, LongFunction<FloatPointer> allocate) {
    this.limit = limit;
    this.allocate = allocate;
  }

  /**
   * A buffer of at least {@code floats} floats, positioned at 0: the smallest kept one that fits,
   * else a new one. Its contents are undefined. Where native memory is refused, the kept buffers
   * are freed and the allocation is tried once more.
   *
   * @throws OutOfMemoryError if native memory is refused even then
   */
  FloatPointer take(long floats) {
    synchronized (this) {
      int best = -1;
      for (int i = 0; i < free.size(); i++) {
        long cap = free.get(i).capacity();
        if (cap >= floats && (best < 0 || cap < free.get(best).capacity())) {
          best = i;
        }
      }
      if (best >= 0) {
        FloatPointer p = free.remove(best);
        retained -= p.capacity();
        return p.position(0);
      }
    }
    long size = Math.max(1, floats);
    try {
      return allocate.apply(size);
    } catch (OutOfMemoryError e) {
      clear();
      return allocate.apply(size);
    }
  }

  /**
   * Takes a buffer back (null is ignored): kept when it fits under the limit after dropping smaller
   * kept ones, else freed.
   */
  void give(FloatPointer p) {
    if (p == null) {
      return;
    }
    List<FloatPointer> drop = new ArrayList<>();
    synchronized (this) {
      long cap = p.capacity();
      // Larger buffers serve more calls: make room by dropping the smallest kept ones.
      free.sort((x, y) -> Long.compare(x.capacity(), y.capacity()));
      while (retained + cap > limit && !free.isEmpty() && free.get(0).capacity() < cap) {
        FloatPointer small = free.remove(0);
        retained -= small.capacity();
        drop.add(small);
      }
      if (retained + cap <= limit) {
        free.add(p);
        retained += cap;
      } else {
        drop.add(p);
      }
    }
    drop.forEach(FloatPointer::close);
  }

  /** Floats kept now. */
  synchronized long retained() {
    return retained;
  }

  /** Frees every kept buffer. */
  void clear() {
    List<FloatPointer> drop;
    synchronized (this) {
      drop = new ArrayList<>(free);
      free.clear();
      retained = 0;
    }
    drop.forEach(FloatPointer::close);
  }
}
