package io.github.embeddinggeometry.io.internal;

import java.math.BigInteger;
import java.util.Collection;

/**
 * Text from a file, made safe to put in an error message: at most {@value #MAX_CHARS} characters (a
 * hostile file can hold a name or a number of millions of characters, and a message is one line a
 * person reads), control characters escaped so that the message stays on one line.
 */
public final class Excerpt {
  private Excerpt() {}

  /** The most characters of one quoted value. */
  public static final int MAX_CHARS = 100;

  /** {@code s} in double quotes, escaped and cut; "null" for null. */
  public static String quote(String s) {
    if (s == null) {
      return "null";
    }
    return excerpt(s, MAX_CHARS, true);
  }

  /**
   * A value from a file as it is written there (a number's digits, a JSON token), escaped and cut,
   * without quotes. Integers of more than {@value #MAX_CHARS} digits are described by their size:
   * printing them costs time that grows faster than their length.
   */
  public static String of(Object value) {
    if (value instanceof BigInteger b && b.bitLength() > 3 * MAX_CHARS) {
      return "an integer of " + b.bitLength() + " bits";
    }
    if (value instanceof String s) {
      return quote(s);
    }
    return token(String.valueOf(value));
  }

  /** Text as written in the file (digits, a JSON token), escaped and cut, without quotes. */
  public static String token(String s) {
    return excerpt(s, MAX_CHARS, false);
  }

  /**
   * A message from a parser (which may quote the file), on one line and cut to {@code 2 * }{@value
   * #MAX_CHARS} characters.
   */
  public static String message(String s) {
    if (s == null) {
      return "";
    }
    int nl = s.indexOf('\n');
    String line = nl < 0 ? s : s.substring(0, nl);
    return excerpt(line, 2 * MAX_CHARS, false);
  }

  /** The first {@code max} names, quoted and cut, then how many more there are. */
  public static String names(Collection<String> names, int max) {
    StringBuilder b = new StringBuilder("[");
    int i = 0;
    for (String n : names) {
      if (i == max) {
        b.append(", ... (").append(names.size()).append(" in all)");
        break;
      }
      b.append(i == 0 ? "" : ", ").append(quote(n));
      i++;
    }
    return b.append(']').toString();
  }

  /**
   * Escapes {@code s} until the result holds {@code max} characters (an escape writes six for one,
   * so the cut counts what is written, not what is read), in quotes if {@code quoted}, then says
   * how long {@code s} was if it was cut.
   */
  private static String excerpt(String s, int max, boolean quoted) {
    StringBuilder b = new StringBuilder(Math.min(s.length(), max) + 32);
    if (quoted) {
      b.append('"');
    }
    int i = 0;
    while (i < s.length() && b.length() < max + (quoted ? 1 : 0)) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c)
          && i + 1 < s.length()
          && Character.isLowSurrogate(s.charAt(i + 1))) {
        b.append(c).append(s.charAt(i + 1)); // never split a surrogate pair
        i += 2;
        continue;
      }
      if (quoted && (c == '"' || c == '\\')) {
        b.append('\\').append(c);
      } else if (c < 0x20
          || c == 0x7f
          || (c >= 0x80 && c < 0xa0)
          || c == 0x2028
          || c == 0x2029
          || Character.isSurrogate(c)) { // a surrogate without its pair
        b.append(String.format("\\u%04x", (int) c));
      } else {
        b.append(c);
      }
      i++;
    }
    if (i < s.length()) {
      b.append("...");
    }
    if (quoted) {
      b.append('"');
    }
    if (i < s.length()) {
      b.append(" (").append(s.length()).append(" characters)");
    }
    return b.toString();
  }
}
