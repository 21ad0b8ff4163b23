package dev.kiln.runner.djl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.pipelines.ParamValue;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The messages between {@link DjlWorkerExecutor} and {@link WorkerMain}. The request is a JSON
 * file; the worker answers with one JSON object per line on its standard output, each tagged with
 * {@value #TAG}: {@code {"kiln":"log","line":..}}, {@code {"kiln":"metrics","entry":{..}}}, {@code
 * {"kiln":"device","device":"cpu"}}, and last {@code {"kiln":"result","ok":true}} or {@code
 * {"kiln":"result","ok":false,"error":".."}}. Anything else on stdout (a library printing) is kept
 * as a plain log line.
 */
public final class WorkerProtocol {
  /** The key that marks a protocol line. */
  public static final String TAG = "kiln";

  static final ObjectMapper JSON = new ObjectMapper();

  private WorkerProtocol() {}

  /**
   * What the worker runs.
   *
   * @param inputsDir the execution's {@code inputs/}
   * @param outputsDir the execution's {@code outputs/}
   */
  public record Request(
      String stepClass,
      String executionId,
      Map<String, ParamValue> parameters,
      String inputsDir,
      String outputsDir,
      Map<String, String> engineOptions) {
    public Request {
      parameters = Map.copyOf(parameters);
      engineOptions = Map.copyOf(engineOptions);
    }
  }

  static ObjectNode encode(Request r) {
    ObjectNode o = JSON.createObjectNode();
    o.put("stepClass", r.stepClass());
    o.put("executionId", r.executionId());
    ObjectNode params = o.putObject("parameters");
    r.parameters().forEach((k, v) -> params.set(k, encode(v)));
    o.put("inputsDir", r.inputsDir());
    o.put("outputsDir", r.outputsDir());
    o.set("engineOptions", JSON.valueToTree(r.engineOptions()));
    return o;
  }

  static Request decodeRequest(JsonNode o) {
    Map<String, ParamValue> params = new LinkedHashMap<>();
    o.path("parameters").fields().forEachRemaining(e -> params.put(e.getKey(), decode(e.getValue())));
    Map<String, String> options = new LinkedHashMap<>();
    o.path("engineOptions").fields().forEachRemaining(e -> options.put(e.getKey(), e.getValue().asText()));
    return new Request(
        o.path("stepClass").asText(),
        o.path("executionId").asText(),
        params,
        o.path("inputsDir").asText(),
        o.path("outputsDir").asText(),
        options);
  }

  /** A parameter value with its kind, so that an integer stays an integer across the JVMs. */
  static ObjectNode encode(ParamValue v) {
    ObjectNode o = JSON.createObjectNode();
    if (v instanceof ParamValue.StringValue s) {
      o.put("string", s.value());
    } else if (v instanceof ParamValue.IntValue i) {
      o.put("integer", i.value());
    } else if (v instanceof ParamValue.FloatValue f) {
      o.put("float", f.value());
    } else if (v instanceof ParamValue.FlagValue f) {
      o.put("flag", f.value());
    } else if (v instanceof ParamValue.ListValue l) {
      ArrayNode a = o.putArray("list");
      for (ParamValue e : l.values()) {
        a.add(encode(e));
      }
    }
    return o;
  }

  static ParamValue decode(JsonNode o) {
    if (o.has("string")) {
      return ParamValue.of(o.get("string").asText());
    }
    if (o.has("integer")) {
      return ParamValue.of(o.get("integer").asLong());
    }
    if (o.has("float")) {
      return ParamValue.of(o.get("float").asDouble());
    }
    if (o.has("flag")) {
      return ParamValue.of(o.get("flag").asBoolean());
    }
    if (o.has("list")) {
      List<ParamValue> values = new ArrayList<>();
      o.get("list").forEach(e -> values.add(decode(e)));
      return ParamValue.list(values);
    }
    throw new IllegalArgumentException("not a parameter value: " + o);
  }
}
