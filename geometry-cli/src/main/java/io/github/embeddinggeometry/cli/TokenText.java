package io.github.embeddinggeometry.cli;

import java.util.Locale;

/**
 * How token text is shown on a terminal, as the notebooks' {@code decode_token} does: the text
 * itself, or, when it is blank, Python's {@code repr} of it ({@code ' '}, {@code '\n'}). Control
 * characters are always escaped, so a token cannot move the cursor or recolour the terminal. Files
 * (report.json) keep the exact decoded text; only what is printed goes through here.
 *
 * @since 0.1
 */
public final class TokenText {
  private TokenText() {}

  /** The display form of a decoded token; {@code null} (no tokenizer) shows as "". */
  public static String display(String raw) {
    if (raw == null) {
      return "";
    }
    StringBuilder b = new StringBuilder();
    raw.codePoints()
        .forEach(
            cp -> {
              switch (cp) {
                case '\n' -> b.append("\\n");
                case '\t' -> b.append("\\t");
                case '\r' -> b.append("\\r");
                default -> {
                  if (Character.getType(cp) == Character.CONTROL) {
                    b.append(String.format(Locale.ROOT, "\\x%02x", cp));
                  } else {
                    b.appendCodePoint(cp);
                  }
                }
              }
            });
    return raw.isBlank() ? "'" + b + "'" : b.toString();
  }
}
