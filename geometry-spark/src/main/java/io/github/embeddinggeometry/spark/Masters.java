package io.github.embeddinggeometry.spark;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks a master URL before a context is started: Spark itself retries an unreachable standalone
 * master for about a minute, and reports a malformed one with its stack trace.
 */
final class Masters {
  private static final Pattern LOCAL = Pattern.compile("local(?:\\[(\\*|\\d+)(?:,(\\d+))?])?");
  private static final Pattern STANDALONE = Pattern.compile("spark://(.+)");

  /** How long one master's port may take to accept a connection. */
  static final int CONNECT_MILLIS = 5000;

  private Masters() {}

  /**
   * Throws when {@code master} cannot work: empty, local with no threads, or a standalone master
   * none of whose addresses accepts a connection. Other URLs (yarn, k8s://, local-cluster[...]) are
   * left to Spark.
   *
   * @throws IllegalArgumentException naming the master and what is wrong with it
   */
  static void check(String master) {
    if (master == null || master.isBlank()) {
      throw new IllegalArgumentException(
          "the Spark master is empty; give local[N], spark://HOST:PORT, yarn or k8s://HOST:PORT");
    }
    Matcher local = LOCAL.matcher(master);
    if (local.matches()) {
      if ("0".equals(local.group(1)) || "0".equals(local.group(2))) {
        throw new IllegalArgumentException(
            "Spark master " + master + ": a local master needs at least one thread, e.g. local[2]");
      }
      return;
    }
    Matcher standalone = STANDALONE.matcher(master);
    if (standalone.matches()) {
      List<String> failures = new ArrayList<>();
      for (String hostPort : standalone.group(1).split(",")) {
        InetSocketAddress a = address(master, hostPort);
        try (Socket s = new Socket()) {
          s.connect(a, CONNECT_MILLIS);
          return;
        } catch (IOException e) {
          failures.add(
              hostPort + " (" + String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT) + ")");
        }
      }
      throw new IllegalArgumentException(
          "Spark master "
              + master
              + ": no master answers at "
              + String.join(", ", failures)
              + "; is it running, and is this the address its log names?");
    }
  }

  private static InetSocketAddress address(String master, String hostPort) {
    int colon = hostPort.lastIndexOf(':');
    if (colon <= 0 || colon == hostPort.length() - 1) {
      throw new IllegalArgumentException(
          "Spark master " + master + ": '" + hostPort + "' is not HOST:PORT");
    }
    String host = hostPort.substring(0, colon);
    int port;
    try {
      port = Integer.parseInt(hostPort.substring(colon + 1));
    } catch (NumberFormatException e) {
      port = -1;
    }
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException(
          "Spark master " + master + ": '" + hostPort + "' has no valid port");
    }
    return new InetSocketAddress(host, port);
  }

  /**
   * True when the driver only needs the loopback interface: a local master, or a standalone one on
   * this machine's loopback address. The driver then binds there and advertises 127.0.0.1, so that
   * no host-name lookup decides which interface executors call back on.
   */
  static boolean loopback(String master) {
    if (master.startsWith("local")) {
      return true;
    }
    Matcher standalone = STANDALONE.matcher(master);
    if (!standalone.matches()) {
      return false;
    }
    for (String hostPort : standalone.group(1).split(",")) {
      String host = hostPort.substring(0, Math.max(0, hostPort.lastIndexOf(':')));
      try {
        if (!InetAddress.getByName(host).isLoopbackAddress()) {
          return false;
        }
      } catch (IOException e) {
        return false;
      }
    }
    return true;
  }
}
