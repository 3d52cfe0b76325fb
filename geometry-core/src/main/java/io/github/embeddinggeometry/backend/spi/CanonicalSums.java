package io.github.embeddinggeometry.backend.spi;

import io.github.embeddinggeometry.EmbeddingMatrix;
import io.github.embeddinggeometry.ProgressListener;
import java.io.Serializable;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The one summation order of the column mean and the covariance, shared by the single-machine path
 * and distributed ones (geometry-spark), so that both give the same bits whatever the partitioning
 * and the number of threads.
 *
 * <p><b>The order.</b> Rows are cut into groups of {@link #GROUP_ROWS} (4,096) consecutive rows,
 * group g holding rows {@code [4096 g, min(4096 (g + 1), N))}.
 *
 * <ul>
 *   <li>Mean: a group's partial is {@code s_j = sum w_ij} over its rows in row order, in double,
 *       from 0.
 *   <li>Covariance: rows are centred in double and rounded to float32; a group's partial is the
 *       sum, in double and from 0, of its chunks of {@link #CHUNK_ROWS} rows in order, where a
 *       chunk contributes {@code X^T X} formed in float32 by the micro-kernel (sequential over the
 *       chunk's rows). Rows holding at least 1/16 of their chunk's centred energy are left out of
 *       that product; after each window of 1,024 rows, their outer products (of the centred values
 *       in double) are added in double, entry by entry in row order. Only the upper triangle is
 *       kept (packed row-major, {@code i <= j}).
 *   <li>Partials of groups are combined by a fixed pairwise tree over group indices: node {@code
 *       (l, i)} covers groups {@code [i 2^l, (i + 1) 2^l)}, its value is left child + right child,
 *       or the left child alone when no group falls in the right one. The root is divided by N
 *       (mean) or multiplied by {@code 1.0 / N} (covariance).
 * </ul>
 *
 * Float addition is commutative, so a node's value does not depend on which child arrives first; a
 * node set ({@link Nodes}) can thus be merged in any order and always ends in the same root. Memory
 * on one machine: at most {@code log2(groups) + 1} partials at once.
 *
 * @since 0.1
 */
public final class CanonicalSums {
  /**
   * Rows per group. Large enough that the tree's additions (one d x d/2 array per group) cost
   * little next to a group's products (4,096 d^2 multiply-adds per entry pair), small enough that
   * the rows of a group cut by a block boundary are cheap to ship.
   */
  public static final int GROUP_ROWS = 4096;

  /** Rows per float32 chunk of a covariance group (fixed: not the tuning knob {@code KC}). */
  public static final int CHUNK_ROWS = 256;

  private CanonicalSums() {}

  /**
   * Number of groups of N rows.
   *
   * @param n rows
   * @return {@code ceil(n / GROUP_ROWS)}
   */
  public static int groups(long n) {
    return (int) ((n + GROUP_ROWS - 1) / GROUP_ROWS);
  }

  /**
   * The mean partial of rows {@code [from, to)} (one group, or a part of one in tests).
   *
   * @param w the rows. Not modified.
   * @param from first row (inclusive)
   * @param to last row (exclusive)
   * @return the column sums, in double, in row order
   */
  public static double[] meanPartial(EmbeddingMatrix w, int from, int to) {
    int d = w.dim();
    double[] s = new double[d];
    float[] a = w.backingArray();
    for (int r = from; r < to; r++) {
      int o = w.rowOffsetInt(r);
      for (int j = 0; j < d; j++) {
        s[j] += a[o + j];
      }
    }
    return s;
  }

  /**
   * The column mean {@code mu = (1/N) sum_i W_i} in this order, the group partials in parallel on
   * the library pool: the mean of every backend's covariance.
   *
   * @param w the rows
   * @param progress may cancel (no reports: the pass is short next to the covariance's)
   * @return a new array of length d
   * @throws IllegalArgumentException if w has no rows, or a row holds NaN or infinity (naming the
   *     first such row, its vocabulary id and the column)
   */
  public static double[] mean(EmbeddingMatrix w, ProgressListener progress) {
    Objects.requireNonNull(w, "w");
    Objects.requireNonNull(progress, "progress");
    int n = w.rows();
    if (n == 0) {
      throw new IllegalArgumentException("the mean of a matrix with 0 rows is undefined");
    }
    int groups = groups(n);
    double[][] partial = new double[groups][];
    Parallel.run(
        "mean",
        groups,
        n,
        () -> null,
        (state, g) -> {
          int from = g * GROUP_ROWS;
          int to = Math.min(n, from + GROUP_ROWS);
          partial[g] = meanPartial(w, from, to);
          return to - from;
        },
        Parallel.silent(progress));
    Nodes tree = new Nodes(groups);
    for (int g = 0; g < groups; g++) {
      tree.addLeaf(g, partial[g]);
    }
    double[] root = tree.root();
    for (int j = 0; j < root.length; j++) {
      // A float32 sum in double cannot overflow, so a non-finite sum means a non-finite input:
      // only then are the rows scanned again, to name the first bad one.
      if (!Double.isFinite(root[j])) {
        Arguments.finiteRows(w, 0, n, "rows", "the mean");
      }
    }
    return mean(root, n);
  }

  /**
   * {@code sum / n}, the column mean from the root of the mean tree.
   *
   * @param root the root partial. Not modified.
   * @param n rows summed
   * @return a new array
   */
  public static double[] mean(double[] root, long n) {
    double[] mean = root.clone();
    for (int j = 0; j < mean.length; j++) {
      mean[j] /= n;
    }
    return mean;
  }

  /**
   * Length of a packed upper triangle of a d x d matrix.
   *
   * @param d the dimension
   * @return {@code d (d + 1) / 2}
   */
  public static int packedLength(int d) {
    return Math.toIntExact((long) d * (d + 1) / 2);
  }

  /**
   * The full symmetric d x d covariance from the root of the covariance tree: {@code root * (1.0 /
   * n)}, mirrored.
   *
   * @param root the root partial, packed. Not modified.
   * @param d the dimension
   * @param n rows summed
   * @return row-major d x d, a new array
   */
  public static double[] covariance(double[] root, int d, long n) {
    double[] c = new double[d * d];
    double inv = 1.0 / n;
    int p = 0;
    for (int i = 0; i < d; i++) {
      for (int j = i; j < d; j++, p++) {
        double v = root[p] * inv;
        c[i * d + j] = v;
        c[j * d + i] = v;
      }
    }
    return c;
  }

  /**
   * A set of tree nodes over disjoint group ranges, merged as soon as siblings meet (and promoted
   * when the right sibling holds no group). Adding the leaves of all groups, in any order and
   * through any number of merged sets, leaves exactly the root. Holds at most about {@code 2
   * log2(groups)} nodes when the groups added form one contiguous range.
   *
   * @since 0.1
   */
  public static final class Nodes implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Groups of the tree. */
    private final int groups;

    /** Level of the root. */
    private final int top;

    /** Key {@code (level << 32) | index} to the node's partial. */
    private final TreeMap<Long, double[]> nodes = new TreeMap<>();

    /** Where arrays absorbed by a merge go, for reuse; null: left to the collector. */
    private transient java.util.Deque<double[]> spare;

    /**
     * An empty set for a tree over {@code groups} groups.
     *
     * @param groups groups of the tree, at least 1
     * @throws IllegalArgumentException if {@code groups < 1}
     */
    public Nodes(int groups) {
      if (groups < 1) {
        throw new IllegalArgumentException("a sum needs at least one group; got " + groups);
      }
      this.groups = groups;
      this.top = 32 - Integer.numberOfLeadingZeros(groups - 1);
    }

    /**
     * Hands every array a merge absorbs to {@code pool} (one machine reusing its buffers).
     *
     * @param pool receives the absorbed arrays; not thread-safe, like this set
     * @return this set
     */
    public Nodes recycleInto(java.util.Deque<double[]> pool) {
      this.spare = pool;
      return this;
    }

    /**
     * Adds the partial of group {@code g} (not copied; it becomes a node and may be added into).
     *
     * @param g the group
     * @param partial its packed partial
     * @return this set
     * @throws IllegalArgumentException if {@code g} is outside the tree
     */
    public Nodes addLeaf(int g, double[] partial) {
      if (g < 0 || g >= groups) {
        throw new IllegalArgumentException("group " + g + " outside [0, " + groups + ")");
      }
      add(0, g, partial);
      return this;
    }

    /**
     * Adds an already summed node {@code (level, index)} (not copied).
     *
     * @param level the node's level in the tree (0: a group)
     * @param index its index within the level
     * @param value its packed partial; owned by this set from now on
     * @return this set
     */
    public Nodes addNode(int level, int index, double[] value) {
      add(level, index, value);
      return this;
    }

    /**
     * Merges another set over the same tree into this one.
     *
     * @param other the other set; its arrays become this set's
     * @return this set
     * @throws IllegalArgumentException if the trees differ
     */
    public Nodes merge(Nodes other) {
      if (other.groups != groups) {
        throw new IllegalArgumentException(
            "cannot merge a tree of " + other.groups + " groups into one of " + groups);
      }
      for (Map.Entry<Long, double[]> e : other.nodes.entrySet()) {
        add((int) (e.getKey() >>> 32), (int) (long) e.getKey(), e.getValue());
      }
      return this;
    }

    /**
     * The smallest group index covered, or -1 when empty (for grouping nearby sets).
     *
     * @return the group, or -1
     */
    public int firstGroup() {
      int best = -1;
      for (long key : nodes.keySet()) {
        int g = (int) key << (int) (key >>> 32);
        best = best < 0 ? g : Math.min(best, g);
      }
      return best;
    }

    /**
     * Number of nodes held.
     *
     * @return the count
     */
    public int size() {
      return nodes.size();
    }

    /**
     * The root's partial.
     *
     * @return the root partial, held by this set
     * @throws IllegalStateException when some group has not been added
     */
    public double[] root() {
      double[] r = nodes.get((long) top << 32);
      if (nodes.size() != 1 || r == null) {
        throw new IllegalStateException(
            "sum incomplete: " + nodes.size() + " nodes left of a tree of " + groups + " groups");
      }
      return r;
    }

    private void add(int level, int index, double[] value) {
      while (level < top) {
        int sibling = index ^ 1;
        if ((index & 1) == 0 && ((long) sibling << level) >= groups) {
          // No group in the right sibling: the node is its own parent.
        } else {
          double[] other = nodes.remove(key(level, sibling));
          if (other == null) {
            break;
          }
          for (int i = 0; i < value.length; i++) {
            value[i] += other[i];
          }
          if (spare != null) {
            spare.push(other);
          }
        }
        level++;
        index >>>= 1;
      }
      if (nodes.putIfAbsent(key(level, index), value) != null) {
        throw new IllegalStateException("node (" + level + ", " + index + ") added twice");
      }
    }

    private static long key(int level, int index) {
      return ((long) level << 32) | (index & 0xffffffffL);
    }

    @Override
    public String toString() {
      return "Nodes" + Arrays.toString(nodes.keySet().toArray());
    }
  }
}
