package dev.kiln.serving;

import static dev.kiln.serving.DetectionJson.JSON;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.steps.detector.ImageDetections;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One model served over HTTP: KServe Open Inference Protocol v2, TF Serving / AI Platform
 * Prediction ({@code :predict} with {@code image_bytes}), EasyMaker (the same route with {@code
 * data}), SageMaker ({@code /ping}, {@code /invocations}) and {@code /metrics}, all in front of one
 * {@link Batcher}. It listens first and is ready only after a warm-up forward pass; {@link
 * #close()} refuses new work, answers what is queued or running, then stops listening.
 */
public final class EndpointServer implements AutoCloseable {
  static final String JSON_TYPE = "application/json";
  static final Set<String> IMAGE_TYPES = Set.of("image/jpeg", "image/png", "application/x-image");
  private static final long ANSWER_TIMEOUT_SECONDS = 120;

  private final Javalin app;
  private final ServedModel model;
  private final EndpointSettings settings;
  private final Batcher<BufferedImage, ImageDetections> batcher;
  private final EndpointMetrics metrics;
  private final ImageDecoder decoder;
  private final AtomicInteger inFlight = new AtomicInteger();
  private volatile boolean ready;
  private volatile boolean draining;

  private EndpointServer(ServedModel model, EndpointSettings settings) {
    this.model = model;
    this.settings = settings;
    EndpointMetrics[] m = new EndpointMetrics[1];
    this.batcher = new Batcher<>(model.predictor(), settings.maxBatchSize(),
        settings.maxDelayMillis(), settings.queueCapacity(), size -> m[0].batch(size));
    this.metrics = new EndpointMetrics(settings.name(), batcher::queueDepth);
    m[0] = metrics;
    this.decoder = new ImageDecoder(settings.maxPixels());
    this.app = Javalin.create(c -> {
      c.showJavalinBanner = false;
      c.http.maxRequestSize = settings.maxBodyBytes();
    });
    routes();
  }

  /**
   * Listens on the settings' address, runs one warm-up batch, then reports ready. The predictor
   * stays the caller's: close it after this server.
   *
   * @throws EndpointException (status 0) when the address cannot be bound
   */
  public static EndpointServer start(ServedModel model, EndpointSettings settings) {
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(settings, "settings");
    EndpointServer s = new EndpointServer(model, settings);
    try {
      s.app.start(settings.bind(), settings.port());
    } catch (RuntimeException e) {
      s.batcher.close();
      s.app.stop();
      Throwable root = e;
      while (root.getCause() != null) {
        root = root.getCause();
      }
      throw new EndpointException(0, "cannot listen on " + settings.bind() + ":"
          + settings.port() + ": " + root.getMessage() + " (is the port in use? choose another"
          + " with --port)");
    }
    s.warmUp();
    return s;
  }

  private void warmUp() {
    int size = Math.max(32, model.inputSize());
    BufferedImage img = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    try {
      g.setColor(new Color(127, 127, 127));
      g.fillRect(0, 0, size, size);
    } finally {
      g.dispose();
    }
    model.predictor().batchPredict(List.of(img));
    ready = true;
  }

  public int port() {
    return app.port();
  }

  /** {@code http://host:port}, 127.0.0.1 for a server bound to every address. */
  public String baseUrl() {
    String host = settings.bind();
    if (host.equals("0.0.0.0") || host.equals("::")) {
      host = "127.0.0.1";
    }
    if (host.contains(":")) {
      host = "[" + host + "]";
    }
    return "http://" + host + ":" + port();
  }

  public boolean ready() {
    return ready && !draining;
  }

  public EndpointSettings settings() {
    return settings;
  }

  private void routes() {
    String name = settings.name();
    app.get("/v2/health/live", ctx -> json(ctx, obj().put("live", true)));
    app.get("/v2/health/ready", ctx -> {
      ctx.status(ready() ? 200 : 503);
      json(ctx, obj().put("ready", ready()));
    });
    app.get("/v2", ctx -> {
      ObjectNode o = obj().put("name", "kiln").put("version", version());
      o.putArray("extensions");
      json(ctx, o);
    });
    app.get("/v2/models/{name}", ctx -> handle(ctx, "kserve_v2", () -> {
      requireModel(ctx.pathParam("name"));
      json(ctx, kserveMetadata());
    }));
    app.get("/v2/models/{name}/ready", ctx -> handle(ctx, "kserve_v2", () -> {
      requireModel(ctx.pathParam("name"));
      ctx.status(ready() ? 200 : 503);
      json(ctx, obj().put("name", name).put("ready", ready()));
    }));
    app.post("/v2/models/{name}/infer", ctx -> handle(ctx, "kserve_v2", () -> {
      requireModel(ctx.pathParam("name"));
      kserveInfer(ctx);
    }));
    app.get("/v2/models/{name}/versions/{version}", ctx -> handle(ctx, "kserve_v2", () -> {
      requireModel(ctx.pathParam("name"), ctx.pathParam("version"));
      json(ctx, kserveMetadata());
    }));
    app.get("/v2/models/{name}/versions/{version}/ready", ctx -> handle(ctx, "kserve_v2", () -> {
      requireModel(ctx.pathParam("name"), ctx.pathParam("version"));
      ctx.status(ready() ? 200 : 503);
      json(ctx, obj().put("name", name).put("ready", ready()));
    }));
    app.post("/v2/models/{name}/versions/{version}/infer", ctx -> handle(ctx, "kserve_v2", () -> {
      requireModel(ctx.pathParam("name"), ctx.pathParam("version"));
      kserveInfer(ctx);
    }));
    app.post("/v1/models/{name}/versions/{spec}", ctx -> handle(ctx, "tf_serving", () -> {
      String spec = ctx.pathParam("spec");
      int colon = spec.lastIndexOf(':');
      if (colon < 0 || !spec.substring(colon + 1).equals("predict")) {
        throw new EndpointException(404, "POST /v1/models/" + ctx.pathParam("name")
            + "/versions/" + spec + ": the only method is :predict");
      }
      requireModel(ctx.pathParam("name"), spec.substring(0, colon));
      predict(ctx);
    }));
    app.get("/v1/models/{spec}", ctx -> handle(ctx, "tf_serving", () -> {
      requireModel(ctx.pathParam("spec"));
      ObjectNode o = obj();
      ObjectNode v = o.putArray("model_version_status").addObject();
      v.put("version", model.version());
      v.put("state", ready() ? "AVAILABLE" : "LOADING");
      v.putObject("status").put("error_code", "OK").put("error_message", "");
      json(ctx, o);
    }));
    app.post("/v1/models/{spec}", ctx -> {
      String spec = ctx.pathParam("spec");
      int colon = spec.lastIndexOf(':');
      String protocol = "tf_serving";
      handle(ctx, protocol, () -> {
        if (colon < 0 || !spec.substring(colon + 1).equals("predict")) {
          throw new EndpointException(404, "POST /v1/models/" + spec + ": the only method is"
              + " :predict, as in /v1/models/" + name + ":predict");
        }
        requireModel(spec.substring(0, colon));
        predict(ctx);
      });
    });
    app.get("/ping", ctx -> {
      ctx.status(ready() ? 200 : 503);
      json(ctx, obj().put("status", ready() ? "Healthy" : "Unhealthy"));
    });
    app.post("/invocations", ctx -> handle(ctx, "sagemaker", () -> invocations(ctx)));
    app.get("/metrics", ctx -> {
      ctx.contentType("text/plain; version=0.0.4; charset=utf-8");
      ctx.result(metrics.render());
    });
    app.error(404, ctx -> {
      if (ctx.attribute("kiln.answered") == null) {
        ctx.contentType(JSON_TYPE);
        ctx.result(obj().put("error", "no route " + ctx.method() + " " + ctx.path()
            + " (this endpoint serves /v2/models/" + name + "/infer, /v1/models/" + name
            + ":predict, /invocations, /ping, /metrics)").toString());
      }
    });
    app.exception(Exception.class, (e, ctx) -> {
      ctx.attribute("kiln.answered", true);
      ctx.status(500);
      ctx.contentType(JSON_TYPE);
      ctx.result(obj().put("error", "internal error: " + e.getClass().getSimpleName()).toString());
    });
  }

  @FunctionalInterface
  private interface Body {
    void run() throws Exception;
  }

  /** Runs a handler, answering an {@link EndpointException} as JSON and timing the request. */
  private void handle(Context ctx, String protocol, Body body) {
    long t0 = System.nanoTime();
    inFlight.incrementAndGet();
    ctx.attribute("kiln.answered", true);
    try {
      body.run();
    } catch (EndpointException e) {
      error(ctx, e);
    } catch (Exception e) {
      ctx.status(500);
      json(ctx, obj().put("error", "internal error: " + e.getClass().getSimpleName()
          + (e.getMessage() == null ? "" : ": " + e.getMessage())));
    } finally {
      inFlight.decrementAndGet();
      metrics.request(protocol, ctx.statusCode(), System.nanoTime() - t0);
    }
  }

  private static void error(Context ctx, EndpointException e) {
    ctx.status(e.status());
    e.headers().forEach(ctx::header);
    json(ctx, obj().put("error", e.getMessage()));
  }

  private void requireModel(String name) {
    if (!settings.name().equals(name)) {
      throw new EndpointException(404, "unknown model \"" + name + "\" (this endpoint serves \""
          + settings.name() + "\")");
    }
  }

  private void requireModel(String name, String version) {
    requireModel(name);
    if (!model.version().equals(version)) {
      throw new EndpointException(404, "model \"" + name + "\" has no version \"" + version
          + "\" (this endpoint serves version \"" + model.version() + "\")");
    }
  }

  private ObjectNode kserveMetadata() {
    ObjectNode o = obj();
    o.put("name", settings.name());
    o.putArray("versions").add(model.version());
    o.put("platform", model.artifactType());
    ObjectNode in = o.putArray("inputs").addObject();
    in.put("name", "image");
    in.put("datatype", "BYTES");
    in.putArray("shape").add(-1);
    ArrayNode outs = o.putArray("outputs");
    String[][] shapes = {
      {"num_detections", "INT32", "-1"},
      {"detection_boxes", "FP32", "-1,-1,4"},
      {"detection_classes", "INT32", "-1,-1"},
      {"detection_scores", "FP32", "-1,-1"}
    };
    for (String[] s : shapes) {
      ObjectNode t = outs.addObject();
      t.put("name", s[0]);
      t.put("datatype", s[1]);
      ArrayNode shape = t.putArray("shape");
      for (String d : s[2].split(",")) {
        shape.add(Integer.parseInt(d));
      }
    }
    o.putObject("parameters").set("labels", JSON.valueToTree(model.labels()));
    return o;
  }

  private void kserveInfer(Context ctx) {
    JsonNode req = jsonBody(ctx);
    JsonNode inputs = req.get("inputs");
    if (inputs == null || !inputs.isArray()) {
      throw new EndpointException(400, "missing field \"inputs\": an array with one BYTES input"
          + " of base64-encoded images");
    }
    if (inputs.size() != 1) {
      throw new EndpointException(400, "\"inputs\" has " + inputs.size()
          + " tensors; give one BYTES input of base64-encoded images");
    }
    JsonNode in = inputs.get(0);
    for (String f : List.of("name", "datatype", "shape", "data")) {
      if (!in.has(f)) {
        throw new EndpointException(400, "inputs[0]: missing field \"" + f + "\"");
      }
    }
    if (!"BYTES".equals(in.get("datatype").asText())) {
      throw new EndpointException(400, "inputs[0].datatype is \"" + in.get("datatype").asText()
          + "\"; this detector takes BYTES (base64-encoded PNG or JPEG images)");
    }
    List<JsonNode> data = new ArrayList<>();
    flatten(in.get("data"), data);
    long count = 1;
    if (!in.get("shape").isArray() || in.get("shape").isEmpty()) {
      throw new EndpointException(400, "inputs[0].shape must be an array such as [" + data.size()
          + "]");
    }
    for (JsonNode d : in.get("shape")) {
      count *= d.asLong();
    }
    if (count != data.size()) {
      throw new EndpointException(400, "inputs[0].shape " + in.get("shape") + " holds " + count
          + " elements, data has " + data.size());
    }
    if (data.isEmpty()) {
      throw new EndpointException(400, "inputs[0].data is empty");
    }
    List<String> wanted = new ArrayList<>();
    JsonNode outputs = req.get("outputs");
    if (outputs != null) {
      for (int i = 0; i < outputs.size(); i++) {
        String n = outputs.get(i).path("name").asText();
        if (!DetectionJson.KSERVE_OUTPUTS.contains(n)) {
          throw new EndpointException(400, "outputs[" + i + "].name \"" + n + "\" is not an"
              + " output of this model (outputs: " + String.join(", ", DetectionJson.KSERVE_OUTPUTS)
              + ")");
        }
        wanted.add(n);
      }
    }
    List<BufferedImage> images = new ArrayList<>();
    for (int i = 0; i < data.size(); i++) {
      String where = "inputs[0].data[" + i + "]";
      if (!data.get(i).isTextual()) {
        throw new EndpointException(400, where + ": expected a base64 string");
      }
      images.add(decoder.decode(base64(data.get(i).asText(), where), where));
    }
    List<ImageDetections> dets = infer(images);
    ObjectNode o = obj();
    o.put("model_name", settings.name());
    o.put("model_version", model.version());
    if (req.hasNonNull("id")) {
      o.put("id", req.get("id").asText());
    }
    o.set("outputs", DetectionJson.kserveOutputs(dets, wanted));
    json(ctx, o);
  }

  private static void flatten(JsonNode n, List<JsonNode> out) {
    if (n.isArray()) {
      n.forEach(c -> flatten(c, out));
    } else {
      out.add(n);
    }
  }

  private void predict(Context ctx) {
    JsonNode req = jsonBody(ctx);
    JsonNode instances = req.get("instances");
    if (instances == null) {
      throw new EndpointException(400, "missing field \"instances\": an array such as"
          + " [{\"image_bytes\": {\"b64\": \"...\"}, \"key\": \"1\"}] (AI Platform) or"
          + " [{\"data\": \"...\"}] (EasyMaker)");
    }
    if (!instances.isArray() || instances.isEmpty()) {
      throw new EndpointException(400, "\"instances\" must be a non-empty array");
    }
    boolean easyMaker = instances.get(0).isObject() && instances.get(0).has("data");
    List<BufferedImage> images = new ArrayList<>();
    List<String> keys = new ArrayList<>();
    for (int i = 0; i < instances.size(); i++) {
      JsonNode inst = instances.get(i);
      String where = "instances[" + i + "]";
      String b64;
      if (easyMaker) {
        if (!inst.isObject() || !inst.has("data")) {
          throw new EndpointException(400, where + ": missing field \"data\" (instances[0] has"
              + " it, so every instance needs it)");
        }
        if (!inst.get("data").isTextual()) {
          throw new EndpointException(400, where + ".data: expected a base64 string");
        }
        b64 = inst.get("data").asText();
        where += ".data";
      } else {
        JsonNode bytes = inst.isObject() && inst.has("image_bytes") ? inst.get("image_bytes")
            : inst;
        if (!bytes.isObject() || !bytes.has("b64")) {
          throw new EndpointException(400, where + ": missing field \"image_bytes\": {\"b64\":"
              + " \"<base64 image>\"}");
        }
        if (!bytes.get("b64").isTextual()) {
          throw new EndpointException(400, where + ".image_bytes.b64: expected a base64 string");
        }
        b64 = bytes.get("b64").asText();
        keys.add(inst.hasNonNull("key") ? inst.get("key").asText() : null);
        where += ".image_bytes.b64";
      }
      images.add(decoder.decode(base64(b64, where), where));
    }
    List<ImageDetections> dets = infer(images);
    ObjectNode o = obj();
    ArrayNode preds = o.putArray("predictions");
    for (int i = 0; i < dets.size(); i++) {
      if (easyMaker) {
        preds.add(DetectionJson.easyMaker(
            dets.get(i), images.get(i).getWidth(), images.get(i).getHeight(), model));
      } else {
        preds.add(DetectionJson.tfServing(dets.get(i), keys.get(i)));
      }
    }
    json(ctx, o);
  }

  private void invocations(Context ctx) {
    String type = ctx.contentType();
    String base = type == null ? "" : type.split(";")[0].trim().toLowerCase(Locale.ROOT);
    if (!IMAGE_TYPES.contains(base)) {
      throw new EndpointException(415, "Content-Type is \"" + (type == null ? "" : type)
          + "\"; /invocations takes the raw image as image/jpeg, image/png or"
          + " application/x-image");
    }
    byte[] body = body(ctx);
    BufferedImage img = decoder.decode(body, "the request body");
    json(ctx, DetectionJson.sageMaker(infer(List.of(img)).get(0)));
  }

  /** Runs images through the batcher and waits for their answers. */
  List<ImageDetections> infer(List<BufferedImage> images) {
    if (!ready()) {
      throw new EndpointException(503, draining ? "the endpoint is stopping"
          : "the model is still loading", Map.of("Retry-After", "1"));
    }
    List<CompletableFuture<ImageDetections>> futures = batcher.submitAll(images);
    List<ImageDetections> out = new ArrayList<>(futures.size());
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(ANSWER_TIMEOUT_SECONDS);
    for (CompletableFuture<ImageDetections> f : futures) {
      try {
        out.add(f.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS));
      } catch (TimeoutException e) {
        throw new EndpointException(503, "no answer within " + ANSWER_TIMEOUT_SECONDS + " s",
            Map.of("Retry-After", "1"));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new EndpointException(503, "the endpoint is stopping");
      } catch (ExecutionException e) {
        Throwable c = e.getCause();
        throw new EndpointException(500, "inference failed: " + c.getClass().getSimpleName()
            + (c.getMessage() == null ? "" : ": " + c.getMessage()));
      }
    }
    return out;
  }

  private JsonNode jsonBody(Context ctx) {
    String type = ctx.contentType();
    if (type != null && !type.isBlank()) {
      String base = type.split(";")[0].trim().toLowerCase(Locale.ROOT);
      if (!base.equals(JSON_TYPE)) {
        throw new EndpointException(415, "Content-Type is \"" + type + "\"; send "
            + JSON_TYPE + " (curl: -H 'Content-Type: application/json')");
      }
    }
    byte[] body = body(ctx);
    if (body.length == 0) {
      throw new EndpointException(400, "the request body is empty; send a JSON object");
    }
    JsonNode n;
    try {
      n = JSON.readTree(body);
    } catch (JsonProcessingException e) {
      String where = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr()
          + ", column " + e.getLocation().getColumnNr();
      throw new EndpointException(400, "bad JSON" + where + ": " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new EndpointException(400, "cannot read the request body: " + e.getMessage());
    }
    if (n == null || !n.isObject()) {
      throw new EndpointException(400, "the request body must be a JSON object");
    }
    return n;
  }

  /** The body, read up to the limit: 413 for more, whatever Content-Length claims. */
  private byte[] body(Context ctx) {
    long limit = settings.maxBodyBytes();
    String tooLarge = "the request body is larger than the limit of " + limit + " bytes"
        + " (--max-body-mb)";
    if (ctx.req().getContentLengthLong() > limit) {
      throw new EndpointException(413, tooLarge);
    }
    try (InputStream in = ctx.req().getInputStream()) {
      byte[] b = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, limit + 1));
      if (b.length > limit) {
        throw new EndpointException(413, tooLarge);
      }
      return b;
    } catch (IOException e) {
      throw new EndpointException(400, "cannot read the request body: " + e.getMessage());
    }
  }

  private static byte[] base64(String s, String where) {
    try {
      return Base64.getDecoder().decode(s.strip());
    } catch (IllegalArgumentException e) {
      try {
        return Base64.getUrlDecoder().decode(s.strip());
      } catch (IllegalArgumentException e2) {
        throw new EndpointException(400, where + ": not base64 (" + e.getMessage() + ")");
      }
    }
  }

  private static ObjectNode obj() {
    return JSON.createObjectNode();
  }

  private static void json(Context ctx, JsonNode n) {
    ctx.contentType(JSON_TYPE);
    ctx.result(n.toString());
  }

  private static String version() {
    String v = EndpointServer.class.getPackage().getImplementationVersion();
    return v == null ? "0.1.0-SNAPSHOT" : v;
  }

  /**
   * Drains: readiness turns false and new requests get 503, queued and running requests are
   * answered (up to 30 s), then the server stops listening.
   */
  @Override
  public void close() {
    draining = true;
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (inFlight.get() > 0 && System.nanoTime() < until) {
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    batcher.close();
    app.stop();
  }
}
