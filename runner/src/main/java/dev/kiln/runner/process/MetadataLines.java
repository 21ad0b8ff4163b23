package dev.kiln.runner.process;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.Optional;

/**
 * Valohai's metadata convention: a standard output line that is a JSON object is a metrics entry.
 * A line that looks like one but does not parse stays a plain log line.
 */
public final class MetadataLines {
  private static final ObjectMapper JSON = new ObjectMapper();

  private MetadataLines() {}

  /** The entry with {@code _time} added (ISO-8601 UTC), or empty when the line is not one. */
  public static Optional<ObjectNode> parse(String line, Instant time) {
    String s = line.strip();
    if (s.length() < 2 || s.charAt(0) != '{' || s.charAt(s.length() - 1) != '}') {
      return Optional.empty();
    }
    try {
      var node = JSON.readTree(s);
      if (!(node instanceof ObjectNode obj)) {
        return Optional.empty();
      }
      if (!obj.has("_time")) {
        obj.put("_time", time.toString());
      }
      return Optional.of(obj);
    } catch (JsonProcessingException e) {
      return Optional.empty();
    }
  }
}
