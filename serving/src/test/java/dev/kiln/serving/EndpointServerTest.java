package dev.kiln.serving;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.pipelines.spi.ModelLoader;
import dev.kiln.pipelines.spi.ModelLoaders;
import dev.kiln.pipelines.spi.Predictor;
import dev.kiln.steps.detector.Detection;
import dev.kiln.steps.detector.ImageDetections;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real endpoint on a free port, real HTTP requests: every protocol's exact JSON against the
 * predictor's in-process answers, batching, back-pressure, draining and every bad input.
 */
class EndpointServerTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final HttpClient HTTP = HttpClient.newHttpClient();

  @TempDir static Path dir;
  static Predictor<BufferedImage, ImageDetections> predictor;
  static ServedModel model;
  static EndpointServer server;
  static String base;

  @BeforeAll
  @SuppressWarnings("unchecked")
  static void start() throws Exception {
    Path folder = TestModels.detector(dir.resolve("model"));
    ModelLoader<?, ?> loader = ModelLoaders.load().require(folder);
    assertThat(loader.artifactType()).isEqualTo("kiln-darknet-detector");
    predictor = (Predictor<BufferedImage, ImageDetections>)
        loader.load(folder, Map.of("score_threshold", "0.6"));
    model = new ServedModel("1", loader.artifactType(), List.of("circle", "square", "triangle"),
        64, predictor);
    server = EndpointServer.start(model, EndpointSettings.of("det").withPort(0)
        .withMaxBatchSize(8).withMaxDelayMillis(150).withMaxBodyBytes(2L << 20)
        .withMaxPixels(4_000_000));
    base = server.baseUrl();
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
    if (predictor != null) {
      predictor.close();
    }
  }

  static HttpResponse<String> get(String path) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create(base + path)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  static HttpResponse<String> post(String path, String type, byte[] body) throws Exception {
    return postAsync(path, type, body).get(60, TimeUnit.SECONDS);
  }

  static CompletableFuture<HttpResponse<String>> postAsync(String path, String type, byte[] body) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path))
        .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (type != null) {
      b.header("Content-Type", type);
    }
    return HTTP.sendAsync(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  static HttpResponse<String> postJson(String path, Object body) throws Exception {
    return post(path, "application/json", JSON.writeValueAsBytes(body));
  }

  static String b64(byte[] b) {
    return Base64.getEncoder().encodeToString(b);
  }

  /** The in-process answer for an encoded image, decoded as the server decodes it. */
  static ImageDetections expected(byte[] encoded) throws Exception {
    return predictor.predict(ImageIO.read(new ByteArrayInputStream(encoded)));
  }

  static byte[] png(int seed) throws Exception {
    return TestModels.encode(TestModels.image(seed, 80 + seed, 60 + 2 * seed), "png");
  }

  // The expected JSON is built here field by field, independently of DetectionJson.

  static ObjectNode tf(ImageDetections d, String key) {
    ObjectNode o = JSON.createObjectNode();
    o.put("num_detections", d.detections().size());
    ArrayNode boxes = o.putArray("detection_boxes");
    ArrayNode cls = o.putArray("detection_classes");
    ArrayNode sc = o.putArray("detection_scores");
    for (Detection x : d.detections()) {
      boxes.addArray().add(x.ymin()).add(x.xmin()).add(x.ymax()).add(x.xmax());
      cls.add(x.classId() + 1);
      sc.add(x.score());
    }
    o.put("key", key);
    return o;
  }


  /**
   * The answer has exactly the expected JSON shape, keys, counts and integers; floats agree to
   * 1e-5, since a forward pass of several images rounds the last bits differently from one of
   * one image (the in-process answer is computed for the image alone).
   */
  static void assertSameAnswer(String body, JsonNode want) throws Exception {
    JsonNode got = JSON.readTree(body);
    assertClose(got, want, "$");
  }

  static void assertClose(JsonNode got, JsonNode want, String path) {
    assertThat(got.getNodeType()).as(path).isEqualTo(want.getNodeType());
    if (want.isObject()) {
      assertThat(iterable(got.fieldNames())).as(path).containsExactlyElementsOf(
          iterable(want.fieldNames()));
      want.fields().forEachRemaining(e -> assertClose(got.get(e.getKey()), e.getValue(),
          path + "." + e.getKey()));
    } else if (want.isArray()) {
      assertThat(got.size()).as(path).isEqualTo(want.size());
      for (int i = 0; i < want.size(); i++) {
        assertClose(got.get(i), want.get(i), path + "[" + i + "]");
      }
    } else if (want.isIntegralNumber()) {
      assertThat(got.asLong()).as(path).isEqualTo(want.asLong());
    } else if (want.isNumber()) {
      assertThat(got.isFloatingPointNumber()).as(path).isTrue();
      assertThat(got.asDouble()).as(path).isCloseTo(want.asDouble(),
          org.assertj.core.api.Assertions.within(1e-5));
    } else {
      assertThat(got).as(path).isEqualTo(want);
    }
  }

  static List<String> iterable(java.util.Iterator<String> it) {
    List<String> out = new ArrayList<>();
    it.forEachRemaining(out::add);
    return out;
  }

  @Test
  void healthAndMetadata() throws Exception {
    assertThat(get("/v2/health/live").body()).isEqualTo("{\"live\":true}");
    HttpResponse<String> ready = get("/v2/health/ready");
    assertThat(ready.statusCode()).isEqualTo(200);
    assertThat(ready.body()).isEqualTo("{\"ready\":true}");
    assertThat(get("/v2/models/det/ready").body()).isEqualTo("{\"name\":\"det\",\"ready\":true}");
    assertThat(get("/v2/models/det").body()).isEqualTo(
        "{\"name\":\"det\",\"versions\":[\"1\"],\"platform\":\"kiln-darknet-detector\","
            + "\"inputs\":[{\"name\":\"image\",\"datatype\":\"BYTES\",\"shape\":[-1]}],"
            + "\"outputs\":[{\"name\":\"num_detections\",\"datatype\":\"INT32\",\"shape\":[-1]},"
            + "{\"name\":\"detection_boxes\",\"datatype\":\"FP32\",\"shape\":[-1,-1,4]},"
            + "{\"name\":\"detection_classes\",\"datatype\":\"INT32\",\"shape\":[-1,-1]},"
            + "{\"name\":\"detection_scores\",\"datatype\":\"FP32\",\"shape\":[-1,-1]}],"
            + "\"parameters\":{\"labels\":[\"circle\",\"square\",\"triangle\"]}}");
    HttpResponse<String> ping = get("/ping");
    assertThat(ping.statusCode()).isEqualTo(200);
    assertThat(ping.body()).isEqualTo("{\"status\":\"Healthy\"}");
    assertThat(get("/v1/models/det").body()).isEqualTo(
        "{\"model_version_status\":[{\"version\":\"1\",\"state\":\"AVAILABLE\","
            + "\"status\":{\"error_code\":\"OK\",\"error_message\":\"\"}}]}");
  }

  @Test
  void tfServingPredictAnswersAsThePredictor() throws Exception {
    byte[] a = png(1);
    byte[] b = TestModels.encode(TestModels.image(2, 100, 70), "jpg");
    ImageDetections ea = expected(a);
    ImageDetections eb = expected(b);
    assertThat(ea.detections()).isNotEmpty();
    Map<String, Object> body = Map.of("instances", List.of(
        Map.of("image_bytes", Map.of("b64", b64(a)), "key", "1"),
        Map.of("image_bytes", Map.of("b64", b64(b)), "key", "two")));
    HttpResponse<String> r = postJson("/v1/models/det:predict", body);
    assertThat(r.statusCode()).isEqualTo(200);
    ObjectNode want = JSON.createObjectNode();
    want.putArray("predictions").add(tf(ea, "1")).add(tf(eb, "two"));
    assertSameAnswer(r.body(), want);
    assertSameAnswer(postJson("/v1/models/det/versions/1:predict", body).body(), want);
    assertError(postJson("/v1/models/det/versions/2:predict", body), 404,
        "model \"det\" has no version \"2\" (this endpoint serves version \"1\")");
    assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
  }

  @Test
  void easyMakerAnswersInPixels() throws Exception {
    byte[] a = png(3);
    BufferedImage img = ImageIO.read(new ByteArrayInputStream(a));
    ImageDetections ea = expected(a);
    assertThat(ea.detections()).isNotEmpty();
    HttpResponse<String> r = postJson("/v1/models/det:predict",
        Map.of("instances", List.of(Map.of("data", b64(a)))));
    assertThat(r.statusCode()).isEqualTo(200);
    ObjectNode want = JSON.createObjectNode();
    ArrayNode objs = want.putArray("predictions").addArray();
    String[] names = {"circle", "square", "triangle"};
    for (Detection x : ea.detections()) {
      ObjectNode box = objs.addObject().putObject(names[x.classId()]);
      box.put("xmin", x.xmin() * img.getWidth());
      box.put("ymin", x.ymin() * img.getHeight());
      box.put("xmax", x.xmax() * img.getWidth());
      box.put("ymax", x.ymax() * img.getHeight());
    }
    assertSameAnswer(r.body(), want);
  }

  @Test
  void sageMakerInvocations() throws Exception {
    byte[] a = png(4);
    ImageDetections ea = expected(a);
    for (String type : List.of("image/png", "application/x-image")) {
      HttpResponse<String> r = post("/invocations", type, a);
      assertThat(r.statusCode()).isEqualTo(200);
      ObjectNode want = JSON.createObjectNode();
      ArrayNode rows = want.putArray("prediction");
      for (Detection x : ea.detections()) {
        rows.addArray().add((float) x.classId()).add(x.score()).add(x.xmin()).add(x.ymin())
            .add(x.xmax()).add(x.ymax());
      }
      assertSameAnswer(r.body(), want);
    }
    byte[] jpg = TestModels.encode(TestModels.image(5, 90, 90), "jpg");
    HttpResponse<String> r = post("/invocations", "image/jpeg", jpg);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(JSON.readTree(r.body()).path("prediction").size())
        .isEqualTo(expected(jpg).detections().size());
  }

  @Test
  void kserveInferPadsTheBatchToItsMostDetections() throws Exception {
    byte[] a = png(6);
    byte[] b = png(7);
    ImageDetections ea = expected(a);
    ImageDetections eb = expected(b);
    Map<String, Object> body = Map.of("id", "42", "inputs", List.of(Map.of(
        "name", "image", "datatype", "BYTES", "shape", List.of(2),
        "data", List.of(b64(a), b64(b)))));
    HttpResponse<String> r = postJson("/v2/models/det/infer", body);
    assertThat(r.statusCode()).isEqualTo(200);
    int m = Math.max(ea.detections().size(), eb.detections().size());
    ObjectNode want = JSON.createObjectNode();
    want.put("model_name", "det").put("model_version", "1").put("id", "42");
    ArrayNode outs = want.putArray("outputs");
    ObjectNode num = outs.addObject().put("name", "num_detections").put("datatype", "INT32");
    num.putArray("shape").add(2);
    num.putArray("data").add(ea.detections().size()).add(eb.detections().size());
    ObjectNode boxes = outs.addObject().put("name", "detection_boxes").put("datatype", "FP32");
    boxes.putArray("shape").add(2).add(m).add(4);
    ObjectNode cls = outs.addObject().put("name", "detection_classes").put("datatype", "INT32");
    cls.putArray("shape").add(2).add(m);
    ObjectNode sc = outs.addObject().put("name", "detection_scores").put("datatype", "FP32");
    sc.putArray("shape").add(2).add(m);
    ArrayNode bd = boxes.putArray("data");
    ArrayNode cd = cls.putArray("data");
    ArrayNode sd = sc.putArray("data");
    for (ImageDetections d : List.of(ea, eb)) {
      for (int i = 0; i < m; i++) {
        Detection x = i < d.detections().size() ? d.detections().get(i) : null;
        bd.add(x == null ? 0f : x.ymin()).add(x == null ? 0f : x.xmin())
            .add(x == null ? 0f : x.ymax()).add(x == null ? 0f : x.xmax());
        cd.add(x == null ? 0 : x.classId() + 1);
        sd.add(x == null ? 0f : x.score());
      }
    }
    assertSameAnswer(r.body(), want);

    // the same through the model's version, which must be the one served
    assertSameAnswer(postJson("/v2/models/det/versions/1/infer", body).body(), want);
    assertThat(get("/v2/models/det/versions/1/ready").body())
        .isEqualTo("{\"name\":\"det\",\"ready\":true}");
    assertError(postJson("/v2/models/det/versions/7/infer", body), 404,
        "model \"det\" has no version \"7\" (this endpoint serves version \"1\")");

    // asking for one output gives that one only
    Map<String, Object> one = Map.of("inputs", List.of(Map.of("name", "image", "datatype",
        "BYTES", "shape", List.of(1), "data", List.of(b64(a)))),
        "outputs", List.of(Map.of("name", "num_detections")));
    JsonNode r1 = JSON.readTree(postJson("/v2/models/det/infer", one).body());
    assertThat(r1.path("outputs")).hasSize(1);
    assertThat(r1.path("outputs").get(0).path("data").get(0).asInt())
        .isEqualTo(ea.detections().size());
  }

  @Test
  void concurrentRequestsShareAForwardPassAndEachGetsItsOwnAnswer() throws Exception {
    double[] before = batchStats();
    int n = 6;
    List<byte[]> images = new ArrayList<>();
    List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      images.add(png(20 + i));
    }
    for (int i = 0; i < n; i++) {
      calls.add(postAsync("/v1/models/det:predict", "application/json", JSON.writeValueAsBytes(
          Map.of("instances", List.of(Map.of("image_bytes", Map.of("b64", b64(images.get(i))),
              "key", "k" + i))))));
    }
    for (int i = 0; i < n; i++) {
      HttpResponse<String> r = calls.get(i).get(60, TimeUnit.SECONDS);
      assertThat(r.statusCode()).isEqualTo(200);
      ObjectNode want = JSON.createObjectNode();
      want.putArray("predictions").add(tf(expected(images.get(i)), "k" + i));
      assertSameAnswer(r.body(), want);
    }
    double[] after = batchStats();
    double batches = after[1] - before[1];
    double imagesRun = after[0] - before[0];
    // 6 images in fewer forward passes than images: at least one batch held more than one
    assertThat(imagesRun).isEqualTo(n);
    assertThat(batches).isLessThan(n);
  }

  /** {sum, count} of the batch size histogram. */
  static double[] batchStats() throws Exception {
    String text = get("/metrics").body();
    return new double[] {
      metric(text, "kiln_endpoint_batch_size_sum\\{model=\"det\"\\}"),
      metric(text, "kiln_endpoint_batch_size_count\\{model=\"det\"\\}")
    };
  }

  static double metric(String text, String nameRegex) {
    Matcher m = Pattern.compile("(?m)^" + nameRegex + " (\\S+)$").matcher(text);
    assertThat(m.find()).as(nameRegex + " in\n" + text).isTrue();
    return Double.parseDouble(m.group(1));
  }

  @Test
  void metricsArePrometheusText() throws Exception {
    post("/invocations", "image/png", png(8));
    post("/invocations", "text/plain", new byte[] {1});
    HttpResponse<String> r = get("/metrics");
    assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain");
    String t = r.body();
    assertThat(t).contains("# TYPE kiln_endpoint_requests_total counter\n")
        .contains("# TYPE kiln_endpoint_request_duration_seconds histogram\n")
        .contains("# TYPE kiln_endpoint_batch_size histogram\n")
        .contains("# TYPE kiln_endpoint_queue_depth gauge\n")
        .contains("kiln_endpoint_request_duration_seconds_bucket{model=\"det\",le=\"+Inf\"} ")
        .contains("kiln_endpoint_queue_depth{model=\"det\"} 0\n");
    assertThat(metric(t, "kiln_endpoint_requests_total\\{model=\"det\",protocol=\"sagemaker\","
        + "code=\"200\"\\}")).isGreaterThanOrEqualTo(1);
    assertThat(metric(t, "kiln_endpoint_errors_total\\{model=\"det\",protocol=\"sagemaker\","
        + "code=\"415\"\\}")).isGreaterThanOrEqualTo(1);
  }

  static void assertError(HttpResponse<String> r, int status, String message) throws Exception {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
    assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
    assertThat(JSON.readTree(r.body()).path("error").asText()).isEqualTo(message);
  }

  @Test
  void badInputIsA400NamingTheInstance() throws Exception {
    byte[] good = png(9);
    byte[] truncated = Arrays.copyOf(good, good.length / 2);
    String notImage = b64("hello, not an image".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    assertError(postJson("/v1/models/det:predict", Map.of("instances", List.of(
            Map.of("image_bytes", Map.of("b64", b64(good))),
            Map.of("image_bytes", Map.of("b64", notImage))))),
        400, "instances[1].image_bytes.b64: not an image (19 bytes that are not PNG, JPEG, BMP"
            + " or GIF)");
    HttpResponse<String> t = postJson("/v1/models/det:predict", Map.of("instances", List.of(
        Map.of("image_bytes", Map.of("b64", b64(truncated))))));
    assertThat(t.statusCode()).isEqualTo(400);
    assertThat(JSON.readTree(t.body()).path("error").asText())
        .startsWith("instances[0].image_bytes.b64: truncated or corrupt image");
    assertError(postJson("/v1/models/det:predict", Map.of("instances", List.of(
            Map.of("image_bytes", Map.of("b64", "!!!not base64"))))),
        400, "instances[0].image_bytes.b64: not base64 (Illegal base64 character 21)");
    assertError(postJson("/v1/models/det:predict", Map.of("instances", List.of(
            Map.of("data", b64(good)), Map.of("image", b64(good))))),
        400, "instances[1]: missing field \"data\" (instances[0] has it, so every instance"
            + " needs it)");
    assertError(postJson("/v1/models/det:predict", Map.of("instances", List.of(
            Map.of("key", "1")))),
        400, "instances[0]: missing field \"image_bytes\": {\"b64\": \"<base64 image>\"}");
    assertError(postJson("/v1/models/det:predict", Map.of("inputs", List.of())),
        400, "missing field \"instances\": an array such as [{\"image_bytes\": {\"b64\":"
            + " \"...\"}, \"key\": \"1\"}] (AI Platform) or [{\"data\": \"...\"}] (EasyMaker)");
    byte[] jpg = TestModels.encode(TestModels.image(12, 120, 90), "jpg");
    HttpResponse<String> tj = post("/invocations", "image/jpeg",
        Arrays.copyOf(jpg, jpg.length * 2 / 3));
    assertThat(tj.statusCode()).isEqualTo(400);
    assertThat(JSON.readTree(tj.body()).path("error").asText())
        .startsWith("the request body: truncated or corrupt ");
    assertError(post("/v1/models/det:predict", "application/json",
            "{\"instances\": [".getBytes(java.nio.charset.StandardCharsets.UTF_8)),
        400, "bad JSON at line 1, column 16: Unexpected end-of-input: expected close marker for"
            + " Array (start marker at [Source: REDACTED (`StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION`"
            + " disabled); line: 1, column: 15])");
    assertError(postJson("/v2/models/det/infer", Map.of("inputs", List.of(Map.of(
            "name", "image", "datatype", "BYTES", "shape", List.of(2),
            "data", List.of(b64(good), notImage))))),
        400, "inputs[0].data[1]: not an image (19 bytes that are not PNG, JPEG, BMP or GIF)");
    assertError(postJson("/v2/models/det/infer", Map.of("inputs", List.of(Map.of(
            "name", "image", "datatype", "BYTES", "shape", List.of(1))))),
        400, "inputs[0]: missing field \"data\"");
    assertError(postJson("/v2/models/det/infer", Map.of("inputs", List.of(Map.of(
            "name", "image", "datatype", "FP32", "shape", List.of(1), "data", List.of(1))))),
        400, "inputs[0].datatype is \"FP32\"; this detector takes BYTES (base64-encoded PNG or"
            + " JPEG images)");
    HttpResponse<String> gif = post("/invocations", "image/png",
        "GIF89a-nonsense".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    assertThat(gif.statusCode()).isEqualTo(400);
    assertThat(JSON.readTree(gif.body()).path("error").asText())
        .startsWith("the request body: truncated or corrupt image: ");
  }

  @Test
  void unknownModelTooLargeWrongTypeAndBombs() throws Exception {
    assertError(postJson("/v2/models/nope/infer", Map.of()), 404,
        "unknown model \"nope\" (this endpoint serves \"det\")");
    assertError(postJson("/v1/models/nope:predict", Map.of()), 404,
        "unknown model \"nope\" (this endpoint serves \"det\")");
    assertError(get("/v2/models/nope"), 404, "unknown model \"nope\" (this endpoint serves \"det\")");
    assertError(get("/nothing/here"), 404, "no route GET /nothing/here (this endpoint serves"
        + " /v2/models/det/infer, /v1/models/det:predict, /invocations, /ping, /metrics)");
    byte[] big = new byte[(2 << 20) + 10];
    Arrays.fill(big, (byte) ' ');
    assertError(post("/v1/models/det:predict", "application/json", big), 413,
        "the request body is larger than the limit of 2097152 bytes (--max-body-mb)");
    assertError(post("/invocations", "image/png", big), 413,
        "the request body is larger than the limit of 2097152 bytes (--max-body-mb)");
    assertError(post("/v1/models/det:predict", "text/plain", "{}".getBytes()), 415,
        "Content-Type is \"text/plain\"; send application/json (curl: -H 'Content-Type:"
            + " application/json')");
    assertError(post("/invocations", "application/json", png(10)), 415,
        "Content-Type is \"application/json\"; /invocations takes the raw image as image/jpeg,"
            + " image/png or application/x-image");
    // a 1x1 PNG whose header claims 30000 x 30000 pixels
    byte[] bomb = withPngSize(TestModels.encode(new BufferedImage(1, 1,
        BufferedImage.TYPE_INT_RGB), "png"), 30000, 30000);
    assertError(post("/invocations", "image/png", bomb), 400,
        "the request body: the image is 30000x30000 = 900000000 pixels, more than the limit of"
            + " 4000000 (--max-pixels)");
    // the server is still fine
    assertThat(post("/invocations", "image/png", png(11)).statusCode()).isEqualTo(200);
  }

  /** Rewrites a PNG's IHDR width and height, with a correct chunk CRC. */
  static byte[] withPngSize(byte[] png, int w, int h) {
    byte[] out = png.clone();
    ByteBuffer b = ByteBuffer.wrap(out);
    // signature (8), length (4), "IHDR" (4), then width and height
    b.putInt(16, w);
    b.putInt(20, h);
    CRC32 crc = new CRC32();
    crc.update(out, 12, 4 + 13);
    b.putInt(12 + 4 + 13, (int) crc.getValue());
    return out;
  }

  @Test
  void badRequestsBesideGoodOnesLeaveTheGoodOnesRight() throws Exception {
    List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
    List<byte[]> images = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      images.add(png(30 + i));
      calls.add(postAsync("/invocations", "image/png", images.get(i)));
      calls.add(postAsync("/invocations", "image/png", new byte[] {1, 2, 3}));
    }
    for (int i = 0; i < 4; i++) {
      HttpResponse<String> good = calls.get(2 * i).get(60, TimeUnit.SECONDS);
      assertThat(good.statusCode()).isEqualTo(200);
      assertThat(JSON.readTree(good.body()).path("prediction").size())
          .isEqualTo(expected(images.get(i)).detections().size());
      assertThat(calls.get(2 * i + 1).get(60, TimeUnit.SECONDS).statusCode()).isEqualTo(400);
    }
  }

  /** Delegates to the real predictor once the test lets it. */
  static final class Gate implements Predictor<BufferedImage, ImageDetections> {
    final CountDownLatch entered = new CountDownLatch(1);
    final CountDownLatch open = new CountDownLatch(1);
    volatile boolean gated;

    @Override
    public List<ImageDetections> batchPredict(List<BufferedImage> inputs) {
      if (gated) {
        entered.countDown();
        try {
          open.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      return predictor.batchPredict(inputs);
    }

    @Override
    public void close() {}
  }

  @Test
  void aFullQueueIs503WithRetryAfterAndCloseDrainsWhatIsQueued() throws Exception {
    Gate gate = new Gate();
    EndpointServer small = EndpointServer.start(
        new ServedModel("1", "kiln-darknet-detector", List.of(), 64, gate),
        EndpointSettings.of("det").withPort(0).withMaxBatchSize(1).withMaxDelayMillis(0)
            .withQueueCapacity(1));
    String url = small.baseUrl();
    try {
      gate.gated = true;
      byte[] a = png(40);
      byte[] b = png(41);
      CompletableFuture<HttpResponse<String>> first = HTTP.sendAsync(
          HttpRequest.newBuilder(URI.create(url + "/invocations")).header("Content-Type",
              "image/png").POST(HttpRequest.BodyPublishers.ofByteArray(a)).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(gate.entered.await(30, TimeUnit.SECONDS)).isTrue();
      CompletableFuture<HttpResponse<String>> second = HTTP.sendAsync(
          HttpRequest.newBuilder(URI.create(url + "/invocations")).header("Content-Type",
              "image/png").POST(HttpRequest.BodyPublishers.ofByteArray(b)).build(),
          HttpResponse.BodyHandlers.ofString());
      long until = System.currentTimeMillis() + 30_000;
      while (!HTTP.send(HttpRequest.newBuilder(URI.create(url + "/metrics")).build(),
          HttpResponse.BodyHandlers.ofString()).body().contains("queue_depth{model=\"det\"} 1")) {
        assertThat(System.currentTimeMillis()).isLessThan(until);
        Thread.sleep(10);
      }
      HttpResponse<String> third = HTTP.send(
          HttpRequest.newBuilder(URI.create(url + "/invocations")).header("Content-Type",
              "image/png").POST(HttpRequest.BodyPublishers.ofByteArray(a)).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(third.statusCode()).isEqualTo(503);
      assertThat(third.headers().firstValue("Retry-After")).hasValue("1");
      assertThat(JSON.readTree(third.body()).path("error").asText()).isEqualTo(
          "the endpoint is busy: 1 images are waiting and the queue holds 1; retry later");
      // stop while two requests are in: both are still answered, then the port closes
      CompletableFuture<Void> closing = CompletableFuture.runAsync(small::close);
      Thread.sleep(200);
      assertThat(closing).isNotDone();
      gate.open.countDown();
      closing.get(60, TimeUnit.SECONDS);
      assertThat(first.get(60, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
      HttpResponse<String> s = second.get(60, TimeUnit.SECONDS);
      assertThat(s.statusCode()).isEqualTo(200);
      assertThat(JSON.readTree(s.body()).path("prediction").size())
          .isEqualTo(expected(b).detections().size());
    } finally {
      gate.open.countDown();
      small.close();
    }
  }
}
