package dev.kiln.lineage.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.UncheckedIOException;

/**
 * The one Jackson configuration of the lineage model: ISO-8601 times, JSON strings embedded raw.
 * Also checks JSON text at the store's door so that what is stored always parses later.
 */
public final class JsonSupport {
  private static final ObjectMapper MAPPER =
      new ObjectMapper()
          .registerModule(new JavaTimeModule())
          .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
          .enable(SerializationFeature.INDENT_OUTPUT);

  private JsonSupport() {}

  /** Pretty JSON of a model value, as {@code kiln show --json} prints it. */
  public static String toJson(Object value) {
    try {
      return MAPPER.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException("cannot write " + value.getClass().getSimpleName(), e);
    }
  }

  /**
   * Parses {@code json}, or throws {@link IllegalArgumentException} naming {@code what} and the
   * parser's complaint.
   */
  public static JsonNode parse(String json, String what) {
    try {
      JsonNode node = MAPPER.readTree(json);
      if (node == null || node.isMissingNode()) {
        throw new IllegalArgumentException(what + " is empty; expected JSON");
      }
      return node;
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(
          what + " is not valid JSON: " + e.getOriginalMessage() + " in " + abbreviate(json), e);
    }
  }

  /** Like {@link #parse} but the value must be a JSON object. */
  public static JsonNode parseObject(String json, String what) {
    JsonNode node = parse(json, what);
    if (!node.isObject()) {
      throw new IllegalArgumentException(
          what + " must be a JSON object, got " + node.getNodeType() + ": " + abbreviate(json));
    }
    return node;
  }

  /** JSON text of a plain Java value (string, number, boolean, list, map). */
  public static String write(Object value) {
    try {
      return MAPPER.writer().without(SerializationFeature.INDENT_OUTPUT).writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("cannot write as JSON: " + value, e);
    }
  }

  static String abbreviate(String text) {
    return text.length() <= 80 ? "'" + text + "'" : "'" + text.substring(0, 77) + "...'";
  }
}
