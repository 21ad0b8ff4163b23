package dev.kiln.tests;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.lineage.LineageStore;
import dev.kiln.lineage.StoreConfig;
import dev.kiln.lineage.model.ExecutionRecord;
import dev.kiln.lineage.model.InputFile;
import dev.kiln.lineage.model.LogStream;
import dev.kiln.lineage.model.NewExecution;
import dev.kiln.lineage.model.NewLogLine;
import dev.kiln.lineage.model.NewRun;
import dev.kiln.lineage.model.RunEvent;
import dev.kiln.lineage.model.RunRecord;
import dev.kiln.lineage.web.LineageServer;
import dev.kiln.lineage.web.WebConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The viewer in headless Chromium: a small pipeline runs through {@code ./kiln run}, {@code ./kiln
 * serve} serves its store, and the test clicks through the run, a node (chart, log, image
 * preview), an artifact's lineage and a comparison, as a user would; and a run written while the
 * page is open (an in-process server) updates live.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ViewerBrowserIT {
  /** A one-pixel PNG, so the node panel has an image to preview. */
  private static final String PNG_BASE64 =
      "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";

  private static final String SCRIPT_LINE = "<script>document.title='pwned'</script>";

  private static final String YAML =
      """
      - step:
          name: make
          image: busybox
          command:
            - seq 1 50 > /valohai/outputs/numbers.txt
            - echo "%s" | base64 -d > /valohai/outputs/dot.png
            - echo made numbers
      - step:
          name: fit
          image: busybox
          command:
            - 'for i in 1 2 3 4 5 6 7 8 9 10; do echo "{\\"step\\": $i, \\"epoch\\": $(( (i - 1) / 5 )), \\"loss\\": $(( 100 / i ))}"; done'
            - echo "%s"
            - echo "fitted on $(wc -l < /valohai/inputs/numbers/numbers.txt) numbers" | tee /valohai/outputs/model.txt
          inputs:
            - name: numbers
      - pipeline:
          name: tiny
          nodes:
            - name: make
              type: execution
              step: make
            - name: fit
              type: execution
              step: fit
          edges:
            - [make.output.numbers.txt, fit.input.numbers]
      """
          .formatted(PNG_BASE64, SCRIPT_LINE);

  @TempDir static Path dir;

  private Process server;
  private String baseUrl;
  private String runId;
  private ChromeDriver driver;
  private WebDriverWait wait;

  @BeforeAll
  void runAPipelineAndServeIt() throws Exception {
    Path yaml = dir.resolve("valohai.yaml");
    Files.writeString(yaml, YAML);
    Map<String, String> env = Map.of("KILN_HOME", dir.resolve("home").toString());
    Process run = KilnProcess.start(dir, env, dir.resolve("run.log"), "run", "--file", yaml.toString(), "--pipeline", "tiny");
    assertThat(run.waitFor(120, TimeUnit.SECONDS)).isTrue();
    String log = Files.readString(dir.resolve("run.log"));
    assertThat(run.exitValue()).as(log).isZero();
    runId = log.strip().lines().filter(l -> l.matches("[0-9a-f-]{36}")).reduce((a, b) -> b).orElseThrow();

    server = KilnProcess.start(dir, env, dir.resolve("serve.log"), "serve", "--port", "0");
    baseUrl = awaitUrl(dir.resolve("serve.log"));
    driver = Browser.start(dir.resolve("profile"));
    wait = new WebDriverWait(driver, Duration.ofSeconds(20));
    wait.ignoring(org.openqa.selenium.StaleElementReferenceException.class);
  }

  @AfterAll
  void stop() {
    if (driver != null) {
      driver.quit();
    }
    if (server != null) {
      KilnProcess.killTree(server);
    }
  }

  @Test
  void aUserFollowsARunItsNodesAndAnArtifactsLineage() throws Exception {
    // the runs list links to the run
    driver.get(baseUrl + "/#/");
    WebElement link = wait.until(ExpectedConditions.elementToBeClickable(By.cssSelector("a.run-link")));
    assertThat(link.getText()).isEqualTo("tiny");
    // a test before this one may have left this run's page drawn: wait for a fresh drawing
    driver.executeScript("delete document.body.dataset.renderedRun");
    link.click();

    // the DAG: both nodes, the edge labelled with what it carried
    wait.until(d -> runId.equals(d.findElement(By.tagName("body")).getDomAttribute("data-rendered-run")));
    List<WebElement> nodes = driver.findElements(By.cssSelector("svg g.exec-node"));
    assertThat(nodes).extracting(n -> n.findElement(By.tagName("text")).getText()).containsExactly("make", "fit");
    assertThat(nodes).allSatisfy(n -> assertThat(n.findElement(By.tagName("rect")).getDomAttribute("class")).isEqualTo("s-SUCCEEDED"));
    assertThat(driver.findElement(By.cssSelector("svg text.edge-label")).getText()).isEqualTo("numbers: numbers.txt");

    // a node: metadata chart, log (the script tag shown as text), parameters and inputs
    nodes.get(1).click();
    wait.until(ExpectedConditions.textToBe(By.id("node-title"), "fit"));
    WebElement canvas = wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("canvas#metadata-chart[data-drawn='true']")));
    assertThat(canvas.getDomAttribute("data-points")).isEqualTo("10");
    assertThat(paintedPixels("metadata-chart")).isGreaterThan(500);
    Files.createDirectories(Path.of("target"));
    Files.write(Path.of("target", "viewer-node-panel.png"), driver.getScreenshotAs(OutputType.BYTES));
    new org.openqa.selenium.support.ui.Select(driver.findElement(By.id("chart-x"))).selectByValue("epoch");
    assertThat(driver.findElement(By.id("metadata-chart")).getDomAttribute("data-points")).isEqualTo("10");
    WebElement logBox = wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#log span.line")));
    assertThat(logBox).isNotNull();
    String logText = driver.findElement(By.id("log")).getText();
    assertThat(logText).contains(SCRIPT_LINE).contains("fitted on 50 numbers");
    assertThat(driver.findElements(By.cssSelector("#log script"))).isEmpty();
    assertThat(driver.getTitle()).isEqualTo("Kiln lineage viewer");
    assertThat(driver.findElement(By.id("inputs")).getText()).contains("numbers: numbers.txt").contains("from make");

    // the input links to the node that made it, whose image output is previewed; switching nodes
    // of the run on screen swaps the panel and keeps the drawn graph
    driver.executeScript("document.querySelector('#graph svg').setAttribute('data-mark', 'kept')");
    driver.findElement(By.cssSelector("#inputs a.producer")).click();
    wait.until(ExpectedConditions.textToBe(By.id("node-title"), "make"));
    assertThat(driver.findElement(By.cssSelector("#graph svg")).getDomAttribute("data-mark")).isEqualTo("kept");
    assertThat(driver.findElements(By.cssSelector("svg g.exec-node.selected text")).get(0).getText()).isEqualTo("make");
    WebElement img = wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#outputs img.preview")));
    wait.until(d -> ((Number) ((JavascriptExecutor) d).executeScript("return arguments[0].naturalWidth", img)).intValue() == 1);

    // an artifact's lineage: downstream of numbers.txt is fit and what it made
    WebElement numbers =
        driver.findElements(By.cssSelector("#outputs li")).stream()
            .filter(li -> li.getText().startsWith("numbers.txt"))
            .findFirst()
            .orElseThrow();
    numbers.findElement(By.cssSelector("a.lineage-link")).click();
    wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#lineage-graph svg")));
    assertThat(driver.findElement(By.id("artifact-name")).getText()).isEqualTo("numbers.txt");
    assertThat(driver.findElement(By.id("hops")).getText()).isEqualTo("hops: 1 2 [3] 5 10");
    assertThat(texts("#lineage-graph g.lineage-execution")).containsExactly("fit");
    assertThat(texts("#lineage-graph g.lineage-artifact")).contains("numbers.txt", "model.txt");
    // and upstream: how it was made
    driver.findElement(By.id("lineage-up")).click();
    wait.until(d -> d.getCurrentUrl().contains("direction=up"));
    wait.until(d -> texts("#lineage-graph g.lineage-execution").equals(List.of("make")));
    driver.findElement(By.id("lineage-down")).click();
    wait.until(d -> texts("#lineage-graph g.lineage-execution").equals(List.of("fit")));
    Files.write(Path.of("target", "viewer-lineage.png"), driver.getScreenshotAs(OutputType.BYTES));

    // the screenshot of a drawn page is not blank
    driver.get(baseUrl + "/#/run/" + runId);
    wait.until(d -> runId.equals(d.findElement(By.tagName("body")).getDomAttribute("data-rendered-run")));
    byte[] png = driver.getScreenshotAs(OutputType.BYTES);
    Files.createDirectories(Path.of("target"));
    Files.write(Path.of("target", "viewer-run-page.png"), png);
    assertThat(Browser.distinctColours(png)).isGreaterThan(20);
  }

  @Test
  void executionsCompareInATableAndAnOverlayChart() {
    driver.get(baseUrl + "/#/run/" + runId);
    wait.until(d -> runId.equals(d.findElement(By.tagName("body")).getDomAttribute("data-rendered-run")));
    for (WebElement box : driver.findElements(By.cssSelector("#node-table input[type=checkbox]"))) {
      box.click();
    }
    driver.findElement(By.id("compare-selected")).click();
    wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("canvas#compare-chart[data-drawn='true']")));
    List<WebElement> rows = driver.findElements(By.cssSelector("#comparison tbody tr"));
    assertThat(rows).hasSize(2);
    assertThat(driver.findElement(By.cssSelector("#comparison thead")).getText()).contains("loss");
    // sorting by loss (descending after two clicks) puts fit first: make has no loss
    WebElement loss =
        driver.findElements(By.cssSelector("#comparison th")).stream()
            .filter(th -> th.getText().equals("loss"))
            .findFirst()
            .orElseThrow();
    loss.click();
    assertThat(driver.findElement(By.cssSelector("#comparison tbody tr td")).getText()).isEqualTo("fit");
    assertThat(driver.findElement(By.cssSelector("#comparison tbody tr")).getText()).contains("10");
    try {
      Files.write(Path.of("target", "viewer-compare.png"), driver.getScreenshotAs(OutputType.BYTES));
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void aRunningRunUpdatesLive() throws Exception {
    try (LineageStore store = LineageStore.open(StoreConfig.ofHome(dir.resolve("live-home")));
        LineageServer live = LineageServer.start(store, new WebConfig("127.0.0.1", 0, null))) {
      RunRecord run = store.createRun(NewRun.of("live"));
      store.transitionRun(run.id(), RunEvent.START);
      String name = "<b>first</b>";
      ExecutionRecord first = store.createExecution(NewExecution.of(run.id(), name, "step"));
      store.queue(first.id());
      store.start(first.id(), "process", "cpu");
      store.appendLogs(first.id(), List.of(new NewLogLine(LogStream.STDOUT, Instant.now(), "step 1")));

      driver.get(live.baseUrl() + "/#/run/" + run.id() + "/node/" + first.id());
      wait.until(ExpectedConditions.textToBe(By.id("node-title"), name));
      assertThat(driver.findElement(By.cssSelector("svg g.exec-node text")).getText()).isEqualTo(name);
      assertThat(driver.findElements(By.cssSelector("svg g.exec-node b, #node-title b"))).isEmpty();
      assertThat(driver.findElement(By.cssSelector("svg g.exec-node rect")).getDomAttribute("class")).isEqualTo("s-RUNNING");
      assertThat(driver.findElement(By.id("stop-run")).isDisplayed()).isTrue();
      wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("log"), "step 1"));

      // the log tails while the node runs, streamed (server-sent events), not polled
      wait.until(d -> "true".equals(d.findElement(By.id("panel")).getDomAttribute("data-streaming")));
      store.appendLogs(first.id(), List.of(new NewLogLine(LogStream.STDERR, Instant.now(), "step 2 <script>x=1</script>")));
      wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("log"), "step 2 <script>x=1</script>"));
      // and its metrics chart grows as entries are stored
      store.appendMetadata(
          first.id(), List.of(new dev.kiln.lineage.model.NewMetadata(Instant.now(), "{\"loss\": 0.9, \"step\": 1}")));
      wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("metadata"), "1 entries"));
      store.appendMetadata(
          first.id(), List.of(new dev.kiln.lineage.model.NewMetadata(Instant.now(), "{\"loss\": 0.7, \"step\": 2}")));
      wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("metadata"), "2 entries"));

      // status colours change, and a node that appears is drawn
      store.succeed(first.id(), 0);
      ExecutionRecord second = store.createExecution(NewExecution.of(run.id(), "second", "step"));
      store.queue(second.id());
      wait.until(d -> d.findElements(By.cssSelector("svg g.exec-node")).size() == 2);
      wait.until(d -> "s-SUCCEEDED".equals(d.findElement(By.cssSelector("svg g.exec-node rect")).getDomAttribute("class")));
      // the node table follows, and offers to compare the two nodes of the same step
      wait.until(d -> d.findElements(By.cssSelector("#node-table tbody tr")).size() == 2);
      assertThat(driver.findElement(By.cssSelector("a.compare-step")).getText()).isEqualTo("compare the 2 nodes of step step");

      // the run ends: the badge says so and the stop button goes
      store.start(second.id(), "process", "cpu");
      store.succeed(second.id(), 0);
      store.transitionRun(run.id(), RunEvent.SUCCEED);
      wait.until(ExpectedConditions.textToBe(By.id("run-status"), "SUCCEEDED"));
      assertThat(driver.findElements(By.id("stop-run"))).isEmpty();
    }
  }

  @Test
  void edgeLabelsOfTheDemoShapedRunMissEachOtherAndEveryNode() throws Exception {
    try (LineageStore store = LineageStore.open(StoreConfig.ofHome(dir.resolve("labels-home")));
        LineageServer live = LineageServer.start(store, new WebConfig("127.0.0.1", 0, null))) {
      RunRecord run = store.createRun(NewRun.of("shapes-demo"));
      store.transitionRun(run.id(), RunEvent.START);
      // the demo's shape: convert and weights in parallel, train, detect, evaluate; convert feeds
      // all three downstream nodes, so its labels compete with train's box
      String convert = finished(store, run, "convert", "convert-labels", List.of());
      String weights = finished(store, run, "weights", "weights", List.of());
      String train =
          finished(
              store,
              run,
              "train",
              "train",
              List.of(
                  input("classes", "classes.txt", convert),
                  input("train", "train-00000-of-00002.tfrecord", convert),
                  input("train", "train-00001-of-00002.tfrecord", convert),
                  input("test", "test-00000-of-00001.tfrecord", convert),
                  input("model", "model/resnet18_v1-0000.params", weights)));
      String detect =
          finished(
              store,
              run,
              "detect",
              "detect",
              List.of(
                  input("classes", "classes.txt", convert),
                  input("image", "test-00000-of-00001.tfrecord", convert),
                  input("model", "model/ssd-0010.params", train)));
      finished(
          store,
          run,
          "evaluate",
          "evaluate",
          List.of(
              input("detections", "detections/detections.json", detect),
              input("classes", "classes.txt", convert)));
      store.transitionRun(run.id(), RunEvent.SUCCEED);

      driver.get(live.baseUrl() + "/#/run/" + run.id());
      wait.until(d -> run.id().equals(d.findElement(By.tagName("body")).getDomAttribute("data-rendered-run")));
      assertThat(driver.findElements(By.cssSelector("svg g.exec-node"))).hasSize(5);
      assertThat(driver.findElements(By.cssSelector("#graph svg .edge-label")))
          .extracting(WebElement::getText)
          .hasSize(6)
          .contains("model: model/ssd-0010.params", "classes: classes.txt");
      Files.createDirectories(Path.of("target"));
      Files.write(Path.of("target", "viewer-edge-labels.png"), driver.getScreenshotAs(OutputType.BYTES));
      @SuppressWarnings("unchecked")
      List<String> problems =
          (List<String>)
              driver.executeScript(
                  """
                  const box = e => { const r = e.getBoundingClientRect();
                    return { l: r.left, t: r.top, r: r.right, b: r.bottom, name: e.textContent }; };
                  const hit = (a, b) => a.l < b.r && b.l < a.r && a.t < b.b && b.t < a.b;
                  const labels = [...document.querySelectorAll('#graph svg .edge-label')];
                  const nodes = [...document.querySelectorAll('#graph svg g.exec-node')].map(g => {
                    const b = box(g.querySelector('rect')); b.name = g.querySelector('text').textContent; return b; });
                  const out = [];
                  labels.forEach((e, i) => {
                    const a = box(e);
                    labels.slice(i + 1).forEach(o => { if (hit(a, box(o))) out.push(a.name + ' overlaps label ' + o.textContent); });
                    nodes.forEach(n => { if (hit(a, n)) out.push(a.name + ' overlaps node ' + n.name); });
                    // and it sits on its own edge
                    const g = e.closest('[data-from]');
                    if (!g) { out.push(a.name + ' names no edge'); return; }
                    const path = document.querySelector('#graph svg path.edge[data-from="' + g.dataset.from + '"][data-to="' + g.dataset.to + '"]');
                    const m = path.getScreenCTM(), len = path.getTotalLength();
                    const cx = (a.l + a.r) / 2, cy = (a.t + a.b) / 2;
                    let near = Infinity;
                    for (let s = 0; s <= 200; s++) {
                      const p = path.getPointAtLength(len * s / 200).matrixTransform(m);
                      near = Math.min(near, Math.hypot(p.x - cx, p.y - cy));
                    }
                    if (near > 16) out.push(a.name + ' is ' + Math.round(near) + ' px from its edge');
                  });
                  return out;
                  """);
      assertThat(problems).isEmpty();
    }
  }

  private static InputFile input(String name, String file, String producer) {
    String sha = Integer.toHexString(file.hashCode()).repeat(8).substring(0, 8).repeat(8);
    return InputFile.fromUpstream(name, "datum://" + sha, file, 1, sha, producer);
  }

  private static String finished(
      LineageStore store, RunRecord run, String node, String step, List<InputFile> inputs) {
    ExecutionRecord e = store.createExecution(NewExecution.of(run.id(), node, step));
    store.queue(e.id());
    store.start(e.id(), "process", "cpu");
    if (!inputs.isEmpty()) {
      store.recordInputs(e.id(), inputs);
    }
    store.succeed(e.id(), 0);
    return e.id();
  }

  private List<String> texts(String css) {
    return driver.findElements(By.cssSelector(css)).stream()
        .map(g -> g.findElement(By.tagName("text")).getText())
        .toList();
  }

  /** Pixels of a canvas that something was drawn on. */
  private long paintedPixels(String canvasId) {
    Object n =
        driver.executeScript(
            "const c = document.getElementById(arguments[0]);"
                + "const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;"
                + "let n = 0; for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++; return n;",
            canvasId);
    return ((Number) n).longValue();
  }

  private static String awaitUrl(Path log) throws IOException, InterruptedException {
    Pattern url = Pattern.compile("Kiln viewer: (http://\\S+?)/ ");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      if (Files.exists(log)) {
        Matcher m = url.matcher(Files.readString(log));
        if (m.find()) {
          return m.group(1);
        }
      }
      Thread.sleep(200);
    }
    throw new AssertionError("kiln serve did not start in 60 s:\n" + Files.readString(log));
  }
}
