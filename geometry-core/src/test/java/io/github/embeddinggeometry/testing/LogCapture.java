package io.github.embeddinggeometry.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Captures what the library logs through {@link System.Logger}, which the JDK routes to
 * java.util.logging when no other backend is installed: a handler on the logger {@code
 * io.github.embeddinggeometry}, the parent of every logger the library uses. Install it before the
 * library logs anything (first thing in a JVM of its own) to see every record.
 */
public final class LogCapture implements AutoCloseable {
  /** The library's root logger name: setting its level controls every line the library logs. */
  public static final String LIBRARY_LOGGER = "io.github.embeddinggeometry";

  /** Held strongly: java.util.logging keeps loggers only weakly. */
  private final Logger library = Logger.getLogger(LIBRARY_LOGGER);

  private final List<LogRecord> records = new ArrayList<>();

  /** A member, not a superclass: callers' code then needs no access to java.util.logging. */
  private final Handler handler =
      new Handler() {
        @Override
        public void publish(LogRecord r) {
          synchronized (LogCapture.this) {
            records.add(r);
          }
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
      };

  /** Starts capturing every level, DEBUG included. */
  public LogCapture() {
    handler.setLevel(Level.ALL);
    library.setLevel(Level.ALL);
    library.addHandler(handler);
  }

  /**
   * Records at or above {@code min} and below {@code max}.
   *
   * @return "LEVEL logger: message" per record, in order
   */
  public synchronized List<String> between(Level min, Level max) {
    List<String> out = new ArrayList<>();
    for (LogRecord r : records) {
      int v = r.getLevel().intValue();
      if (v >= min.intValue() && v < max.intValue()) {
        out.add(r.getLevel() + " " + r.getLoggerName() + ": " + r.getMessage());
      }
    }
    return out;
  }

  /**
   * Lines at INFO (not WARNING).
   *
   * @return "LEVEL logger: message" per record
   */
  public List<String> info() {
    return between(Level.INFO, Level.WARNING);
  }

  /**
   * Lines at WARNING or above.
   *
   * @return "LEVEL logger: message" per record
   */
  public List<String> warnings() {
    return between(Level.WARNING, Level.OFF);
  }

  /**
   * Names of every logger that logged.
   *
   * @return one name per record
   */
  public synchronized List<String> loggerNames() {
    return records.stream().map(LogRecord::getLoggerName).toList();
  }

  /** Stops capturing and restores the logger's level. */
  @Override
  public void close() {
    library.removeHandler(handler);
    library.setLevel(null);
  }
}
