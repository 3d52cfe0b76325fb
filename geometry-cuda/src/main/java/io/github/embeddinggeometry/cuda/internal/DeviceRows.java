package io.github.embeddinggeometry.cuda.internal;

import io.github.embeddinggeometry.EmbeddingMatrix;
import jcuda.driver.CUdeviceptr;

/**
 * Rows {@code [from, to)} of a matrix on the device, contiguous (leading dimension = d), with their
 * squared norms, inverse norms and vocabulary ids. Uploaded once; closed with its buffers.
 */
final class DeviceRows implements AutoCloseable {
  /** Host rows copied per transfer: bounds the temporary copy of a view to 64 MiB. */
  static final int STAGING_FLOATS = 1 << 24;

  final int rows;
  final int dim;
  private final DeviceBuffer data;
  private final DeviceBuffer sq;
  private final DeviceBuffer inv;
  private final DeviceBuffer ids;

  private DeviceRows(
      int rows, int dim, DeviceBuffer data, DeviceBuffer sq, DeviceBuffer inv, DeviceBuffer ids) {
    this.rows = rows;
    this.dim = dim;
    this.data = data;
    this.sq = sq;
    this.inv = inv;
    this.ids = ids;
  }

  /** Device bytes {@code rows} rows of length {@code dim} take. */
  static long bytes(int rows, int dim) {
    return (long) rows * dim * 4 + 12L * rows;
  }

  /** Uploads rows {@code [from, to)} of {@code m} and computes their norms on the device. */
  static DeviceRows upload(CudaContext ctx, EmbeddingMatrix m, int from, int to, String what) {
    return upload(ctx, m, from, to, what, null);
  }

  /**
   * Uploads rows {@code [from, to)} of {@code m}, mapped on the device by {@code map} when it is
   * not null (through a staging buffer of at most {@link #STAGING_FLOATS} floats), and computes
   * their norms on the device.
   */
  static DeviceRows upload(
      CudaContext ctx, EmbeddingMatrix m, int from, int to, String what, DeviceCausalMap map) {
    int n = to - from;
    int d = m.dim();
    DeviceBuffer data = null;
    DeviceBuffer sq = null;
    DeviceBuffer inv = null;
    DeviceBuffer ids = null;
    try {
      data = ctx.alloc((long) n * d * 4, what + " rows");
      sq = ctx.alloc(4L * n, what + " squared norms");
      inv = ctx.alloc(4L * n, what + " inverse norms");
      ids = ctx.alloc(4L * n, what + " ids");
      if (map == null) {
        copyIn(m, from, to, data);
      } else {
        int chunk = Math.max(1, Math.min(n, STAGING_FLOATS / d));
        try (DeviceBuffer raw = ctx.alloc(4L * chunk * d, what + " rows before the causal map")) {
          for (int r0 = 0; r0 < n; r0 += chunk) {
            int r1 = Math.min(n, r0 + chunk);
            copyIn(m, from + r0, from + r1, raw);
            map.map(ctx, raw.ptr(), r1 - r0, data.at(4L * r0 * d));
          }
        }
      }
      int[] idArr = new int[n];
      for (int r = 0; r < n; r++) {
        idArr[r] = m.id(from + r);
      }
      ids.upload(idArr, 0, 0, n);
      if (n > 0) {
        // One warp per row, 8 warps per block.
        ctx.launch("row_sq_norms", (n + 7) / 8, 1, 256, data.ptr(), n, d, d, sq.ptr(), inv.ptr());
      }
      return new DeviceRows(n, d, data, sq, inv, ids);
    } catch (RuntimeException e) {
      closeAll(data, sq, inv, ids);
      throw e;
    }
  }

  /**
   * Copies rows {@code [from, to)} of {@code m} to the start of {@code dst}, contiguous (leading
   * dimension d): straight from the backing array when they are one run of it, else through a host
   * staging copy of at most {@link #STAGING_FLOATS} floats.
   */
  static void copyIn(EmbeddingMatrix m, int from, int to, DeviceBuffer dst) {
    int n = to - from;
    int d = m.dim();
    float[] src = m.backingArray();
    if (m.isContiguous()) {
      long base = (long) m.rowOffsetInt(from);
      long total = (long) n * d;
      for (long done = 0; done < total; done += STAGING_FLOATS) {
        int len = (int) Math.min(STAGING_FLOATS, total - done);
        dst.upload(src, (int) (base + done), 4L * done, len);
      }
    } else {
      int perCopy = Math.max(1, STAGING_FLOATS / d);
      float[] staging = new float[Math.min(n, perCopy) * d];
      for (int r0 = 0; r0 < n; r0 += perCopy) {
        int r1 = Math.min(n, r0 + perCopy);
        for (int r = r0; r < r1; r++) {
          m.copyRow(from + r, staging, (r - r0) * d);
        }
        dst.upload(staging, 0, 4L * r0 * d, (r1 - r0) * d);
      }
    }
  }

  CUdeviceptr row(int r) {
    return data.at(4L * r * dim);
  }

  CUdeviceptr sq(int r) {
    return sq.at(4L * r);
  }

  CUdeviceptr inv(int r) {
    return inv.at(4L * r);
  }

  CUdeviceptr ids(int r) {
    return ids.at(4L * r);
  }

  long bytes() {
    return data.bytes() + sq.bytes() + inv.bytes() + ids.bytes();
  }

  private static void closeAll(AutoCloseable... cs) {
    for (AutoCloseable c : cs) {
      if (c != null) {
        try {
          c.close();
        } catch (Exception ignored) {
          // closing after a failure: the first error is the one worth reporting
        }
      }
    }
  }

  @Override
  public void close() {
    closeAll(data, sq, inv, ids);
  }
}
