package io.github.embeddinggeometry.analysis;

import io.github.embeddinggeometry.EmbeddingMatrix;
import io.github.embeddinggeometry.ProgressListener;
import io.github.embeddinggeometry.backend.spi.Arguments;
import io.github.embeddinggeometry.metric.DistanceKernel;
import io.github.embeddinggeometry.metric.Neighbours;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Near-duplicate clusters (see <a
 * href="{@docRoot}/io/github/embeddinggeometry/doc-files/definitions.html#near-duplicate-clusters">near-duplicate
 * clusters</a>, notebooks 1.4g-1.4h): the connected components of the graph joining rows at
 * distance {@code <= eps} ({@code eps = 0}: the exact-duplicate classes).
 *
 * <p>Components are found by union-find fed from a streaming pass over the upper triangle of the
 * distance matrix (never materialised). Pairs whose distance lies within float32 rounding of eps
 * may legitimately join or not depending on the backend. Instances are immutable apart from the
 * cached void width, and thread-safe.
 *
 * @since 0.1
 */
public final class NearDuplicateClusters {
  private final EmbeddingMatrix w;
  private final double eps;
  private final DistanceKernel kernel;

  /** Per row: the lowest row of its component. */
  private final int[] labels;

  /** Labels of the components, largest first, ties by lowest row. */
  private final int[] order;

  /** Size per label (indexed by row; only label rows are meaningful). */
  private final int[] sizeOf;

  private Double voidWidth;

  private NearDuplicateClusters(
      EmbeddingMatrix w,
      double eps,
      DistanceKernel kernel,
      int[] labels,
      int[] order,
      int[] sizeOf) {
    this.w = w;
    this.eps = eps;
    this.kernel = kernel;
    this.labels = labels;
    this.order = order;
    this.sizeOf = sizeOf;
  }

  /**
   * Finds the components.
   *
   * @param w the rows, at least 1. Not modified; kept by the result (for ids and the void).
   * @param eps distance threshold, finite and &gt;= 0, in the kernel's distance units
   * @param kernel computes the distances; kept by the result for {@link #voidWidth}
   * @param progress receives progress (pairs) and may cancel. Not modified.
   * @return the components
   * @throws IllegalArgumentException if {@code w} has no rows, {@code eps} is negative or not
   *     finite, or a row is not finite
   * @throws java.util.concurrent.CancellationException if {@code progress} cancels
   */
  public static NearDuplicateClusters find(
      EmbeddingMatrix w, double eps, DistanceKernel kernel, ProgressListener progress) {
    Objects.requireNonNull(w, "w");
    Objects.requireNonNull(kernel, "kernel");
    Objects.requireNonNull(progress, "progress");
    if (!(eps >= 0) || !Double.isFinite(eps)) {
      throw new IllegalArgumentException("eps must be finite and >= 0; got " + eps);
    }
    int n = w.rows();
    if (n < 1) {
      throw new IllegalArgumentException("no rows to cluster");
    }
    int[] parent = new int[n];
    Arrays.setAll(parent, i -> i);
    if (n > 1) {
      UpperTriangle.stream(
          w,
          kernel,
          "near-duplicate clusters",
          progress,
          (i, j0, block, off, len) -> {
            int[] js = null;
            int m = 0;
            for (int t = 0; t < len; t++) {
              if (block[off + t] <= eps) {
                if (js == null) {
                  js = new int[Math.min(len, 64)];
                } else if (m == js.length) {
                  js = Arrays.copyOf(js, Math.min(len, 2 * m));
                }
                js[m++] = j0 + t;
              }
            }
            if (m > 0) {
              synchronized (parent) {
                for (int q = 0; q < m; q++) {
                  union(parent, i, js[q]);
                }
              }
            }
          });
    }
    int[] labels = new int[n];
    int[] sizeOf = new int[n];
    // Union keeps the smaller root, so each root is the lowest row of its component.
    for (int i = 0; i < n; i++) {
      labels[i] = find(parent, i);
      sizeOf[labels[i]]++;
    }
    int comps = 0;
    for (int i = 0; i < n; i++) {
      if (labels[i] == i) {
        comps++;
      }
    }
    Integer[] ord = new Integer[comps];
    int c = 0;
    for (int i = 0; i < n; i++) {
      if (labels[i] == i) {
        ord[c++] = i;
      }
    }
    // Stable: equal sizes keep ascending lowest row (= lowest id).
    Arrays.sort(ord, (a, b) -> Integer.compare(sizeOf[b], sizeOf[a]));
    int[] order = new int[comps];
    for (int i = 0; i < comps; i++) {
      order[i] = ord[i];
    }
    return new NearDuplicateClusters(w, eps, kernel, labels, order, sizeOf);
  }

  private static int find(int[] parent, int x) {
    while (parent[x] != x) {
      parent[x] = parent[parent[x]];
      x = parent[x];
    }
    return x;
  }

  private static void union(int[] parent, int a, int b) {
    int ra = find(parent, a);
    int rb = find(parent, b);
    if (ra < rb) {
      parent[rb] = ra;
    } else if (rb < ra) {
      parent[ra] = rb;
    }
  }

  /**
   * The rows the components are of.
   *
   * @return the matrix given to {@link #find}
   */
  public EmbeddingMatrix matrix() {
    return w;
  }

  /**
   * The threshold eps.
   *
   * @return eps, in the kernel's distance units
   */
  public double eps() {
    return eps;
  }

  /**
   * Number of components, singletons included.
   *
   * @return the count
   */
  public int componentCount() {
    return order.length;
  }

