package dev.kiln.steps.labels;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BigIntegerNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.DecimalNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * A JSON tree that remembers where each node started, so that a semantic error ("bbox must have 4
 * numbers") points at {@code file:line:col} and not just a path. Jackson's tree model keeps no
 * locations, so the tree is built here from the streaming parser; numbers and strings get fresh
 * node instances (never Jackson's shared small-number cache) so that identity lookups work.
 */
final class LocatedJson {
  private static final JsonFactory FACTORY = new JsonFactory();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private final String file;
  private final int lineOffset;
  private final Map<JsonNode, Long> locations = new IdentityHashMap<>();
  private final JsonNode root;

  private LocatedJson(String file, int lineOffset, JsonParser p) throws IOException {
    this.file = file;
    this.lineOffset = lineOffset;
    try (p) {
      JsonToken first = p.nextToken();
      if (first == null) {
        throw new LabelFormatException(
            file, lineOffset + 1, 1, "", "empty document, expected a JSON object");
      }
      root = read(p);
      JsonToken trailing = p.nextToken();
      if (trailing != null) {
        JsonLocation loc = p.currentTokenLocation();
        throw new LabelFormatException(
            file, line(loc), col(loc), "", "unexpected content after the end of the JSON value");
      }
    } catch (JsonParseException e) {
      JsonLocation loc = e.getLocation();
      throw new LabelFormatException(
          file,
          loc == null ? 0 : line(loc),
          loc == null ? 0 : col(loc),
          "",
          "invalid JSON: " + readable(e.getOriginalMessage()));
    }
  }

  /**
   * Jackson names "[Source: REDACTED ...; line: 3, column: 13]" inside messages; keep the position.
   */
  static String readable(String jacksonMessage) {
    return jacksonMessage == null
        ? "malformed"
        : jacksonMessage.replaceAll(
            "\\[Source: [^;\\]]*; line: (\\d+), column: (\\d+)]", "line $1, column $2");
  }

  /** Parses a whole file. */
  static LocatedJson parse(Path path, String displayName) throws IOException {
    try (InputStream in = Files.newInputStream(path)) {
      return new LocatedJson(displayName, 0, FACTORY.createParser(in));
    }
  }

  /** Parses one line of a JSON Lines file; locations are reported at that line of the file. */
  static LocatedJson parseLine(String text, String displayName, int lineNumber) {
    try {
      return new LocatedJson(displayName, lineNumber - 1, FACTORY.createParser(text));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  JsonNode root() {
    return root;
  }

  String file() {
    return file;
  }

  private int line(JsonLocation loc) {
    return loc.getLineNr() + lineOffset;
  }

  private static int col(JsonLocation loc) {
    return loc.getColumnNr();
  }

  private JsonNode read(JsonParser p) throws IOException {
    JsonLocation loc = p.currentTokenLocation();
    JsonNode n;
    switch (p.currentToken()) {
      case START_OBJECT -> {
        ObjectNode o = NODES.objectNode();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String name = p.currentName();
          p.nextToken();
          o.set(name, read(p));
        }
        n = o;
      }
      case START_ARRAY -> {
        ArrayNode a = NODES.arrayNode();
        while (p.nextToken() != JsonToken.END_ARRAY) {
          a.add(read(p));
        }
        n = a;
      }
      case VALUE_STRING -> n = new TextNode(p.getText());
      case VALUE_NUMBER_INT ->
          n =
              switch (p.getNumberType()) {
                case INT -> new IntNode(p.getIntValue());
                case LONG -> new LongNode(p.getLongValue());
                default -> new BigIntegerNode(p.getBigIntegerValue());
              };
      case VALUE_NUMBER_FLOAT ->
          n =
              p.getNumberType() == JsonParser.NumberType.BIG_DECIMAL
                  ? new DecimalNode(p.getDecimalValue())
                  : new DoubleNode(p.getDoubleValue());
      case VALUE_TRUE -> n = BooleanNode.TRUE;
      case VALUE_FALSE -> n = BooleanNode.FALSE;
      case VALUE_NULL -> n = NullNode.getInstance();
      default ->
          throw new LabelFormatException(
              file, line(loc), col(loc), "", "unexpected JSON token " + p.currentToken());
    }
    if (!(n.isBoolean() || n.isNull())) {
      locations.put(n, ((long) line(loc) << 32) | col(loc));
    }
    return n;
  }

  /**
   * An error located at {@code node}, or at {@code fallback} when node is a shared constant or
   * missing.
   */
  LabelFormatException error(JsonNode node, JsonNode fallback, String path, String problem) {
    Long loc = node == null ? null : locations.get(node);
    if (loc == null && fallback != null) {
      loc = locations.get(fallback);
    }
    if (loc == null) {
      return new LabelFormatException(file, 0, 0, path, problem);
    }
    return new LabelFormatException(file, (int) (loc >>> 32), (int) (long) loc, path, problem);
  }

  // ---- typed access that fails with located, user-readable messages ----

  static String join(String path, String field) {
    return path.isEmpty() ? field : path + "." + field;
  }

  static String describe(JsonNode n) {
    if (n == null || n.isMissingNode()) {
      return "nothing";
    }
    if (n.isTextual()) {
      return "the string \"" + n.asText() + "\"";
    }
    if (n.isObject()) {
      return "an object";
    }
    if (n.isArray()) {
      return "an array of " + n.size();
    }
    return n.toString();
  }

  JsonNode field(JsonNode obj, String name, String path) {
    JsonNode v = obj.get(name);
    if (v == null || v.isNull()) {
      throw error(obj, obj, path, "missing required field \"" + name + "\"");
    }
    return v;
  }

  ObjectNode object(JsonNode n, JsonNode parent, String path) {
    if (!n.isObject()) {
      throw error(n, parent, path, "expected an object, got " + describe(n));
    }
    return (ObjectNode) n;
  }

  ObjectNode objectField(JsonNode obj, String name, String path) {
    return object(field(obj, name, path), obj, join(path, name));
  }

  ArrayNode arrayField(JsonNode obj, String name, String path) {
    JsonNode v = field(obj, name, path);
    if (!v.isArray()) {
      throw error(v, obj, join(path, name), "expected an array, got " + describe(v));
    }
    return (ArrayNode) v;
  }

  String textField(JsonNode obj, String name, String path) {
    JsonNode v = field(obj, name, path);
    if (!v.isTextual() || v.asText().isBlank()) {
      throw error(v, obj, join(path, name), "expected a non-empty string, got " + describe(v));
    }
    return v.asText();
  }

  double numberField(JsonNode obj, String name, String path) {
    JsonNode v = field(obj, name, path);
    return number(v, obj, join(path, name));
  }

  double number(JsonNode v, JsonNode parent, String path) {
    if (!v.isNumber() || !Double.isFinite(v.asDouble())) {
      throw error(v, parent, path, "expected a number, got " + describe(v));
    }
    return v.asDouble();
  }

  long integerField(JsonNode obj, String name, String path) {
    JsonNode v = field(obj, name, path);
    return integer(v, obj, join(path, name));
  }

  long integer(JsonNode v, JsonNode parent, String path) {
    if (!(v.isIntegralNumber() && v.canConvertToLong())) {
      throw error(v, parent, path, "expected an integer, got " + describe(v));
    }
    return v.asLong();
  }

  /** A positive integer field that may be absent; 0 when absent. */
  int optionalSize(JsonNode obj, String name, String path) {
    JsonNode v = obj.get(name);
    if (v == null || v.isNull()) {
      return 0;
    }
    long x = integer(v, obj, join(path, name));
    if (x <= 0 || x > Integer.MAX_VALUE) {
      throw error(v, obj, join(path, name), "expected a positive integer, got " + x);
    }
    return (int) x;
  }
}
