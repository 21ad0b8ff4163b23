package dev.kiln.runner.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.steps.detector.DarknetCfg;
import dev.kiln.steps.detector.DarknetNetwork;
import dev.kiln.steps.detector.DetectorModelLoader;
import dev.kiln.steps.detector.DetectorPredictor;
import dev.kiln.steps.detector.ImageDetections;
import dev.kiln.steps.detector.SavedDetector;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** kiln endpoint serve: a real server from the command line, answered and stopped. */
class EndpointCommandTest {
  @TempDir Path dir;

  @Test
  void servesAFolderPrintsTheUrlAndACurlLineAndStopsCleanly() throws Exception {
    Path model = dir.resolve("model");
    Engine.getInstance().setRandomSeed(3);
    try (NDManager m = NDManager.newBaseManager()) {
      DarknetNetwork net = new DarknetNetwork(DarknetCfg.builtIn("shapes-tiny").withSize(64));
      net.initialize(m, DataType.FLOAT32, net.inputShape(1));
      SavedDetector.save(model, net, List.of("circle", "square", "triangle"), Map.of());
    }
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CompletableFuture<Integer> code = CompletableFuture.supplyAsync(() -> KilnCli.execute(
        new String[] {"endpoint", "serve", "--model", model.toString(), "--name", "shapes",
            "--port", "0", "--score-threshold", "0.3"},
        new PrintWriter(out, true), new PrintWriter(err, true)));
    Pattern ready = Pattern.compile("Kiln endpoint \"shapes\" ready on cpu: (http://127\\.0\\.0\\.1:"
        + "\\d+)  \\(Ctrl-C stops it\\)");
    long until = System.currentTimeMillis() + 120_000;
    Matcher m;
    while (!(m = ready.matcher(out.toString())).find()) {
      assertThat(code).as(err.toString()).isNotDone();
      assertThat(System.currentTimeMillis()).as(out.toString()).isLessThan(until);
      Thread.sleep(50);
    }
    String url = m.group(1);
    assertThat(out.toString()).startsWith("loading folder " + model.toAbsolutePath() + " ...\n")
        .contains("try: curl -s -H 'Content-Type: image/jpeg' --data-binary @IMAGE.jpg " + url
            + "/invocations\n")
        .contains("  TF Serving:  POST " + url + "/v1/models/shapes:predict\n");

    BufferedImage img = new BufferedImage(90, 70, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    java.util.Random rnd = new java.util.Random(5);
    for (int i = 0; i < 6; i++) {
      g.setColor(new Color(rnd.nextInt(256), rnd.nextInt(256), rnd.nextInt(256)));
      g.fillRect(rnd.nextInt(60), rnd.nextInt(40), 10 + rnd.nextInt(30), 10 + rnd.nextInt(30));
    }
    g.dispose();
    ByteArrayOutputStream png = new ByteArrayOutputStream();
    ImageIO.write(img, "png", png);
    HttpResponse<String> r = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create(url + "/invocations")).header("Content-Type",
            "image/png").POST(HttpRequest.BodyPublishers.ofByteArray(png.toByteArray())).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    ImageDetections want;
    try (DetectorPredictor p = new DetectorModelLoader().load(model,
        Map.of("score_threshold", "0.3"))) {
      want = p.predict(ImageIO.read(new ByteArrayInputStream(png.toByteArray())));
    }
    JsonNode rows = new ObjectMapper().readTree(r.body()).path("prediction");
    assertThat(rows.size()).isEqualTo(want.detections().size()).isPositive();
    assertThat(rows.get(0).get(1).floatValue()).isEqualTo(want.detections().get(0).score());

    EndpointCommand.stopAll();
    assertThat(code.get(60, TimeUnit.SECONDS)).as(err.toString()).isZero();
    assertThat(out.toString()).endsWith("stopping: answering the requests in flight\n");
  }

  @Test
  void aBadReferenceIsAUserError() {
    StringWriter err = new StringWriter();
    int code = KilnCli.execute(
        new String[] {"endpoint", "serve", "--model", dir.resolve("nothing").toString()},
        new PrintWriter(new StringWriter()), new PrintWriter(err, true));
    assertThat(code).isEqualTo(2);
    assertThat(err.toString()).isEqualTo("kiln: --model " + dir.resolve("nothing")
        + ": not a folder, a datum:// or RUN_ID/NODE" + System.lineSeparator());
  }
}
