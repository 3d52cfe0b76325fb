package io.github.embeddinggeometry.backend;

import io.github.embeddinggeometry.internal.Settings;
import io.github.embeddinggeometry.internal.kernel.SimdProvider;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;
import java.util.function.Supplier;

/**
 * The one place that chooses a backend, and the entry point for getting one.
 *
 * <p>Backends are found with {@link ServiceLoader} as {@link BackendProvider}s (the CPU backend of
 * this module like any other; {@code geometry-cuda} adds {@code cuda}). The system property {@code
 * embgeo.backend} names the one {@link #get()} returns: {@code best} (the default: the available
 * backend of highest priority), {@code cpu}, or a provider's name such as {@code cuda}.
 *
 * <p><b>Logging.</b> The library logs through {@link System.Logger}, under names starting with
 * {@code io.github.embeddinggeometry}. The first backend chosen as {@code best} is announced in one
 * INFO line per JVM, saying which backend runs and why others were not used (e.g. no NVIDIA driver:
 * that is the normal case on a machine without a GPU, never a warning); later choices and backends
 * asked for by name are logged at DEBUG. Set the level of the logger {@code
 * io.github.embeddinggeometry} to WARNING to turn that line off (see <a
 * href="{@docRoot}/io/github/embeddinggeometry/doc-files/using.html#logging">logging</a>).
 *
 * <p>Every backend this class returns runs behind one argument-checking layer: shapes, row ranges,
 * output buffers, {@code k}, and finiteness of the rows are checked there, with messages that name
 * the row and its vocabulary id, before any implementation sees the arguments. Implementations
 * therefore do arithmetic only, and every backend rejects bad input the same way.
 *
 * <p><b>Ownership.</b> {@link #get()} and {@link #cpu()} return a process-wide backend that the
 * library owns: calling {@code close()} on it does nothing, so no caller can close it under
 * another. {@link #create(String)} returns a new backend that the caller owns and must close (a GPU
 * backend holds device memory). Distance kernels are always owned by the caller that asked for
 * them.
 *
 * <p>Thread-safe.
 *
 * @since 0.1
 */
public final class Backends {
  private static final System.Logger LOG = System.getLogger(Backends.class.getName());

  /** Where the choice is reported; tests replace it to see the lines. */
  static volatile BiConsumer<System.Logger.Level, String> log = LOG::log;

  private static final String CPU = "cpu";
  private static final Object LOCK = new Object();
  private static ComputeBackend shared;
  private static String sharedFailure;
  private static ComputeBackend sharedCpu;

  /** Set once the INFO line naming the chosen backend has been logged: one per JVM. */
  private static final AtomicBoolean ANNOUNCED = new AtomicBoolean();

  private Backends() {}

  /**
   * The backend named by {@code -Dembgeo.backend} (default {@code best}), created on first use and
   * shared by the whole process; {@code close()} on it does nothing.
   *
   * @return the shared backend
   * @throws UnsupportedOperationException on every call, with every reason, when the backend asked
   *     for cannot run here or no provider has that name
   */
  public static ComputeBackend get() {
    synchronized (LOCK) {
      if (shared != null) {
        return shared;
      }
      if (sharedFailure != null) {
        throw new UnsupportedOperationException(sharedFailure);
      }
      try {
        shared = new CheckedBackend(create(Settings.backend()), true);
        return shared;
      } catch (UnsupportedOperationException e) {
        sharedFailure = e.getMessage();
        throw e;
      }
    }
  }

  /**
   * What the CPU backend computes with here, in lines for people (the command line's {@code info}):
   * the CPU, the JDK, the vector width, the tile kernel and how it was chosen, and the rate of
   * every micro-tile shape the calibration timed. The first call may calibrate (about a quarter of
   * a second, once per machine and JDK). The wording may change between versions.
   *
   * @return the lines, without line ends
   * @since 0.1
   */
  public static List<String> cpuReport() {
    return SimdProvider.get().describe();
  }

  /**
   * The pure-Java CPU backend, shared by the process; {@code close()} on it does nothing.
   *
   * @return the shared CPU backend
   */
  public static ComputeBackend cpu() {
    synchronized (LOCK) {
      if (sharedCpu == null) {
        sharedCpu = new CheckedBackend(create(CPU), true);
      }
      return sharedCpu;
    }
  }

  /**
   * A new backend by name: {@code best}, {@code cpu}, {@code cuda}, or any other provider's name.
   * The caller owns it and closes it.
   *
   * @param name the backend's name, ignoring case and surrounding blanks
   * @return a new backend behind the library's argument checks
   * @throws UnsupportedOperationException if that backend cannot run here (listing every reason),
   *     its module is missing (naming the artifact to add, e.g. {@code
   *     io.github.embeddinggeometry:geometry-cuda} for {@code cuda}) or no provider has that name
   *     (listing the known names)
   */
  public static ComputeBackend create(String name) {
    Objects.requireNonNull(name, "name");
    return create(name, providers());
  }

