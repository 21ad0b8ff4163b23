package dev.kiln.steps.labels;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.Objects;

/**
 * One thing that did not make it into the output, and why: a line of {@code rejected.jsonl}.
 *
 * @param source what was rejected: an image's source id, optionally with {@code #box<i>}, or an
 *     annotation file
 * @param reason the kind of problem
 * @param detail what exactly, for a person to fix it
 */
public record Rejection(String source, RejectReason reason, String detail) implements Serializable {
  private static final ObjectMapper JSON = new ObjectMapper();

  public Rejection {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(detail, "detail");
  }

  /** {@code {"source":...,"reason":"zero-area-box","detail":...}} without a newline. */
  public String toJsonLine() {
    ObjectNode n = JSON.createObjectNode();
    n.put("source", source);
    n.put("reason", reason.code());
    n.put("detail", detail);
    try {
      return JSON.writeValueAsString(n);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }
}
