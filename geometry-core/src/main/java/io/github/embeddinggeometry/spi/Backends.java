package io.github.embeddinggeometry.spi;

import io.github.embeddinggeometry.internal.cpu.CpuBackendProvider;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.ServiceLoader;

/**
 * The one place that chooses a backend.
 *
 * <p>The system property {@code embgeo.backend} selects one: {@code best} (the default: the
 * highest-priority available backend, falling back to {@code cpu}), {@code cpu}, or a provider's
 * name such as {@code cuda}. A backend asked for by name that cannot run throws {@link
 * UnsupportedOperationException} listing every reason; only {@code best} falls back.
 *
 * @since 0.1
 */
public final class Backends {
  /** System property naming the backend. */
  public static final String PROPERTY = "embgeo.backend";

  private static final System.Logger LOG = System.getLogger(Backends.class.getName());

  private Backends() {}

  private static final class Holder {
    static final ComputeBackend DEFAULT = create(System.getProperty(PROPERTY, "best"));
  }

  /** The backend chosen by {@code -Dembgeo.backend} (default {@code best}), created once. */
  public static ComputeBackend get() {
    return Holder.DEFAULT;
  }

  /** The pure-Java CPU backend. */
  public static ComputeBackend cpu() {
    return CpuBackendProvider.shared();
  }

  /**
   * Creates the backend named {@code name} ("best", "cpu", "cuda", ...). The caller owns and closes a
   * non-CPU backend.
   *
   * @throws UnsupportedOperationException if that backend cannot run here, listing why
   * @throws IllegalArgumentException if no provider has that name
   */
  public static ComputeBackend create(String name) {
    String wanted = name.trim().toLowerCase(Locale.ROOT);
    List<BackendProvider> providers = providers();
    if (wanted.equals("best")) {
      for (BackendProvider p : providers) {
        List<String> reasons = safeReasons(p);
        if (reasons.isEmpty()) {
          try {
            ComputeBackend b = p.create();
            LOG.log(System.Logger.Level.INFO, "embedding-geometry backend: " + b.description());
            return b;
          } catch (RuntimeException | LinkageError e) {
            reasons = List.of(String.valueOf(e.getMessage()));
          }
        }
        for (String r : reasons) {
          LOG.log(System.Logger.Level.WARNING,
              "backend '" + p.name() + "' not used: " + r + "; falling back");
        }
      }
      throw new IllegalStateException("no backend available, not even cpu");
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
        ComputeBackend b = p.create();
        LOG.log(System.Logger.Level.INFO, "embedding-geometry backend: " + b.description());
        return b;
      }
    }
    throw new IllegalArgumentException(
        "unknown backend '" + name + "'; known: best, " + String.join(", ", names));
  }

  /** All providers on the class path, highest priority first; the CPU one is always present. */
  public static List<BackendProvider> providers() {
    List<BackendProvider> out = new ArrayList<>();
    out.add(new CpuBackendProvider());
    ServiceLoader<BackendProvider> loader =
        ServiceLoader.load(BackendProvider.class, Backends.class.getClassLoader());
    for (var it = loader.iterator(); ; ) {
      try {
        if (!it.hasNext()) {
          break;
        }
        BackendProvider p = it.next();
        if (!p.name().equals("cpu")) {
          out.add(p);
        }
      } catch (java.util.ServiceConfigurationError | LinkageError e) {
        LOG.log(System.Logger.Level.WARNING, "backend provider could not be loaded: " + e);
      }
    }
    out.sort(Comparator.comparingInt(BackendProvider::priority).reversed());
    return out;
  }

  private static List<String> safeReasons(BackendProvider p) {
    try {
      return p.unavailableReasons();
    } catch (RuntimeException | LinkageError e) {
      return List.of(p.name() + " probe failed: " + e);
    }
  }
}
