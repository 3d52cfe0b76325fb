package io.github.embeddinggeometry.io.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.embeddinggeometry.io.MiniLm;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * close() while other threads decode: it waits for the decodes in flight, frees the native
 * tokenizer once, and every later decode fails with IllegalStateException. Freeing it under a
 * running decode crashed the JVM (SIGSEGV in id_to_token), so a regression kills the test JVM.
 */
class HfTokenizerCloseTest {
  private static final int RACES = 1000;
  private static final int DECODERS = 2;
  private static byte[] json;
  private static ExecutorService pool;

  @BeforeAll
  static void load() throws IOException {
    try (InputStream in = ClassLoader.getSystemResourceAsStream(MiniLm.TOKENIZER_RESOURCE)) {
      json = in.readAllBytes();
    }
    pool = Executors.newFixedThreadPool(DECODERS);
  }

  @AfterAll
  static void stop() {
    pool.shutdownNow();
  }

  private static HfTokenizer open() throws IOException {
    return HfTokenizer.read("minilm", new java.io.ByteArrayInputStream(json));
  }

  @Test
  void closeDuringDecodeNeverCrashesAndLaterCallsFail() throws Exception {
    String hello;
    try (HfTokenizer t = open()) {
      hello = t.decode(7592);
    }
    assertThat(hello).isEqualTo("hello");
    for (int race = 0; race < RACES; race++) {
      HfTokenizer t = open();
      CountDownLatch started = new CountDownLatch(1); // close once any decode succeeded
      List<Future<Integer>> decoders = new ArrayList<>();
      for (int w = 0; w < DECODERS; w++) {
        int salt = w;
        decoders.add(
            pool.submit(
                () -> {
                  int ok = 0;
                  try {
                    while (true) {
                      // Several ids per call keep the native side busy long enough to overlap.
                      String s = t.decode(new int[] {7592, 2088 + salt, 1012, 7592});
                      if (!s.startsWith("hello")) {
                        throw new AssertionError("decoded " + s);
                      }
                      if (ok++ == 0) {
                        started.countDown();
                      }
                    }
                  } catch (IllegalStateException closed) {
                    assertThat(closed).hasMessageContaining("closed");
                    started.countDown(); // closed before this decoder's first call
                    return ok;
                  }
                }));
      }
      assertThat(started.await(30, TimeUnit.SECONDS)).isTrue();
      t.close();
      for (Future<Integer> f : decoders) {
        f.get(30, TimeUnit.SECONDS); // every decoder ends with "closed", none with another error
      }
      assertThatThrownBy(() -> t.decode(7592))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("closed");
      t.close(); // idempotent
    }
  }

  @Test
  void aMissingSlf4jIsNamedAsSuch() {
    Throwable e = new RuntimeException("init", new NoClassDefFoundError("org/slf4j/LoggerFactory"));
    assertThat(HfTokenizer.missingSlf4j(e)).contains("org/slf4j/LoggerFactory");
    assertThat(HfTokenizer.missingSlf4j(new UnsatisfiedLinkError("libtokenizers.so"))).isNull();
  }
}
