package io.github.embeddinggeometry.internal.cpu;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.embeddinggeometry.EmbeddingMatrix;
import io.github.embeddinggeometry.ProgressListener;
import io.github.embeddinggeometry.backend.Backends;
import io.github.embeddinggeometry.metric.MetricSpace;
import io.github.embeddinggeometry.metric.Neighbours;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Lists of row blocks, merged by (distance, row) as a distributed engine merges them, are the
 * single-machine k-NN lists bit for bit, for any cut of the rows (here by an independent merge).
 */
class BlockKnnTest {
  @ParameterizedTest(name = "N={0} d={1} k={2} cuts={3} {4}")
  @CsvSource({
    "2, 3, 1, 1, euclidean",
    "9, 4, 8, 2, cosine",
    "300, 17, 12, 3, euclidean",
    "700, 40, 20, 5, cosine",
    "1100, 64, 25, 4, euclidean",
  })
  void mergedBlockListsAreTheSingleMachineLists(int n, int d, int k, int cuts, String metric) {
    Random rnd = new Random(n * 13L + d);
    float[] x = new float[n * d];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) rnd.nextGaussian();
    }
    // a cluster of k + 5 bitwise-equal rows, so ties at distance 0 go to the lower row
    for (int i = 1; i < Math.min(n, k + 6); i++) {
      System.arraycopy(x, 0, x, i * d, d);
    }
    EmbeddingMatrix w = EmbeddingMatrix.wrap(x, n, d);
    boolean cos = metric.equals("cosine");
    Neighbours want =
        Backends.cpu()
            .distanceKernel(cos ? MetricSpace.cosine() : MetricSpace.euclidean())
            .nearest(w, k, ProgressListener.NONE);
    BlockKnn knn = cos ? BlockKnn.cosine() : BlockKnn.euclidean();
    int[] starts = new int[cuts + 1];
    for (int c = 0; c <= cuts; c++) {
      starts[c] = (int) ((long) n * c / cuts);
    }
    List<List<long[]>> cand = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      cand.add(new ArrayList<>());
    }
    for (int a = 0; a < cuts; a++) {
      for (int b = a; b < cuts; b++) {
        EmbeddingMatrix ma = w.slice(starts[a], starts[a + 1]).compact();
        EmbeddingMatrix mb = w.slice(starts[b], starts[b + 1]).compact();
        if (a == b) {
          add(cand, starts[a], starts[a], knn.within(ma, k));
        } else {
          BlockKnn.Lists[] both = knn.between(ma, mb, k);
          add(cand, starts[a], starts[b], both[0]);
          add(cand, starts[b], starts[a], both[1]);
        }
      }
    }
    for (int i = 0; i < n; i++) {
      List<long[]> c = cand.get(i);
      c.sort(
          (p, q) ->
              p[0] != q[0]
                  ? Float.compare(
                      Float.intBitsToFloat((int) p[0]), Float.intBitsToFloat((int) q[0]))
                  : Long.compare(p[1], q[1]));
      for (int r = 0; r < k; r++) {
        assertThat(c.get(r)[1]).as("row %d rank %d", i, r).isEqualTo(want.index(i, r));
        assertThat((int) c.get(r)[0]).isEqualTo(Float.floatToRawIntBits(want.distance(i, r)));
      }
    }
  }

  private static void add(List<List<long[]>> cand, int rowStart, int otherStart, BlockKnn.Lists l) {
    for (int i = 0; i < l.rows(); i++) {
      for (int r = 0; r < l.k(); r++) {
        int p = i * l.k() + r;
        cand.get(rowStart + i)
            .add(new long[] {Float.floatToRawIntBits(l.distance()[p]), otherStart + l.index()[p]});
      }
    }
  }
}
