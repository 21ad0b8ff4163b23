package dev.kiln.steps.evaluate;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * A streaming JSON reader that turns every problem into a located {@link EvaluationInputException}.
 * Streaming, not a tree, because result files hold hundreds of thousands of detections, and because
 * a tree forgets where each value came from.
 */
final class JsonInput implements AutoCloseable {
  /**
   * Fast, still correctly rounded, number parsing: FastDoubleParser returns the same double as
   * {@link Double#parseDouble} (and as Python's json module).
   */
  private static final JsonFactory FACTORY =
      JsonFactory.builder().enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER).build();

  /** A JSON path in the user's terms, built only when a message needs it. */
  @FunctionalInterface
  interface JsonPath {
    String render();
  }

  private final Path file;
  private final JsonParser parser;

  private JsonInput(Path file, JsonParser parser) {
    this.file = file;
    this.parser = parser;
  }

  static JsonInput open(Path file) {
    try {
      if (Files.isDirectory(file)) {
        throw new EvaluationInputException(file + ": is a directory, expected a JSON file");
      }
      return new JsonInput(file, FACTORY.createParser(Files.newInputStream(file)));
    } catch (NoSuchFileException e) {
      throw new EvaluationInputException(file + ": no such file", e);
    } catch (AccessDeniedException e) {
      throw new EvaluationInputException(file + ": cannot read (permission denied)", e);
    } catch (IOException e) {
      throw new EvaluationInputException(file + ": cannot read: " + e.getMessage(), e);
    }
  }

  Path file() {
    return file;
  }

  /** Advances; a syntax error becomes {@code file:line:col: invalid JSON: ...}. */
  JsonToken next() {
    try {
      return parser.nextToken();
    } catch (JsonProcessingException e) {
      JsonLocation loc = e.getLocation();
      throw new EvaluationInputException(at(loc) + ": invalid JSON: " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new EvaluationInputException(file + ": cannot read: " + e.getMessage(), e);
    }
  }

  JsonToken current() {
    return parser.currentToken();
  }

  String fieldName() {
    try {
      return parser.currentName();
    } catch (IOException e) {
      throw new EvaluationInputException(file + ": cannot read: " + e.getMessage(), e);
    }
  }

  /** Skips the current value, including all its children. */
  void skip() {
    try {
      parser.skipChildren();
    } catch (JsonProcessingException e) {
      throw new EvaluationInputException(
          at(e.getLocation()) + ": invalid JSON: " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new EvaluationInputException(file + ": cannot read: " + e.getMessage(), e);
    }
  }

  /** Where the current token starts. */
  JsonLocation location() {
    return parser.currentTokenLocation();
  }

  /** Rejects anything after the top-level value, as Python's json.load does ("Extra data"). */
  void expectEnd() {
    if (next() != null) {
      throw error(location(), "$", "unexpected content after the end of the top-level value");
    }
  }

  EvaluationInputException error(JsonLocation loc, String path, String message) {
    return new EvaluationInputException(at(loc) + ": " + path + ": " + message);
  }

  String at(JsonLocation loc) {
    if (loc == null || loc.getLineNr() < 0) {
      return file.toString();
    }
    return file + ":" + loc.getLineNr() + ":" + loc.getColumnNr();
  }

  /** The current integer value; ids are integers in COCO files. */
  long integer(JsonPath path) {
    try {
      if (parser.currentToken() == JsonToken.VALUE_NUMBER_INT) {
        if (parser.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
          throw error(location(), path.render(), "integer " + parser.getText() + " is too large");
        }
        return parser.getLongValue();
      }
      throw error(location(), path.render(), "expected an integer, got " + describe());
    } catch (IOException e) {
      throw new EvaluationInputException(file + ": cannot read: " + e.getMessage(), e);
    }
  }

  /** The current number (integer or floating point). */
  double number(JsonPath path) {
    try {
      JsonToken t = parser.currentToken();
      if (t == JsonToken.VALUE_NUMBER_INT || t == JsonToken.VALUE_NUMBER_FLOAT) {
        double v = parser.getDoubleValue();
        if (!Double.isFinite(v)) {
          throw error(location(), path.render(), "number " + parser.getText() + " is out of range");
        }
        return v;
      }
      throw error(location(), path.render(), "expected a number, got " + describe());
    } catch (IOException e) {
      throw new EvaluationInputException(file + ": cannot read: " + e.getMessage(), e);
    }
  }

  /** A 0/1 (any integer) or boolean flag, as {@code iscrowd} is written by different tools. */
  boolean flag(JsonPath path) {
    JsonToken t = parser.currentToken();
    if (t == JsonToken.VALUE_TRUE) {
      return true;
    }
    if (t == JsonToken.VALUE_FALSE) {
      return false;
    }
    if (t == JsonToken.VALUE_NUMBER_INT) {
      return integer(path) != 0;
    }
    throw error(location(), path.render(), "expected 0, 1, true or false, got " + describe());
  }

  String string(JsonPath path) {
    try {
      if (parser.currentToken() == JsonToken.VALUE_STRING) {
        return parser.getText();
      }
      throw error(location(), path.render(), "expected a string, got " + describe());
    } catch (IOException e) {
      throw new EvaluationInputException(file + ": cannot read: " + e.getMessage(), e);
    }
  }

  /** Reads {@code [x, y, width, height]} into {@code into}. */
  void bbox(JsonPath path, double[] into) {
    JsonLocation start = location();
    if (parser.currentToken() != JsonToken.START_ARRAY) {
      throw error(start, path.render(), "expected [x, y, width, height], got " + describe());
    }
    int n = 0;
    for (JsonToken t = next(); t != JsonToken.END_ARRAY; t = next()) {
      if (n == 4) {
        throw error(start, path.render(), "expected 4 numbers [x, y, width, height], got more");
      }
      int element = n;
      into[n] = number(() -> path.render() + "[" + element + "]");
      n++;
    }
    if (n != 4) {
      throw error(start, path.render(), "expected 4 numbers [x, y, width, height], got " + n);
    }
  }

  /** The current value in words, for messages: {@code a string "abc"}, {@code an object}. */
  String describe() {
    JsonToken t = parser.currentToken();
    if (t == null) {
      return "the end of the file";
    }
    try {
      return switch (t) {
        case START_OBJECT -> "an object";
        case START_ARRAY -> "an array";
        case VALUE_STRING -> "a string \"" + abbreviate(parser.getText()) + "\"";
        case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "the number " + parser.getText();
        case VALUE_TRUE -> "true";
        case VALUE_FALSE -> "false";
        case VALUE_NULL -> "null";
        default -> t.asString() == null ? t.name() : t.asString();
      };
    } catch (IOException e) {
      throw new EvaluationInputException(file + ": cannot read: " + e.getMessage(), e);
    }
  }

  private static String abbreviate(String s) {
    return s.length() <= 40 ? s : s.substring(0, 37) + "...";
  }

  @Override
  public void close() {
    try {
      parser.close();
    } catch (IOException e) {
      throw new EvaluationInputException(file + ": cannot close: " + e.getMessage(), e);
    }
  }
}
