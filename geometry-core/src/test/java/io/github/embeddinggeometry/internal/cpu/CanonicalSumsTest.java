package io.github.embeddinggeometry.internal.cpu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.embeddinggeometry.Covariance;
import io.github.embeddinggeometry.EmbeddingMatrix;
import io.github.embeddinggeometry.ProgressListener;
import io.github.embeddinggeometry.backend.spi.CanonicalSums;
import io.github.embeddinggeometry.internal.kernel.Kernels;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The canonical order: a fixed tree, so any merge order and any split of groups give one root. */
class CanonicalSumsTest {
  /** The tree written out by hand: node = left + right, or left alone. */
  private static double reference(double[] leaves, int level, int index) {
    if (level == 0) {
      return leaves[index];
    }
    double left = reference(leaves, level - 1, 2 * index);
    int right = 2 * index + 1;
    return (long) right << (level - 1) >= leaves.length
        ? left
        : left + reference(leaves, level - 1, right);
  }

  @Test
  void anyMergeOrderGivesTheTreeOfTheDefinition() {
    Random rnd = new Random(1);
    for (int groups : new int[] {1, 2, 3, 5, 8, 13, 64, 100}) {
      double[] leaves = new double[groups];
      for (int g = 0; g < groups; g++) {
        leaves[g] = rnd.nextGaussian() * Math.pow(10, rnd.nextInt(12));
      }
      int top = 32 - Integer.numberOfLeadingZeros(groups - 1);
      double want = reference(leaves, top, 0);
      for (int trial = 0; trial < 5; trial++) {
        List<Integer> order = new ArrayList<>();
        for (int g = 0; g < groups; g++) {
          order.add(g);
        }
        Collections.shuffle(order, rnd);
        // split the leaves over a few sets, merged in a random order
        List<CanonicalSums.Nodes> sets = new ArrayList<>();
        for (int g : order) {
          if (sets.isEmpty() || rnd.nextInt(3) == 0) {
            sets.add(new CanonicalSums.Nodes(groups));
          }
          sets.get(sets.size() - 1).addLeaf(g, new double[] {leaves[g]});
        }
        Collections.shuffle(sets, rnd);
        CanonicalSums.Nodes all = new CanonicalSums.Nodes(groups);
        for (CanonicalSums.Nodes s : sets) {
          all.merge(s);
        }
        assertThat(all.root()[0]).as("%d groups", groups).isEqualTo(want);
      }
    }
  }

  @Test
  void incompleteTreesAndStrangersAreRefused() {
    CanonicalSums.Nodes n = new CanonicalSums.Nodes(3).addLeaf(0, new double[1]);
    assertThatThrownBy(n::root).hasMessageContaining("incomplete");
    assertThatThrownBy(() -> n.addLeaf(0, new double[1])).hasMessageContaining("twice");
    assertThatThrownBy(() -> n.merge(new CanonicalSums.Nodes(4)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void meanAndCovarianceAreTheSameFromGroupsComputedApart() {
    int n = 3 * CanonicalSums.GROUP_ROWS + 77;
    int d = 19;
    Random rnd = new Random(2);
    float[] x = new float[n * d];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) (0.5 + rnd.nextGaussian());
    }
    EmbeddingMatrix w = EmbeddingMatrix.wrap(x, n, d);
    Covariance moments = Backends().covariance(w, ProgressListener.NONE);
    double[] mean = moments.mean();
    double[] cov = moments.matrix();
    int groups = CanonicalSums.groups(n);
    CanonicalSums.Nodes m = new CanonicalSums.Nodes(groups);
    CanonicalSums.Nodes c = new CanonicalSums.Nodes(groups);
    CovarianceGroups cg = new CovarianceGroups(Kernels.get(), d);
    for (int g = groups - 1; g >= 0; g--) {
      int from = g * CanonicalSums.GROUP_ROWS;
      int to = Math.min(n, from + CanonicalSums.GROUP_ROWS);
      // each group as a matrix of its own, as a distributed task sees it
      EmbeddingMatrix part = w.slice(from, to).compact();
      m.addLeaf(g, CanonicalSums.meanPartial(part, 0, to - from));
      c.addLeaf(g, cg.partial(part, mean, 0, to - from));
    }
    assertThat(CanonicalSums.mean(m.root(), n)).containsExactly(mean);
    assertThat(CanonicalSums.covariance(c.root(), d, n)).containsExactly(cov);
  }

  private static io.github.embeddinggeometry.backend.ComputeBackend Backends() {
    return io.github.embeddinggeometry.backend.Backends.cpu();
  }
}
