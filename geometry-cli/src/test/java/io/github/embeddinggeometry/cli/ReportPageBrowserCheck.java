package io.github.embeddinggeometry.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The report pages in a real browser (profile {@code browser}, not in the default build; {@code
 * geometry-cli/browser-check.sh} installs Debian's Chromium and runs it): every subcommand and
 * {@code all} on the default dataset, then headless Chromium opens each index.html and must report
 * no console error (a Content-Security-Policy violation, a resource that failed, a script error),
 * every {@code <img>} decoded (naturalWidth > 0), and a screenshot that is not one colour.
 *
 * <p>Chromium is driven through its DevTools protocol with the JDK's WebSocket client: no driver
 * binary, no dependency. The screenshots stay in {@code target/browser-check/screenshots}.
 */
class ReportPageBrowserCheck {
  static final ObjectMapper JSON = new ObjectMapper();
  static final Path OUT = Path.of("target", "browser-check").toAbsolutePath();

  /** Rows the k-NN steps sample from the default dataset: enough for real figures, quick. */
  static final String SAMPLE = "3000";

  static Process chromium;
  static Path profile;
  static Cdp cdp;

  /** The pages to open: each subcommand's, then those of {@code all}. */
  static final Map<String, Path> pages = new LinkedHashMap<>();

  @BeforeAll
  static void runEverySubcommandAndStartChromium() throws Exception {
    deleteTree(OUT);
    for (String step : Outputs.STEPS) {
      List<String> args = new ArrayList<>(List.of(step, "--quiet", "--out"));
      args.add(OUT.resolve("single").resolve(step).toString());
      if (step.equals("density-vs-norm") || step.equals("densest")) {
        args.addAll(List.of("--sample", SAMPLE));
      }
      GeometryCliTest.Result r = GeometryCliTest.run(args.toArray(String[]::new));
      assertThat(r.code()).as("%s: %s", step, r.err()).isZero();
      pages.put(step, OUT.resolve("single").resolve(step).resolve(Outputs.PAGE));
    }
    Path all = OUT.resolve("all");
    GeometryCliTest.Result r =
        GeometryCliTest.run("all", "--sample", SAMPLE, "--quiet", "--out", all.toString());
    assertThat(r.code()).as("all: %s", r.err()).isZero();
    pages.put("all", all.resolve(Outputs.PAGE));
    for (String step : Outputs.STEPS) {
      pages.put("all/" + step, all.resolve(step).resolve(Outputs.PAGE));
    }

    profile = Files.createTempDirectory("geometry-chromium-");
    String binary = System.getProperty("embgeo.chromium", "chromium");
    List<String> cmd =
        List.of(
            binary,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--user-data-dir=" + profile,
            "--remote-debugging-port=0",
            "--window-size=1200,900",
            "about:blank");
    try {
      chromium =
          new ProcessBuilder(cmd)
              .redirectErrorStream(true)
              .redirectOutput(OUT.resolve("chromium.log").toFile())
              .start();
    } catch (IOException e) {
      throw new AssertionError(
          binary + " does not start (" + e.getMessage() + "): run geometry-cli/browser-check.sh",
          e);
    }
    // Chromium writes the port it chose, and the browser's WebSocket path, into the profile.
    Path port = profile.resolve("DevToolsActivePort");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!(Files.exists(port) && Files.readAllLines(port).size() >= 2)) {
      assertThat(chromium.isAlive())
          .as("chromium exited; see %s", OUT.resolve("chromium.log"))
          .isTrue();
      assertThat(System.nanoTime()).as("chromium's DevTools port").isLessThan(deadline);
      Thread.sleep(100);
    }
    List<String> lines = Files.readAllLines(port);
    cdp = new Cdp(URI.create("ws://127.0.0.1:" + lines.get(0).strip() + lines.get(1).strip()));
  }

  @AfterAll
  static void stopChromium() throws Exception {
    if (cdp != null) {
      cdp.close();
    }
    if (chromium != null) {
      chromium.descendants().forEach(ProcessHandle::destroy);
      chromium.destroy();
      if (!chromium.waitFor(10, TimeUnit.SECONDS)) {
        chromium.destroyForcibly();
      }
    }
    if (profile != null) {
      deleteTree(profile);
    }
  }

  @Test
  void everyPageRendersWithoutErrorsAndEveryFigureLoads() throws Exception {
    Path shots = Files.createDirectories(OUT.resolve("screenshots"));
    List<String> failures = new ArrayList<>();
    String target = cdp.call(null, "Target.createTarget", obj("url", "about:blank"));
    String session =
        JSON.readTree(
                cdp.call(
                    null,
                    "Target.attachToTarget",
                    obj(
                        "targetId",
                        JSON.readTree(target).get("targetId").asText(),
                        "flatten",
                        true)))
            .get("sessionId")
            .asText();
    for (String domain : List.of("Page", "Runtime", "Log")) {
      cdp.call(session, domain + ".enable", obj());
    }
    cdp.call(
        session,
        "Emulation.setDeviceMetricsOverride",
        obj("width", 1200, "height", 900, "deviceScaleFactor", 1, "mobile", false));
    for (Map.Entry<String, Path> e : pages.entrySet()) {
      String name = e.getKey();
      Path page = e.getValue();
      assertThat(page).as(name).isRegularFile();
      cdp.clear();
      cdp.call(session, "Page.navigate", obj("url", page.toUri().toString()));
      cdp.await(session, "Page.loadEventFired", 60);

      JsonNode images =
          JSON.readTree(
                  cdp.call(
                      session,
                      "Runtime.evaluate",
                      obj(
                          "expression",
                          "JSON.stringify(Array.from(document.images).map(i =>"
                              + " ({w: i.naturalWidth, h: i.naturalHeight, done: i.complete})))",
                          "returnByValue",
                          true)))
              .path("result")
              .path("value");
      JsonNode imgs = JSON.readTree(images.asText());
      long pngs;
      try (Stream<Path> s = Files.list(page.getParent())) {
        pngs = s.filter(p -> p.toString().endsWith(".png")).count();
      }
      if (imgs.size() != pngs) {
        failures.add(name + ": " + imgs.size() + " <img> for " + pngs + " PNG files");
      }
      for (JsonNode img : imgs) {
        if (!img.get("done").asBoolean() || img.get("w").asInt() <= 0) {
          failures.add(name + ": an image did not load: " + img);
        }
      }

      String shot =
          JSON.readTree(cdp.call(session, "Page.captureScreenshot", obj("format", "png")))
              .get("data")
              .asText();
      byte[] png = Base64.getDecoder().decode(shot);
      Files.write(shots.resolve(name.replace('/', '_') + ".png"), png);
      BufferedImage img = ImageIO.read(new ByteArrayInputStream(png));
      Set<Integer> colours = new HashSet<>();
      for (int y = 0; y < img.getHeight(); y += 2) {
        for (int x = 0; x < img.getWidth(); x += 2) {
          colours.add(img.getRGB(x, y));
        }
      }
      if (colours.size() < 2) {
        failures.add(name + ": the screenshot is one colour");
      }

      for (JsonNode ev : cdp.events) {
        String method = ev.path("method").asText();
        JsonNode p = ev.path("params");
        boolean error =
            method.equals("Runtime.exceptionThrown")
                || (method.equals("Runtime.consoleAPICalled")
                    && Set.of("error", "assert").contains(p.path("type").asText()))
                || (method.equals("Log.entryAdded")
                    && p.path("entry").path("level").asText().equals("error"));
        if (error) {
          failures.add(name + ": console error: " + p);
        }
      }
    }
    assertThat(failures).isEmpty();
    assertThat(pages).hasSize(2 * Outputs.STEPS.size() + 1);
  }

  static ObjectNode obj(Object... kv) {
    ObjectNode o = JSON.createObjectNode();
    for (int i = 0; i < kv.length; i += 2) {
      o.set((String) kv[i], JSON.valueToTree(kv[i + 1]));
    }
    return o;
  }

  static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  /** A minimal DevTools-protocol client: calls by id, events kept in arrival order. */
  static final class Cdp implements WebSocket.Listener, AutoCloseable {
    private final WebSocket ws;
    private final AtomicInteger ids = new AtomicInteger();
    private final Map<Integer, CompletableFuture<JsonNode>> calls = new ConcurrentHashMap<>();
    private final StringBuilder partial = new StringBuilder();

    /** Events since the last clear, for the checks; a copy goes to {@link #arrivals}. */
    final List<JsonNode> events = java.util.Collections.synchronizedList(new ArrayList<>());

    private final LinkedBlockingQueue<JsonNode> arrivals = new LinkedBlockingQueue<>();

    Cdp(URI uri) throws Exception {
      ws =
          HttpClient.newHttpClient()
              .newWebSocketBuilder()
              .buildAsync(uri, this)
              .get(30, TimeUnit.SECONDS);
    }

    /** Sends a command and returns its result as JSON text; a protocol error fails the test. */
    String call(String session, String method, ObjectNode params) throws Exception {
      int id = ids.incrementAndGet();
      ObjectNode msg = JSON.createObjectNode().put("id", id).put("method", method);
      msg.set("params", params);
      if (session != null) {
        msg.put("sessionId", session);
      }
      CompletableFuture<JsonNode> f = new CompletableFuture<>();
      calls.put(id, f);
      ws.sendText(JSON.writeValueAsString(msg), true).get(30, TimeUnit.SECONDS);
      JsonNode reply = f.get(120, TimeUnit.SECONDS);
      assertThat(reply.has("error")).as("%s: %s", method, reply.path("error")).isFalse();
      return JSON.writeValueAsString(reply.path("result"));
    }

    /** Forgets the events so far: what follows belongs to the next page. */
    void clear() {
      events.clear();
      arrivals.clear();
    }

    /** Waits for an event of the session. */
    void await(String session, String method, int seconds) throws Exception {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
      while (true) {
        JsonNode ev =
            arrivals.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        assertThat(ev).as("no %s within %d s", method, seconds).isNotNull();
        if (ev.path("method").asText().equals(method)
            && ev.path("sessionId").asText().equals(session)) {
          return;
        }
      }
    }

    @Override
    public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
      partial.append(data);
      if (last) {
        try {
          JsonNode msg = JSON.readTree(partial.toString());
          if (msg.has("id")) {
            CompletableFuture<JsonNode> f = calls.remove(msg.get("id").asInt());
            if (f != null) {
              f.complete(msg);
            }
          } else {
            events.add(msg);
            arrivals.add(msg);
          }
        } catch (IOException e) {
          calls.values().forEach(f -> f.completeExceptionally(e));
        }
        partial.setLength(0);
      }
      w.request(1);
      return null;
    }

    @Override
    public void onError(WebSocket w, Throwable error) {
      calls.values().forEach(f -> f.completeExceptionally(error));
    }

    @Override
    public void close() {
      ws.abort();
    }
  }
}
