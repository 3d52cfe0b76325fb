package io.github.embeddinggeometry.cli;

import io.github.embeddinggeometry.frame.BoundingBox;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The command-line options, grouped so that each subcommand mixes in the groups it uses. */
final class Options {
  /**
   * Upper bound of {@code --k}, {@code --top} and {@code --bins}, checked before anything is
   * allocated: the notebooks use 20, 30 and 30; k-NN lists take k x rows x 8 bytes.
   */
  static final int MAX_SIZE = 10_000;

  private Options() {}

  /** Fails with exit 2 unless {@code value} is in {@code 1..max}. */
  static void checkSize(String option, long value, long max) {
    if (value < 1 || value > max) {
      throw new UserInputException(
          String.format(
              java.util.Locale.ROOT, "%s must be in 1..%,d; got %,d", option, max, value));
    }
  }

  /**
   * A folder named on the command line, checked before anything is written: an empty name (an unset
   * shell variable) would mean the current folder, and a name holding U+FFFD is one whose bytes
   * Java could not decode in the platform's file-name encoding (it replaces them by U+FFFD and
   * would write into a folder of another name). A real U+FFFD in a folder name is refused too: it
   * cannot be told apart.
   */
  static Path folder(String option, String name) {
    if (name.isEmpty()) {
      throw new UserInputException(
          option + " is empty (an unset shell variable?); name a folder, e.g. out");
    }
    if (name.indexOf('\uFFFD') >= 0) {
      throw new UserInputException(
          option
              + " "
              + name
              + ": the name holds bytes that are not valid in the file-name encoding ("
              + System.getProperty("sun.jnu.encoding", "unknown")
              + "; set LANG to a UTF-8 locale) or the character U+FFFD; choose another folder name");
    }
    try {
      return Path.of(name);
    } catch (java.nio.file.InvalidPathException e) {
      throw new UserInputException(
          option + " " + name + ": not a valid path (" + e.getReason() + ")", e);
    }
  }

  /** Where the data comes from and where results go. */
  static final class ModelOptions {
    @Option(
        names = "--model",
        defaultValue = "minilm",
        paramLabel = "MODEL",
        description = {
          "minilm (default: all-MiniLM-L6-v2 word embeddings from the classpath, no download),",
          "a Hugging Face model directory, FILE.safetensors[:TENSOR], FILE.npy or"
              + " FILE.onnx[:INITIALIZER]"
        })
    String model;

    @Option(
        names = "--tokenizer",
        paramLabel = "FILE",
        description = "tokenizer.json for decoding token text (default: the model's own, if any)")
    Path tokenizer;

    @Option(
        names = "--out",
        paramLabel = "DIR",
        description = {
          "output folder (default: out/<subcommand>; for 'all': out, one folder each); one run",
          "writes into a folder at a time, and never over a file it reads"
        })
    String out;

    @Option(
        names = "--wait",
        description = {
          "when another run is writing into the output folder, wait for it to finish",
          "(default: exit 2 at once; one run writes into a folder at a time)"
        })
    boolean wait;

    @Option(
        names = {"-q", "--quiet"},
        description = "print nothing but errors")
    boolean quiet;

    @Option(
        names = "--debug",
        description = "print the stack trace of an internal error (it always goes to a log file)")
    boolean debug;

    /** {@code --out}, checked ({@link Options#folder}), or {@code fallback} when not given. */
    Path out(Path fallback) {
      return out == null ? fallback : folder("--out", out);
    }
  }

  /** The PC basis and the bounding box of notebooks 1.4a/1.4b. */
  static final class BasisOptions {
    @Option(
        names = "--north",
        defaultValue = "" + Defaults.NORTH,
        paramLabel = "PC",
        description = "signed 1-based PC index of the NORTH axis (default: ${DEFAULT-VALUE})")
    int north;

    @Option(
        names = "--meridian",
        defaultValue = "" + Defaults.MERIDIAN,
        paramLabel = "PC",
        description = "PC index of the MERIDIAN axis (default: ${DEFAULT-VALUE})")
    int meridian;

    @Option(
        names = "--equinox",
        defaultValue = "" + Defaults.EQUINOX,
        paramLabel = "PC",
        description = "PC index of the EQUINOX axis (default: ${DEFAULT-VALUE})")
    int equinox;

    @Option(
        names = "--box",
        split = ",",
        arity = "1",
        paramLabel = "LAT_MIN,LAT_MAX,LON_MIN,LON_MAX,R_MIN,R_MAX",
        description = {
          "bounding box in degrees and PC units, bounds inclusive",
          "(default: 40,70,0,40,0.25,0.45 for all-MiniLM-L6-v2, known by its values however"
              + " --model names it; the notebooks' -15,5,-10,20,0.2,0.5 otherwise)"
        })
    double[] box;

    /** The three axes must be three different PCs (a sign only flips an axis). */
    void checkAxes() {
      int[] pcs = {north, meridian, equinox};
      String[] names = {"--north", "--meridian", "--equinox"};
      for (int i = 0; i < 3; i++) {
        if (pcs[i] == 0) {
          throw new UserInputException(
              names[i] + " must be a PC index 1..d (negative flips); got 0");
        }
        for (int j = 0; j < i; j++) {
          if (Math.abs(pcs[i]) == Math.abs(pcs[j])) {
            throw new UserInputException(
                names[j]
                    + " "
                    + pcs[j]
                    + " and "
                    + names[i]
                    + " "
                    + pcs[i]
                    + " are the same PC: the three axes need three different PCs");
          }
        }
      }
    }

