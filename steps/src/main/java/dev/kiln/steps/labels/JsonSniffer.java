package dev.kiln.steps.labels;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

/** Cheap format detection: the top-level keys of a JSON file, without building a tree. */
final class JsonSniffer {
  private static final JsonFactory FACTORY = new JsonFactory();

  private JsonSniffer() {}

  /** Top-level object keys; empty if the file is not a JSON object or is malformed. */
  static Set<String> topLevelKeys(Path file) throws IOException {
    Set<String> keys = new HashSet<>();
    try (InputStream in = Files.newInputStream(file);
        JsonParser p = FACTORY.createParser(in)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return keys;
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        keys.add(p.currentName());
        p.nextToken();
        p.skipChildren();
      }
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      // a malformed file is "not this format" for detection; the chosen reader reports it located
    }
    return keys;
  }
}
