package io.github.embeddinggeometry.backend;

import io.github.embeddinggeometry.internal.Settings;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.concurrent.atomic.AtomicBoolean;

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
   * The pure-Java CPU backend, shared by the process; {@code close()} on it does nothing.
   *
   * @return the shared CPU backend
   */
  public static ComputeBackend cpu() {
    synchronized (LOCK) {
      if (sharedCpu == null) {
        sharedCpu = new CheckedBackend(create("cpu"), true);
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
   * @throws UnsupportedOperationException if that backend cannot run here (listing every reason) or
   *     no provider has that name (listing the known names)
   */
  public static ComputeBackend create(String name) {
    Objects.requireNonNull(name, "name");
    String wanted = name.trim().toLowerCase(Locale.ROOT);
    List<BackendProvider> providers = providers();
    if (wanted.equals("best")) {
      List<String> skipped = new ArrayList<>();
      for (BackendProvider p : providers) {
        List<String> reasons = safeReasons(p);
        if (reasons.isEmpty()) {
          try {
            ComputeBackend b = p.create();
            LOG.log(
                ANNOUNCED.compareAndSet(false, true)
                    ? System.Logger.Level.INFO
                    : System.Logger.Level.DEBUG,
                "embedding-geometry backend: "
                    + b.description()
                    + (skipped.isEmpty() ? "" : " (" + String.join("; ", skipped) + ")"));
            return checked(b);
          } catch (RuntimeException | LinkageError e) {
            reasons = List.of(String.valueOf(e.getMessage()));
          }
        }
        skipped.add(p.name() + " not used: " + String.join("; ", reasons));
      }
      throw new UnsupportedOperationException(
          "no backend can run here: " + String.join("; ", skipped));
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
        ComputeBackend b;
        try {
          b = p.create();
        } catch (LinkageError e) {
          throw new UnsupportedOperationException(
              "backend '" + p.name() + "' cannot run here: " + e, e);
        }
        LOG.log(System.Logger.Level.DEBUG, "embedding-geometry backend: " + b.description());
        return checked(b);
      }
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
    try {
      return List.copyOf(p.unavailableReasons());
    } catch (RuntimeException | LinkageError e) {
      return List.of(p.name() + " probe failed: " + e);
    }
  }
}
