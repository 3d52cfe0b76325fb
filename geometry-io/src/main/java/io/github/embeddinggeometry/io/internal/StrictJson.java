package io.github.embeddinggeometry.io.internal;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.github.embeddinggeometry.io.tensor.MalformedFileException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/** JSON for file headers: strict UTF-8, duplicate keys refused, nesting bounded. */
public final class StrictJson {
  private StrictJson() {}

  private static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
          .enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .build();

  static {
    // Headers are flat; deep nesting is only ever an attack on the parser's stack.
    MAPPER
        .getFactory()
        .setStreamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(64).build());
  }

  /** The shared mapper (duplicate detection on) for writers and config files. */
  public static ObjectMapper mapper() {
    return MAPPER;
  }

  /** Decodes UTF-8, refusing malformed or unmappable bytes. */
  public static String utf8(String source, String what, byte[] bytes)
      throws MalformedFileException {
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      throw new MalformedFileException(source, what + " is not valid UTF-8", e);
    }
  }

  /** Parses strictly (UTF-8 checked first); the message names the file and the JSON problem. */
  public static JsonNode parse(String source, String what, byte[] bytes)
      throws MalformedFileException {
    String text = utf8(source, what, bytes);
    try {
      JsonNode node = MAPPER.readTree(text);
      if (node == null || node.isMissingNode()) {
        throw new MalformedFileException(source, what + " is empty");
      }
      return node;
    } catch (MalformedFileException e) {
      throw e;
    } catch (IOException e) {
      throw new MalformedFileException(
          source, what + " is not valid JSON: " + firstLine(e.getMessage()), e);
    }
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }
}