  /** The choice itself, over a given list of providers (highest priority first). */
  static ComputeBackend create(String name, List<BackendProvider> providers) {
    String wanted = name.trim().toLowerCase(Locale.ROOT);
    if (wanted.equals("best")) {
      List<String> unavailable = new ArrayList<>();
      List<String> failed = new ArrayList<>();
      for (BackendProvider p : providers) {
        List<String> reasons = safeReasons(p);
        if (reasons.isEmpty()) {
          reasons = safeReasons(p.name(), p::notBestReasons);
        }
        if (!reasons.isEmpty()) {
          // the normal case on a machine without that hardware: said at INFO, not as a warning
          unavailable.add(p.name() + " not used: " + String.join("; ", reasons));
          continue;
        }
        String problem;
        try {
          ComputeBackend b = verified(p, p.create());
          String line =
              "embedding-geometry backend: "
                  + b.description()
                  + (failed.isEmpty() && unavailable.isEmpty()
                      ? ""
                      : " (" + String.join("; ", join(failed, unavailable)) + ")");
          // One line: a WARNING when a backend that should have run did not; else INFO for the
          // first choice in this JVM and DEBUG after it, so a library stays quiet.
          log.accept(
              !failed.isEmpty()
                  ? System.Logger.Level.WARNING
                  : ANNOUNCED.compareAndSet(false, true)
                      ? System.Logger.Level.INFO
                      : System.Logger.Level.DEBUG,
              line);
          return b;
        } catch (RuntimeException | LinkageError e) {
          problem = String.valueOf(e.getMessage());
        }
        failed.add(p.name() + " not used: " + problem);
      }
      throw new UnsupportedOperationException(
          "no backend can run here: " + String.join("; ", join(failed, unavailable)));
    }
    List<String> names = new ArrayList<>();
    for (BackendProvider p : providers) {
      names.add(p.name());
      if (p.name().equalsIgnoreCase(wanted)) {
        List<String> reasons = safeReasons(p);
        if (!reasons.isEmpty()) {
          throw new UnsupportedOperationException(
              "backend '" + p.name() + "' cannot run here: " + String.join("; ", reasons));
        }
        try {
          return verified(p, p.create());
        } catch (LinkageError e) {
          throw new UnsupportedOperationException(
              "backend '" + p.name() + "' cannot run here: " + e, e);
        }
      }
    }
    String artifact = ARTIFACTS.get(wanted);
    if (artifact != null) {
      throw new UnsupportedOperationException(
          "backend '"
              + wanted
              + "' is not on the class or module path: add the artifact "
              + artifact
              + " (same version as geometry-core); available here: best, "
              + String.join(", ", names));
    }
    throw new UnsupportedOperationException(
        "unknown backend '"
            + name
            + "'; known: best, "
            + String.join(", ", names)
            + " (-D"
            + Settings.BACKEND
            + ")");
  }

  /** The artifact that provides each backend this project publishes outside geometry-core. */
  private static final Map<String, String> ARTIFACTS =
      Map.of(
          "cuda", "io.github.embeddinggeometry:geometry-cuda",
          "spark", "io.github.embeddinggeometry:geometry-spark",
          "blas", "io.github.embeddinggeometry:geometry-blas");

  /**
   * A new backend, checked, after it passed the start-up agreement check against the CPU backend
   * (every backend but the CPU one, which is the reference).
   *
   * @throws UnsupportedOperationException naming the disagreement; the candidate is closed
   */
  private static ComputeBackend verified(BackendProvider p, ComputeBackend candidate) {
    if (!p.name().equals(CPU)) {
      String problem = AgreementCheck.disagreement(checked(candidate), cpu());
      if (problem != null) {
        candidate.close();
        throw new UnsupportedOperationException(
            "backend '"
                + p.name()
                + "' failed its start-up agreement check with the CPU: "
                + problem);
      }
    }
    return checked(candidate);
  }

  private static List<String> join(List<String> a, List<String> b) {
    List<String> out = new ArrayList<>(a);
    out.addAll(b);
    return out;
  }

  /**
   * Puts the library's argument checks in front of a backend (idempotent). For implementers of
   * {@link BackendProvider} and their tests; backends from this class already have them.
   *
   * @param backend any backend
   * @return a backend that checks every argument, then delegates; closing it closes {@code backend}
   */
  public static ComputeBackend checked(ComputeBackend backend) {
    Objects.requireNonNull(backend, "backend");
    return backend instanceof CheckedBackend ? backend : new CheckedBackend(backend, false);
  }

  /**
   * All providers found.
   *
   * @return the providers, highest priority first (ties: by name); a provider that fails to load is
   *     left out with a WARNING
   */
  public static List<BackendProvider> providers() {
    List<BackendProvider> out = new ArrayList<>();
    ServiceLoader<BackendProvider> loader =
        ServiceLoader.load(BackendProvider.class, Backends.class.getClassLoader());
    for (var it = loader.iterator(); ; ) {
      try {
        if (!it.hasNext()) {
          break;
        }
        BackendProvider p = it.next();
        if (out.stream().noneMatch(q -> q.name().equalsIgnoreCase(p.name()))) {
          out.add(p);
        }
      } catch (ServiceConfigurationError | LinkageError e) {
        LOG.log(System.Logger.Level.WARNING, "backend provider could not be loaded: " + e);
      }
    }
    out.sort(
        Comparator.comparingInt(BackendProvider::priority)
            .reversed()
            .thenComparing(BackendProvider::name));
    return out;
  }

  private static List<String> safeReasons(BackendProvider p) {
    return safeReasons(p.name(), p::unavailableReasons);
  }

  private static List<String> safeReasons(String name, Supplier<List<String>> probe) {
    try {
      return List.copyOf(probe.get());
    } catch (RuntimeException | LinkageError e) {
      return List.of(name + " probe failed: " + e);
    }
  }
}
