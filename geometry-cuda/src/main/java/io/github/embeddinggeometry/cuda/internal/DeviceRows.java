package io.github.embeddinggeometry.cuda.internal;

import io.github.embeddinggeometry.EmbeddingMatrix;
import jcuda.driver.CUdeviceptr;

/**
 * Rows {@code [from, to)} of a matrix on the device, contiguous (leading dimension = d), with their
 * squared norms, inverse norms and vocabulary ids. Uploaded once; closed with its buffers.
 */
final class DeviceRows implements AutoCloseable {
  /** Host rows copied per transfer: bounds the temporary copy of a view to 64 MiB. */
  private static final int STAGING_FLOATS = 1 << 24;

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
      float[] src = m.backingArray();
      if (m.isContiguous()) {
        // Rows [from, to) are one run of the backing array: copy in pieces straight from it.
        long base = (long) m.rowOffsetInt(from);
        long total = (long) n * d;
        for (long done = 0; done < total; done += STAGING_FLOATS) {
          int len = (int) Math.min(STAGING_FLOATS, total - done);
          data.upload(src, (int) (base + done), 4L * done, len);
        }
      } else {
        int perCopy = Math.max(1, STAGING_FLOATS / d);
        float[] staging = new float[Math.min(n, perCopy) * d];
        for (int r0 = 0; r0 < n; r0 += perCopy) {
          int r1 = Math.min(n, r0 + perCopy);
          for (int r = r0; r < r1; r++) {
            m.copyRow(from + r, staging, (r - r0) * d);
          }
          data.upload(staging, 0, 4L * r0 * d, (r1 - r0) * d);
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
