package io.github.embeddinggeometry.cuda.internal;

/**
 * How many query rows and base rows one pass puts on the device, so that GPU memory is bounded by a
 * budget and never grows with N^2.
 *
 * <p>Device memory of a pass: the base rows ({@code baseRows x dim} floats, plus norms and ids),
 * the query rows when they are not the base ({@code queryRows x dim}), the distance block ({@code
 * queryRows x baseRows} floats) and the top-k lists ({@code queryRows x k} values and indices). The
 * base stays resident across query chunks when it fits in half the budget; otherwise it is streamed
 * in chunks and the per-row top-k lists are merged on the device.
 *
 * @param queryRows query rows per pass, at least 1
 * @param baseRows base rows per pass, at least 1
 * @param baseResident true when one base chunk holds every base row
 * @param bytes device bytes one pass needs under this plan
 */
public record ChunkPlan(int queryRows, int baseRows, boolean baseResident, long bytes) {
  /** Row chunks are multiples of this (the GEMM tile), except when the whole extent is smaller. */
  static final int ALIGN = 128;

  /** More query rows per pass than this buys no speed, only memory. */
  static final int MAX_QUERY_ROWS = 8192;

  /**
   * Plans a pass.
   *
   * @param queries query rows in all
   * @param base base rows in all
   * @param dim row length
   * @param k top-k list length (0 for distance blocks)
   * @param queriesAreBase true when the queries are the base rows (no separate query upload)
   * @param budget device bytes the plan may use
   * @throws IllegalStateException if not even one query row against {@value #ALIGN} base rows fits
   */
  public static ChunkPlan plan(
      int queries, int base, int dim, int k, boolean queriesAreBase, long budget) {
    if (queries < 0 || base < 1 || dim < 1 || k < 0) {
      throw new IllegalArgumentException(
          "bad shape: " + queries + " queries, " + base + " base rows, d = " + dim + ", k = " + k);
    }
    long perBaseRow = 4L * dim + 12; // row, squared norm, 1/norm, id
    long perQueryRowFixed = (queriesAreBase ? 0 : 4L * dim + 12) + 8L * k;
    int baseRows;
    if ((long) base * perBaseRow <= budget / 2) {
      baseRows = base;
    } else {
      long fit = budget / 2 / perBaseRow;
      baseRows = (int) Math.min(base, Math.max(ALIGN, fit / ALIGN * ALIGN));
    }
    boolean resident = baseRows == base;
    // Streaming the base means the queries cannot be the resident base rows any more.
    if (!resident && queriesAreBase) {
      perQueryRowFixed += 4L * dim + 12;
    }
    long baseBytes = (long) baseRows * perBaseRow;
    long perQueryRow = perQueryRowFixed + 4L * baseRows;
    long left = budget - baseBytes;
    long q = left / perQueryRow;
    if (q < 1) {
      throw new IllegalStateException(
          "GPU memory budget of "
              + CudaContext.mib(budget)
              + " cannot hold one query row against "
              + baseRows
              + " base rows of d = "
              + dim
              + " (needs "
              + CudaContext.mib(baseBytes + perQueryRow)
              + "); raise -D"
              + MemoryBudget.PROPERTY
              + " or free the GPU");
    }
    int queryRows = (int) Math.min(Math.max(queries, 1), Math.min(q, MAX_QUERY_ROWS));
    if (queryRows > ALIGN && queryRows < queries) {
      queryRows = queryRows / ALIGN * ALIGN;
    }
    return new ChunkPlan(queryRows, baseRows, resident, baseBytes + queryRows * perQueryRow);
  }
}
