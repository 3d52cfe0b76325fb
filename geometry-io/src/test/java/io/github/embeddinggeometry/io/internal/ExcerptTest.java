package io.github.embeddinggeometry.io.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.util.List;
import org.junit.jupiter.api.Test;

class ExcerptTest {
  @Test
  void shortTextIsQuotedWhole() {
    assertThat(Excerpt.quote("abc")).isEqualTo("\"abc\"");
    assertThat(Excerpt.quote("say \"hi\"")).isEqualTo("\"say \\\"hi\\\"\"");
    assertThat(Excerpt.quote(null)).isEqualTo("null");
    assertThat(Excerpt.token("123")).isEqualTo("123");
  }

  @Test
  void longTextIsCutWithItsLengthSaid() {
    assertThat(Excerpt.quote("x".repeat(150)))
        .isEqualTo("\"" + "x".repeat(100) + "...\" (150 characters)");
    assertThat(Excerpt.token("1".repeat(5000)))
        .isEqualTo("1".repeat(100) + "... (5000 characters)");
  }

  @Test
  void escapesCountTowardsTheCut() {
    // 200 control characters escape to 1,200: found by the pickle fuzzer in a persistent id.
    String q = Excerpt.quote("\u0013".repeat(200));
    assertThat(q).startsWith("\"\\u0013\\u0013").endsWith("...\" (200 characters)");
    assertThat(q.length()).isLessThanOrEqualTo(100 + 6 + 30);
    assertThat(Excerpt.quote("a\nb\u2028")).isEqualTo("\"a\\u000ab\\u2028\"");
  }

  @Test
  void surrogatePairsStayWholeAndLoneOnesAreEscaped() {
    String s = "x".repeat(99) + "\ud83d\ude00" + "y".repeat(10);
    assertThat(Excerpt.quote(s)).contains("\ud83d\ude00").doesNotContain("y");
    assertThat(Excerpt.quote("a\ud83db")).isEqualTo("\"a\\ud83db\"");
  }

  @Test
  void hugeIntegersAreDescribedNotPrinted() {
    assertThat(Excerpt.of(BigInteger.ONE.shiftLeft(1000))).isEqualTo("an integer of 1001 bits");
    assertThat(Excerpt.of(BigInteger.TEN.pow(20))).isEqualTo("100000000000000000000");
    assertThat(Excerpt.of(42L)).isEqualTo("42");
    assertThat(Excerpt.of("s")).isEqualTo("\"s\"");
  }

  @Test
  void namesListsAFewThenTheCount() {
    assertThat(Excerpt.names(List.of("a", "b", "c"), 2))
        .isEqualTo("[\"a\", \"b\", ... (3 in all)]");
    assertThat(Excerpt.names(List.of("a"), 8)).isEqualTo("[\"a\"]");
  }

  @Test
  void parserMessagesKeepTheirFirstLine() {
    assertThat(Excerpt.message("bad token\n at [Source: x]")).isEqualTo("bad token");
    assertThat(Excerpt.message(null)).isEmpty();
  }
}
