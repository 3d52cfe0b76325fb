package io.github.embeddinggeometry.analysis;

import io.github.embeddinggeometry.EmbeddingMatrix;
import io.github.embeddinggeometry.ProgressListener;
import io.github.embeddinggeometry.density.DensityField;
import io.github.embeddinggeometry.metric.DistanceKernel;
import io.github.embeddinggeometry.metric.MetricSpace;
import io.github.embeddinggeometry.metric.Neighbours;
import java.util.Arrays;
import java.util.Objects;

/**
 * The densest row of a density field and its neighbourhood (see <a
 * href="{@docRoot}/io/github/embeddinggeometry/doc-files/definitions.html#densest-point">densest
 * point</a>, notebook "Densest Point Neighborhood"): its top-N neighbours in the field's metric and
 * in cosine similarity, the overlap of the two id sets.
 *
 * <p>Neighbours exclude the densest row itself by vocabulary id, never by value, so exact
 * duplicates appear (at distance 0, similarity 1); ties go to the lower row index.
 *
 * @param row row position of the densest row in the field's matrix
 * @param id its vocabulary id
 * @param density its k-NN density (+infinity for k or more exact duplicates)
 * @param meanDistance its mean k-NN distance
 * @param metric the metric of {@link #metricIds}
 * @param metricIds vocabulary ids of the top-N neighbours in {@code metric}, nearest first
 * @param metricDistances their distances
 * @param cosineIds vocabulary ids of the top-N neighbours in cosine similarity, most similar first
 * @param cosineSimilarities their cosine similarities, in [-1, 1]
 * @param overlap size of the intersection of the two id sets
 * @param overlapShare {@code overlap / N}, a fraction in [0, 1]
 * @since 0.1
 */
