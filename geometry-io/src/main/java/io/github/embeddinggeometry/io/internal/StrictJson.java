package io.github.embeddinggeometry.io.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.github.embeddinggeometry.io.tensor.MalformedFileException;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * JSON for file headers: strict UTF-8, duplicate keys refused, nesting bounded; trees for small
 * files, streaming parsers (which hold one token at a time) for headers that may be large.
 */
public final class StrictJson {
  private StrictJson() {}

  // Headers are flat; deep nesting is only ever an attack on the parser's stack. Strings and names
  // keep Jackson's default caps (20 M and 50,000 characters), numbers at most 1,000 digits.
  private static final StreamReadConstraints CONSTRAINTS =
      StreamReadConstraints.builder().maxNestingDepth(64).maxNumberLength(1000).build();

  private static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
          .enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .build();

  // No duplicate detection here: it would keep a second set of every name, and the callers check
  // duplicates against what they keep anyway.
  private static final JsonFactory STREAMING =
      JsonFactory.builder().streamReadConstraints(CONSTRAINTS).build();

  static {
    MAPPER.getFactory().setStreamReadConstraints(CONSTRAINTS);
  }

  /** The shared mapper (duplicate detection on) for writers and config files. */
  public static ObjectMapper mapper() {
    return MAPPER;
  }

  private static CharsetDecoder strictUtf8() {
    return StandardCharsets.UTF_8
        .newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);
  }

  /** Decodes UTF-8, refusing malformed or unmappable bytes. */
  public static String utf8(String source, String what, byte[] bytes)
      throws MalformedFileException {
    try {
      return strictUtf8().decode(ByteBuffer.wrap(bytes)).toString();
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
      throw malformed(source, what, e);
    }
  }

  /**
   * A streaming parser over the UTF-8 text of a region, decoded strictly as it is read: malformed
   * bytes make {@code nextToken} throw a {@link CharacterCodingException} (see {@link #malformed}).
   * Nothing is copied up front; the parser holds one token at a time. The caller checks duplicate
   * keys and trailing content.
   */
  public static JsonParser parser(ByteRegion text) throws IOException {
    return STREAMING.createParser(new InputStreamReader(text.stream(), strictUtf8()));
  }

  /** The exception for an {@link IOException} a parser of {@code what} in {@code source} threw. */
  public static MalformedFileException malformed(String source, String what, IOException e) {
    if (e instanceof CharacterCodingException) {
      return new MalformedFileException(source, what + " is not valid UTF-8", e);
    }
    if (e instanceof StreamConstraintsException) {
      return new MalformedFileException(
          source, what + " exceeds a parser limit: " + Excerpt.message(e.getMessage()), e);
    }
    String where = "";
    if (e instanceof JsonProcessingException j && j.getLocation() != null) {
      JsonLocation l = j.getLocation();
      where = l.getCharOffset() >= 0 ? " at character " + l.getCharOffset() : "";
    }
    String m = e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
    return new MalformedFileException(
        source, what + " is not valid JSON" + where + ": " + Excerpt.message(m), e);
  }
}
