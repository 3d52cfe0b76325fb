package io.github.embeddinggeometry.spark;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.Set;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.config.builder.api.ConfigurationBuilder;
import org.apache.logging.log4j.core.config.builder.api.ConfigurationBuilderFactory;
import org.apache.logging.log4j.core.config.builder.impl.BuiltConfiguration;
import org.apache.logging.log4j.core.impl.Log4jContextFactory;
import org.apache.spark.SparkContext;

/**
 * Spark's own log (log4j 2) for a command line: warnings and errors into a file, nothing on the
 * terminal, where the command prints its one line per failure. Spark leaves a configuration it
 * finds in place (it installs its console profile only over log4j's default), so this runs before
 * the context starts.
 */
final class SparkLogs {
  /** The Spark property naming the log file; set by the command line, unset for a library user. */
  static final String FILE = "spark.embgeo.log";

  private SparkLogs() {}

  /**
   * Routes every logger at WARN and above to {@code file}, created on the first record; {@code
   * null} (or a folder that cannot be created) drops them. Log4j's own status messages are off:
   * they would reach the terminal.
   */
  static void toFile(Path file) {
    boolean toFile = file != null && writableFolder(file.toAbsolutePath().getParent());
    // Spark sets up its logging once, at its first record, and then puts its console profile over
    // any configuration if it had loaded that profile before (spark-submit does, for itself):
    // set up now, it leaves the configuration below in place.
    new org.apache.spark.SparkConf(false).initializeLogIfNecessary(false, true);
    // Log4j keeps a context per class loader, and Spark reaches more than one: its own loader's
    // (its loggers) and the thread's (its check whether log4j is configured, which under
    // spark-submit is the application's child loader). Each gets the same configuration.
    Set<ClassLoader> loaders = new LinkedHashSet<>();
    loaders.add(SparkContext.class.getClassLoader());
    loaders.add(SparkLogs.class.getClassLoader());
    if (Thread.currentThread().getContextClassLoader() != null) {
      loaders.add(Thread.currentThread().getContextClassLoader());
    }
    Set<LoggerContext> contexts = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
    for (ClassLoader loader : loaders) {
      contexts.add((LoggerContext) LogManager.getContext(loader, false));
    }
    // And every context log4j already made: spark-submit configured its console before this
    // runs, in a context none of the loaders above leads to.
    if (LogManager.getFactory() instanceof Log4jContextFactory factory) {
      contexts.addAll(factory.getSelector().getLoggerContexts());
    }
    for (LoggerContext context : contexts) {
      context.reconfigure(configuration(toFile ? file.toAbsolutePath() : null));
    }
  }

  private static BuiltConfiguration configuration(Path file) {
    ConfigurationBuilder<BuiltConfiguration> b =
        ConfigurationBuilderFactory.newConfigurationBuilder();
    b.setStatusLevel(Level.OFF);
    b.setConfigurationName("embedding-geometry");
    var root = b.newRootLogger(Level.WARN);
    if (file != null) {
      b.add(
          b.newAppender("file", "File")
              .addAttribute("fileName", file.toString())
              .addAttribute("append", true)
              .addAttribute("createOnDemand", true)
              .addAttribute("ignoreExceptions", true)
              .add(
                  b.newLayout("PatternLayout")
                      .addAttribute("pattern", "%d{ISO8601} %p %c{1}: %m%n%ex")));
      root.add(b.newAppenderRef("file"));
    } else {
      // An appender that drops: Spark installs its console profile over a root without one.
      b.add(b.newAppender("none", "Null"));
      root.add(b.newAppenderRef("none"));
    }
    b.add(root);
    return b.build();
  }

  private static boolean writableFolder(Path dir) {
    try {
      Files.createDirectories(dir);
      return Files.isWritable(dir);
    } catch (java.io.IOException | RuntimeException e) {
      return false;
    }
  }
}