  /**
   * Number of components of one row.
   *
   * @return the count
   */
  public int singletonCount() {
    int s = 0;
    for (int label : order) {
      if (sizeOf[label] == 1) {
        s++;
      }
    }
    return s;
  }

  /**
   * Component sizes, largest first (ties: the component holding the lower row first).
   *
   * @return a new array, one size per component
   */
  public int[] sizes() {
    int[] out = new int[order.length];
    for (int i = 0; i < order.length; i++) {
      out[i] = sizeOf[order[i]];
    }
    return out;
  }

  /**
   * Label of each row: the row position of the lowest row in its component, so two rows are in the
   * same component if and only if their labels are equal.
   *
   * @return a new array, one label per row
   */
  public int[] labels() {
    return labels.clone();
  }

  /**
   * Vocabulary ids of every component of at least {@code minSize} rows.
   *
   * @param minSize smallest component size to list (2: the clusters, no singletons)
   * @return one array of ids per component, each ascending; components largest first (ties: the one
   *     holding the lowest id first)
   */
  public List<int[]> components(int minSize) {
    List<int[]> out = new ArrayList<>();
    for (int label : order) {
      if (sizeOf[label] >= minSize) {
        out.add(idsOf(label));
      }
    }
    return out;
  }

  private int[] idsOf(int label) {
    int[] ids = new int[sizeOf[label]];
    int m = 0;
    for (int i = label; i < labels.length && m < ids.length; i++) {
      if (labels[i] == label) {
        ids[m++] = w.id(i);
      }
    }
    return ids;
  }

  /**
   * Size of the largest component.
   *
   * @return the number of rows in it
   */
  public int largestSize() {
    return sizeOf[order[0]];
  }

  /**
   * Vocabulary ids of the largest component (ties: the component holding the lowest id).
   *
   * @return a new array, ascending
   */
  public int[] largestIds() {
    return idsOf(order[0]);
  }

  /**
   * The "void" around the largest component: the smallest distance from one of its rows to a row
   * outside it, minus the largest nearest-neighbour distance inside it. Positive when the cluster
   * is separated from the rest by more than its own spacing. Computed on the first call with the
   * kernel given to {@link #find} (a pass over cluster size x N distances), then cached.
   *
   * @param progress receives progress and may cancel. Not modified.
   * @return the void width in the kernel's distance units; NaN when the largest component is a
   *     singleton or holds every row
   * @throws java.util.concurrent.CancellationException if {@code progress} cancels
   */
  public synchronized double voidWidth(ProgressListener progress) {
    if (voidWidth == null) {
      voidWidth = computeVoid(progress);
    }
    return voidWidth;
  }

  private double computeVoid(ProgressListener progress) {
    int label = order[0];
    int m = sizeOf[label];
    if (m < 2 || m == w.rows()) {
      return Double.NaN;
    }
    EmbeddingMatrix cluster = w.select(largestIds());
    float[] outside = {Float.POSITIVE_INFINITY};
    kernel.forEachBlock(
        cluster,
        w,
        UpperTriangle.BLOCK_ROWS,
        (from, to, block, stride) -> {
          ProgressListener.checkCancelled(progress);
          float mn = Float.POSITIVE_INFINITY;
          for (int q = from; q < to; q++) {
            int o = (q - from) * stride;
            for (int j = 0; j < labels.length; j++) {
              if (labels[j] != label) {
                mn = Math.min(mn, block[o + j]);
              }
            }
          }
          synchronized (outside) {
            outside[0] = Math.min(outside[0], mn);
          }
        },
        progress);
    Neighbours inside = kernel.nearest(cluster, 1, progress);
    double spacing = 0;
    for (int i = 0; i < m; i++) {
      spacing = Math.max(spacing, inside.distance(i, 0));
    }
    return (double) outside[0] - spacing;
  }

  /**
   * Centroid of the largest component (float32, accumulated in double).
   *
   * @return a new array of length d
   */
  public float[] largestCentroid() {
    return centroid(w, largestIds());
  }

  /**
   * The unweighted mean of the rows with the given vocabulary ids (see <a
   * href="{@docRoot}/io/github/embeddinggeometry/doc-files/definitions.html#cluster-centroid">cluster
   * centroid</a>), accumulated in double and rounded to float32.
   *
   * @param w the rows. Not modified.
   * @param ids vocabulary ids, sorted and de-duplicated before use; at least one. Not modified.
   * @return a new array of length d
   * @throws IllegalArgumentException if no id is given, one is not a row of w, or a selected row is
   *     not finite
   */
  public static float[] centroid(EmbeddingMatrix w, int[] ids) {
    Objects.requireNonNull(w, "w");
    Objects.requireNonNull(ids, "ids");
    EmbeddingMatrix sel = w.select(ids);
    if (sel.rows() == 0) {
      throw new IllegalArgumentException("the centroid of no rows is undefined");
    }
    int d = w.dim();
    double[] s = new double[d];
    float[] a = sel.backingArray();
    for (int r = 0; r < sel.rows(); r++) {
      int o = sel.rowOffsetInt(r);
      for (int j = 0; j < d; j++) {
        if (!Float.isFinite(a[o + j])) {
          int row = w.rowOf(sel.id(r)); // named by its row in w, not in the selection
          Arguments.finiteRows(w, row, row + 1, "rows", "a centroid");
        }
        s[j] += a[o + j];
      }
    }
    float[] out = new float[d];
    for (int j = 0; j < d; j++) {
      out[j] = (float) (s[j] / sel.rows());
    }
    return out;
  }
}