public record DensestPoint(
    int row,
    int id,
    double density,
    double meanDistance,
    MetricSpace metric,
    int[] metricIds,
    float[] metricDistances,
    int[] cosineIds,
    float[] cosineSimilarities,
    int overlap,
    double overlapShare) {

  /**
   * Analyses the densest row of {@code field} among the rows of {@code w}.
   *
   * @param w the rows to search the neighbours in (usually the field's own matrix); must contain
   *     the densest row's vocabulary id
   * @param field the density field
   * @param metricKernel the kernel of the chosen metric (usually the one the field was built with)
   * @param cosineKernel a kernel of {@link MetricSpace#cosine()}
   * @param topN neighbours to report (the notebook uses 30)
   * @param progress receives progress and may cancel. Not modified.
   * @return the densest row and its two neighbour lists
   * @throws IllegalArgumentException if topN is not in [1, w.rows() - 1], a kernel's metric is
   *     wrong, the densest row is not in {@code w}, or a row is not finite
   * @throws java.util.concurrent.CancellationException if {@code progress} cancels
   */
  public static DensestPoint of(
      EmbeddingMatrix w,
      DensityField field,
      DistanceKernel metricKernel,
      DistanceKernel cosineKernel,
      int topN,
      ProgressListener progress) {
    Objects.requireNonNull(w, "w");
    Objects.requireNonNull(field, "field");
    Objects.requireNonNull(metricKernel, "metricKernel");
    Objects.requireNonNull(cosineKernel, "cosineKernel");
    if (!(cosineKernel.metric() instanceof MetricSpace.Cosine)) {
      throw new IllegalArgumentException(
          "cosineKernel must be a cosine kernel; got " + cosineKernel.metric());
    }
    if (topN < 1 || topN > w.rows() - 1) {
      throw new IllegalArgumentException(
          "top-N must be in [1, rows - 1 = " + (w.rows() - 1) + "]; got " + topN);
    }
    int row = field.densestRow();
    int id = field.id(row);
    if (w.rowOf(id) < 0) {
      throw new IllegalArgumentException(
          "the densest row (vocabulary id " + id + ") is not among the " + w.rows() + " rows");
    }
    EmbeddingMatrix query = w.select(new int[] {id});
    Neighbours inMetric = metricKernel.nearest(query, w, topN, progress);
    Neighbours inCosine = cosineKernel.nearest(query, w, topN, progress);
    int[] mIds = new int[topN];
    float[] mDist = new float[topN];
    int[] cIds = new int[topN];
    float[] cDist = new float[topN];
    for (int r = 0; r < topN; r++) {
      mIds[r] = inMetric.id(0, r);
      mDist[r] = inMetric.distance(0, r);
      cIds[r] = inCosine.id(0, r);
      cDist[r] = inCosine.distance(0, r);
    }
    return of(
        row,
        id,
        field.density(row),
        field.meanDistance(row),
        metricKernel.metric(),
        mIds,
        mDist,
        cIds,
        cDist);
  }

  /**
   * Assembles the record from the densest row and its two neighbour lists, however they were
   * computed (one machine, or a backend whose rows live elsewhere): the cosine similarities ({@code
   * 1 - distance}, as {@link Neighbours#similarity}) and the overlap of the two id sets are
   * computed here, so that every backend reports them alike.
   *
   * @param row row position of the densest row in its matrix
   * @param id its vocabulary id
   * @param density its k-NN density
   * @param meanDistance its mean k-NN distance
   * @param metric the metric of {@code metricIds}
   * @param metricIds vocabulary ids of its N nearest rows in {@code metric} (itself excluded),
   *     nearest first, no id twice. Copied.
   * @param metricDistances their distances in {@code metric}, N values. Copied.
   * @param cosineIds vocabulary ids of its N nearest rows in cosine distance, nearest first, no id
   *     twice. Copied.
   * @param cosineDistances their cosine distances ({@code 1 - similarity}), N values. Not modified.
   * @return the densest point, with similarities, overlap and {@code overlap / N}
   * @throws IllegalArgumentException if the lists are empty or not all of the same length N
   * @throws NullPointerException if {@code metric} or a list is null
   */
  public static DensestPoint of(
      int row,
      int id,
      double density,
      double meanDistance,
      MetricSpace metric,
      int[] metricIds,
      float[] metricDistances,
      int[] cosineIds,
      float[] cosineDistances) {
    Objects.requireNonNull(metric, "metric");
    int topN = metricIds.length;
    if (topN < 1
        || metricDistances.length != topN
        || cosineIds.length != topN
        || cosineDistances.length != topN) {
      throw new IllegalArgumentException(
          "the neighbour lists must all hold the same N >= 1 entries; got "
              + topN
              + " metric ids, "
              + metricDistances.length
              + " metric distances, "
              + cosineIds.length
              + " cosine ids and "
              + cosineDistances.length
              + " cosine distances");
    }
    float[] similarity = new float[topN];
    for (int r = 0; r < topN; r++) {
      similarity[r] = 1f - cosineDistances[r];
    }
    int overlap = overlap(metricIds, cosineIds);
    return new DensestPoint(
        row,
        id,
        density,
        meanDistance,
        metric,
        metricIds.clone(),
        metricDistances.clone(),
        cosineIds.clone(),
        similarity,
        overlap,
        (double) overlap / topN);
  }

  /** Size of the intersection of two id sets (each free of repeats). */
  static int overlap(int[] a, int[] b) {
    int[] sa = a.clone();
    int[] sb = b.clone();
    Arrays.sort(sa);
    Arrays.sort(sb);
    int i = 0;
    int j = 0;
    int n = 0;
    while (i < sa.length && j < sb.length) {
      if (sa[i] == sb[j]) {
        n++;
        i++;
        j++;
      } else if (sa[i] < sb[j]) {
        i++;
      } else {
        j++;
      }
    }
    return n;
  }

  /**
   * Number of neighbours listed.
   *
   * @return N, the length of each list
   */
  public int topN() {
    return metricIds.length;
  }
}