    /**
     * The box, checked with the axes: every command that selects rows calls it before loading (the
     * PC indices beyond d can only be checked once the model is loaded).
     */
    BoundingBox box(boolean minilm) {
      checkAxes();
      if (box == null) {
        return Defaults.box(minilm);
      }
      if (box.length != 6) {
        throw new UserInputException(
            "--box needs 6 comma-separated numbers"
                + " LAT_MIN,LAT_MAX,LON_MIN,LON_MAX,R_MIN,R_MAX; got "
                + box.length);
      }
      // The figures draw the box (a close-up of it) and the rows' radii: finite, on the sphere.
      String[] names = {"LAT_MIN", "LAT_MAX", "LON_MIN", "LON_MAX", "R_MIN", "R_MAX"};
      double[] limits = {90, 90, 180, 180, Float.MAX_VALUE, Float.MAX_VALUE};
      for (int i = 0; i < 6; i++) {
        double lo = i < 4 ? -limits[i] : 0;
        if (!(box[i] >= lo && box[i] <= limits[i])) {
          throw new UserInputException(
              "--box "
                  + names[i]
                  + " must be in "
                  + (i < 4 ? (long) lo + ".." + (long) limits[i] : "0.." + Float.MAX_VALUE)
                  + "; got "
                  + box[i]);
        }
      }
      try {
        return new BoundingBox(box[0], box[1], box[2], box[3], box[4], box[5]);
      } catch (IllegalArgumentException e) {
        throw new UserInputException("--box: " + e.getMessage(), e);
      }
    }
  }

  /** Near-duplicate clusters (1.4g-1.4h, 1.6a). */
  static final class ClusterOptions {
    /** The largest float32, the type distances are compared in. */
    static final double MAX_EPS = Float.MAX_VALUE;

    @Option(
        names = "--eps",
        paramLabel = "EPS",
        description =
            "join rows at distance <= EPS (default: 0.27 for all-MiniLM-L6-v2, 0 = exact"
                + " duplicates otherwise)")
    Double eps;

    double eps(boolean minilm) {
      double e = eps == null ? Defaults.eps(minilm) : eps;
      // Distances are float32: a larger eps joins the same rows and breaks the histogram's axis.
      if (!(e >= 0 && e <= MAX_EPS)) {
        throw new UserInputException("--eps must be in 0.." + MAX_EPS + "; got " + e);
      }
      return e;
    }
  }

  /** The causal k-NN density of "Local Density vs Causal Norm" and "Densest Point". */
  static final class KnnOptions {
    @Option(
        names = "--k",
        defaultValue = "" + Defaults.K,
        paramLabel = "K",
        description = "neighbours of the k-NN density (default: ${DEFAULT-VALUE})")
    int k;

    @Option(
        names = "--metric",
        defaultValue = "inverse-covariance",
        paramLabel = "FILE|inverse-covariance",
        description = {
          "causal metric tensor M: a file (.pt dict with 'M', .safetensors[:TENSOR], .npy) or",
          "inverse-covariance (default): M = (C + ridge I)^-1 of the whole matrix"
        })
    String metric;

    @Option(
        names = "--ridge",
        defaultValue = "0",
        paramLabel = "EPS",
        description = "ridge added to C before inverting (default: ${DEFAULT-VALUE})")
    double ridge;

    @Option(
        names = "--sample",
        defaultValue = "" + Defaults.SAMPLE,
        paramLabel = "N",
        description =
            "rows sampled for the k-NN analyses, all when fewer (default: ${DEFAULT-VALUE})")
    int sample;

    @Option(
        names = "--seed",
        defaultValue = "0",
        paramLabel = "SEED",
        description = "seed of the row sample (default: ${DEFAULT-VALUE})")
    long seed;

    void check() {
      checkSize("--k", k, MAX_SIZE);
      if (sample < 2) {
        throw new UserInputException("--sample must be >= 2; got " + sample);
      }
      if (!(ridge >= 0) || !Double.isFinite(ridge)) {
        throw new UserInputException("--ridge must be finite and >= 0; got " + ridge);
      }
    }
  }

  /** Density vs causal norm. */
  static final class ProfileOptions {
    @Option(
        names = "--d-eff",
        paramLabel = "D",
        description =
            "effective dimension of the volumetric density (default: the participation"
                + " ratio, rounded)")
    Integer dEff;

    @Option(
        names = "--bins",
        defaultValue = "" + Defaults.BINS,
        paramLabel = "B",
        description = "bins of the radial profile (default: ${DEFAULT-VALUE})")
    int bins;

    void check() {
      checkSize("--bins", bins, MAX_SIZE);
      if (dEff != null && dEff < 1) {
        throw new UserInputException("--d-eff must be >= 1; got " + dEff);
      }
    }
  }

  /** Densest point. */
  static final class DensestOptions {
    @Option(
        names = "--top",
        defaultValue = "" + Defaults.TOP,
        paramLabel = "N",
        description = "neighbours listed for the densest point (default: ${DEFAULT-VALUE})")
    int top;

    void check() {
      checkSize("--top", top, MAX_SIZE);
    }
  }

  /** Figures. */
  static final class FigureOptions {
    @Option(
        names = "--colormap",
        defaultValue = "inferno",
        paramLabel = "NAME",
        description = "inferno (default) or viridis")
    String colormap;
  }

  /** The distance-matrix file of 1.4b. */
  static final class PairwiseOptions {
    @Option(
        names = "--force",
        description = "write distances.safetensors even above 20,000 selected rows (n^2 x 4 bytes)")
    boolean force;
  }

  /** The k-NN and covariance on an Apache Spark cluster (the backend "spark"). */
  static final class SparkOptions {
    @Option(
        names = "--spark",
        paramLabel = "MASTER",
        description =
            "run the k-NN, distances and covariance on Apache Spark: local[4], spark://HOST:7077,"
                + " yarn ... (the same numbers, bit for bit; ./geometry fetches Spark the first"
                + " time)")
    String master;
  }
}
