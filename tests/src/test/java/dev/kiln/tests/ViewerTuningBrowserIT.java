package dev.kiln.tests;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.lineage.LineageStore;
import dev.kiln.lineage.StoreConfig;
import dev.kiln.lineage.model.ExecutionEvent;
import dev.kiln.lineage.model.ExecutionRecord;
import dev.kiln.lineage.model.ExecutionUpdate;
import dev.kiln.lineage.model.NewExecution;
import dev.kiln.lineage.model.NewMetadata;
import dev.kiln.lineage.model.NewRun;
import dev.kiln.lineage.model.ParameterValue;
import dev.kiln.lineage.model.RunEvent;
import dev.kiln.lineage.model.RunRecord;
import dev.kiln.lineage.web.LineageServer;
import dev.kiln.lineage.web.WebConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
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
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The tuning page in headless Chromium, over a store this test fills as a tuning job would: a
 * task node {@code train} searching a log-scaled learning rate and an optimizer, six trials (one
 * stopped early, one failed, one best), the sixth written while the page is open.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ViewerTuningBrowserIT {
  /** AI Platform's hyperparameters shape, as the runner's TuningSpecJson writes it. */
  private static final String SPEC =
      """
      {"goal": "MAXIMIZE", "hyperparameterMetricTag": "accuracy", "maxTrials": 6,
       "maxParallelTrials": 2, "maxFailedTrials": 2, "enableTrialEarlyStopping": true,
       "algorithm": "ALGORITHM_UNSPECIFIED",
       "params": [
         {"parameterName": "initial_learning_rate", "type": "DOUBLE", "minValue": 0.001,
          "maxValue": 0.1, "scaleType": "UNIT_LOG_SCALE"},
         {"parameterName": "optimizer", "type": "CATEGORICAL",
          "categoricalValues": ["adam", "sgd", "rmsprop"]}],
       "Kiln:metricValue": "LAST"}
      """;

  @TempDir static Path dir;

  private LineageStore store;
  private LineageServer server;
  private ChromeDriver driver;
  private WebDriverWait wait;
  private RunRecord run;
  private ExecutionRecord task;
  private final List<ExecutionRecord> trials = new ArrayList<>();

  @BeforeAll
  void fillAStoreAndOpenABrowser() throws Exception {
    store = LineageStore.open(StoreConfig.ofHome(dir.resolve("home")));
    server = LineageServer.start(store, new WebConfig("127.0.0.1", 0, null));
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
      server.close();
    }
    if (store != null) {
      store.close();
    }
  }

  @Test
  void theTuningPageShowsTrialsLiveSortsThemAndDrawsReadableCharts() throws Exception {
    run = store.createRun(NewRun.of("tuned-demo"));
    store.transitionRun(run.id(), RunEvent.START);
    ExecutionRecord convert = store.createExecution(NewExecution.of(run.id(), "convert", "convert"));
    store.queue(convert.id());
    store.start(convert.id(), "process", "cpu");
    store.succeed(convert.id(), 0);
    task = store.createExecution(NewExecution.of(run.id(), "train", "train"));
    store.recordTuningSpec(task.id(), SPEC);
    store.queue(task.id());
    store.start(task.id(), "tuning", "cpu");
    trial(1, 0.001, "adam", 0.62, 10, ExecutionEvent.SUCCEED);
    trial(2, 0.0031, "sgd", 0.71, 10, ExecutionEvent.SUCCEED);
    trial(3, 0.01, "adam", 0.88, 10, ExecutionEvent.SUCCEED);
    trial(4, 0.05, "rmsprop", 0.41, 4, ExecutionEvent.STOP_EARLY);
    trial(5, 0.1, "sgd", 0.2, 2, ExecutionEvent.FAIL);

    // from the run's DAG: the task node links to its tuning page
    driver.get(server.baseUrl() + "/#/run/" + run.id());
    wait.until(d -> run.id().equals(d.findElement(By.tagName("body")).getDomAttribute("data-rendered-run")));
    List<WebElement> links = driver.findElements(By.cssSelector("#graph svg g.exec-node a.tuning-link"));
    assertThat(links).hasSize(1);
    assertThat(links.get(0).getText()).isEqualTo("tuning");
    // and from its node panel
    driver.findElements(By.cssSelector("#graph svg g.exec-node")).stream()
        .filter(g -> g.findElement(By.tagName("text")).getText().equals("train"))
        .findFirst()
        .orElseThrow()
        .findElement(By.tagName("rect"))
        .click();
    wait.until(ExpectedConditions.textToBe(By.id("node-title"), "train"));
    assertThat(driver.findElement(By.id("tuning-link")).getText()).isEqualTo("tuning");
    assertThat(driver.findElements(By.cssSelector("#panel a.tuning-link"))).hasSize(1);
    links = driver.findElements(By.cssSelector("#graph svg g.exec-node a.tuning-link"));
    links.get(0).click();
    wait.until(d -> task.id().equals(d.findElement(By.tagName("body")).getDomAttribute("data-rendered-tuning")));
    assertThat(driver.getCurrentUrl()).endsWith("#/run/" + run.id() + "/tuning/" + task.id());
    assertThat(driver.findElement(By.id("tuning-node")).getText()).isEqualTo("train");
    assertThat(driver.findElement(By.id("tuning-status")).getText()).isEqualTo("RUNNING");
    assertThat(driver.findElement(By.tagName("body")).getDomAttribute("data-tuning-live")).isEqualTo("true");
    assertThat(rowTrials()).containsExactly("1", "2", "3", "4", "5");

    // live: a sixth trial appears while the page is open, then the job ends with trial 3 best
    trial(6, 0.02, "adam", 0.8, 10, ExecutionEvent.SUCCEED);
    wait.until(d -> rowTrials().size() == 6);
    store.recordBestTrial(task.id(), trials.get(2).id());
    store.succeed(task.id(), 0);
    store.transitionRun(run.id(), RunEvent.SUCCEED);
    wait.until(d -> "false".equals(d.findElement(By.tagName("body")).getDomAttribute("data-tuning-live")));
    assertThat(driver.findElement(By.id("tuning-status")).getText()).isEqualTo("SUCCEEDED");
    // and it stops polling: no request for the job in the next three poll periods
    driver.executeScript(
        "window.tuningFetches = 0; const f = window.fetch;"
            + " window.fetch = (u, o) => { if (String(u).includes('/tuning')) window.tuningFetches++; return f(u, o); };");
    Thread.sleep(6500);
    assertThat(((Number) driver.executeScript("return window.tuningFetches")).intValue()).isZero();
    assertThat(driver.findElement(By.id("tuning-spec")).getText())
        .contains("maximize accuracy (last value)", "6 of 6 trials", "2 in parallel", "early stopping");
    assertThat(driver.findElement(By.id("tuning-best")).getText())
        .isEqualTo("best: trial 3, accuracy 0.88 with initial_learning_rate 0.01, optimizer adam");

    // the table: a row per trial, the best one marked, statuses styled like everywhere else
    assertThat(headers()).containsExactly("trial ▲", "initial_learning_rate", "optimizer", "accuracy ↑", "status", "duration");
    List<WebElement> best = driver.findElements(By.cssSelector("#trials tbody tr.best"));
    assertThat(best).hasSize(1);
    assertThat(best.get(0).getDomAttribute("data-trial")).isEqualTo("3");
    assertThat(best.get(0).findElement(By.cssSelector(".best-mark")).getText()).isEqualTo("★ best");
    assertThat(best.get(0).getText()).contains("0.01", "adam", "0.88", "SUCCEEDED");
    WebElement stopped = row("4");
    assertThat(stopped.getText()).contains("0.05", "rmsprop", "0.41", "STOPPED_EARLY");
    assertThat(stopped.findElement(By.cssSelector(".badge")).getCssValue("background-color"))
        .isEqualTo("rgba(176, 136, 0, 1)");
    assertThat(row("5").findElement(By.cssSelector(".badge")).getCssValue("background-color"))
        .isEqualTo("rgba(201, 42, 42, 1)");

    // sorting by the metric: ascending, then descending; a trial without a value would stay last
    header("metric").click();
    assertThat(rowTrials()).containsExactly("5", "4", "1", "2", "6", "3");
    header("metric").click();
    assertThat(rowTrials()).containsExactly("3", "6", "2", "1", "4", "5");
    assertThat(headers()).contains("accuracy ↑ ▼");
    header("param:initial_learning_rate").click();
    assertThat(rowTrials()).containsExactly("1", "2", "3", "6", "4", "5");
    header("status").click();
    assertThat(rowTrials()).containsExactly("5", "4", "1", "2", "3", "6");

    // metric per trial: a point per trial, the best ringed, the best-so-far line
    assertThat(driver.findElements(By.cssSelector("#metric-per-trial g.trial-point"))).hasSize(6);
    assertThat(driver.findElements(By.cssSelector("#metric-per-trial g.trial-point.best .best-ring"))).hasSize(1);
    assertThat(driver.findElement(By.cssSelector("#metric-per-trial g.trial-point.best")).getDomAttribute("data-trial")).isEqualTo("3");
    assertThat(driver.findElements(By.cssSelector("#metric-per-trial path.best-so-far"))).hasSize(1);
    assertThat(ticks("#metric-per-trial", "x-tick")).containsExactly("1", "2", "3", "4", "5", "6");

    // one scatter per parameter: the learning rate on a log axis, the optimizer as bands
    WebElement lr = driver.findElement(By.cssSelector("svg.scatter[data-param='initial_learning_rate']"));
    assertThat(lr.getDomAttribute("data-xscale")).isEqualTo("log");
    String lrSel = "svg.scatter[data-param='initial_learning_rate']";
    assertThat(ticks(lrSel, "x-tick")).containsExactly("0.001", "0.01", "0.1");
    assertThat(driver.findElement(By.cssSelector(lrSel + " .x-title")).getText()).isEqualTo("initial_learning_rate (log scale)");
    // on a log axis the decades are equally wide (on a linear one 0.001 and 0.01 would nearly meet)
    @SuppressWarnings("unchecked")
    List<Number> xs =
        (List<Number>)
            driver.executeScript(
                "return [...document.querySelectorAll(arguments[0] + ' text.x-tick')]"
                    + ".map(t => { const r = t.getBoundingClientRect(); return (r.left + r.right) / 2; });",
                lrSel);
    double d1 = xs.get(1).doubleValue() - xs.get(0).doubleValue();
    double d2 = xs.get(2).doubleValue() - xs.get(1).doubleValue();
    assertThat(d1).isGreaterThan(60);
    assertThat(Math.abs(d1 - d2)).isLessThan(2);
    // each point sits where its learning rate is on that axis: 0.01 on the 0.01 tick
    Number bestX =
        (Number)
            driver.executeScript(
                "const c = document.querySelector(arguments[0] + \" g.trial-point[data-trial='3'] circle.pt\")"
                    + ".getBoundingClientRect(); return (c.left + c.right) / 2;",
                lrSel);
    assertThat(Math.abs(bestX.doubleValue() - xs.get(1).doubleValue())).isLessThan(2);
    assertThat(driver.findElements(By.cssSelector(lrSel + " g.trial-point"))).hasSize(6);
    String optSel = "svg.scatter[data-param='optimizer']";
    assertThat(driver.findElement(By.cssSelector(optSel)).getDomAttribute("data-xscale")).isEqualTo("band");
    assertThat(ticks(optSel, "x-tick")).containsExactly("adam", "sgd", "rmsprop");
    // the three adam trials stand side by side in their band, not on top of each other
    @SuppressWarnings("unchecked")
    List<Number> adam =
        (List<Number>)
            driver.executeScript(
                "return ['1', '3', '6'].map(n => { const r = document.querySelector(arguments[0]"
                    + " + \" g.trial-point[data-trial='\" + n + \"'] circle.pt\").getBoundingClientRect();"
                    + " return (r.left + r.right) / 2; });",
                optSel);
    assertThat(adam.get(1).doubleValue() - adam.get(0).doubleValue()).isGreaterThan(8);
    assertThat(adam.get(2).doubleValue() - adam.get(1).doubleValue()).isGreaterThan(8);

    // the curves: one per trial, the early-stopped one dashed with a stop mark and said so
    assertThat(driver.findElements(By.cssSelector("#curves g.curve-group"))).hasSize(6);
    WebElement early = driver.findElement(By.cssSelector("#curves g.curve-group[data-trial='4'] polyline.curve"));
    assertThat(early.getDomAttribute("class")).contains("stopped-early");
    assertThat(early.getCssValue("stroke-dasharray")).isNotEqualTo("none");
    assertThat(driver.findElements(By.cssSelector("#curves g.curve-group[data-trial='4'] .stop-mark"))).hasSize(1);
    assertThat(driver.findElements(By.cssSelector("#curves .stop-mark"))).hasSize(1);
    assertThat(driver.findElement(By.cssSelector("#curves g.curve-group[data-trial='3'] polyline.curve")).getCssValue("stroke-dasharray")).isEqualTo("none");
    assertThat(driver.findElement(By.cssSelector("#curve-legend .legend-item[data-trial='4']")).getText())
        .isEqualTo("trial 4 ✕ stopped early");
    assertThat(driver.findElements(By.cssSelector("#curve-legend .legend-item.stopped-early"))).hasSize(1);
    assertThat(driver.findElement(By.cssSelector("#curve-legend .legend-item[data-trial='5']")).getText())
        .isEqualTo("trial 5 (failed)");
    assertThat(driver.findElement(By.cssSelector("#curve-legend .legend-item[data-trial='3']")).getText())
        .isEqualTo("trial 3 ★");
    assertThat(driver.findElement(By.cssSelector("#curves polyline.curve.best")).findElement(By.xpath("..")).getDomAttribute("data-trial"))
        .isEqualTo("3");

    // nothing overlaps: the charts, the table and the legends lie apart, and in every chart each
    // text (title, tick labels, axis titles) misses every other and stays inside the chart
    @SuppressWarnings("unchecked")
    List<String> problems =
        (List<String>)
            driver.executeScript(
                """
                const box = e => { const r = e.getBoundingClientRect();
                  return { l: r.left, t: r.top, r: r.right, b: r.bottom, w: r.width, h: r.height }; };
                const hit = (a, b) => a.l < b.r - 0.5 && b.l < a.r - 0.5 && a.t < b.b - 0.5 && b.t < a.b - 0.5;
                const out = [];
                const blocks = [document.getElementById('trials'), document.getElementById('tuning-legend'),
                  ...document.querySelectorAll('figure.tchart-box')];
                blocks.forEach((a, i) => blocks.slice(i + 1).forEach(b => {
                  if (hit(box(a), box(b))) out.push((a.id || a.tagName) + ' overlaps ' + (b.id || b.tagName));
                }));
                for (const items of [...document.querySelectorAll('.tuning-legend, .curve-legend')]) {
                  const it = [...items.querySelectorAll('.legend-item')];
                  it.forEach((a, i) => it.slice(i + 1).forEach(b => {
                    if (hit(box(a), box(b))) out.push('legend ' + a.textContent + ' overlaps ' + b.textContent);
                  }));
                }
                for (const chart of document.querySelectorAll('svg.tchart')) {
                  const name = chart.id || chart.dataset.param;
                  const frame = box(chart);
                  const texts = [...chart.querySelectorAll('text')].filter(t => box(t).w > 0);
                  if (texts.length < 6) out.push(name + ' has only ' + texts.length + ' texts');
                  texts.forEach((a, i) => {
                    const ba = box(a);
                    if (ba.l < frame.l - 0.5 || ba.r > frame.r + 0.5 || ba.t < frame.t - 0.5 || ba.b > frame.b + 0.5)
                      out.push(name + ': "' + a.textContent + '" leaves the chart');
                    texts.slice(i + 1).forEach(b => {
                      if (hit(ba, box(b))) out.push(name + ': "' + a.textContent + '" overlaps "' + b.textContent + '"');
                    });
                  });
                }
                return out;
                """);
    assertThat(problems).isEmpty();

    Files.createDirectories(Path.of("target"));
    byte[] png = driver.getScreenshotAs(OutputType.BYTES);
    Files.write(Path.of("target", "viewer-tuning.png"), png);
    assertThat(Browser.distinctColours(png)).isGreaterThan(20);
    driver.executeScript("document.getElementById('chart-curves').scrollIntoView()");
    Files.write(Path.of("target", "viewer-tuning-curves.png"), driver.getScreenshotAs(OutputType.BYTES));

    // a trial opens as a node of the run, linked back to its tuning job
    row("4").findElement(By.cssSelector("td a")).click();
    wait.until(ExpectedConditions.textToBe(By.id("node-title"), "train"));
    WebElement back = wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#panel a.tuning-link")));
    assertThat(back.findElement(By.xpath("..")).getText()).isEqualTo("trial 4 of its tuning job");
    back.click();
    wait.until(d -> d.getCurrentUrl().endsWith("/tuning/" + task.id()) && d.findElements(By.cssSelector("#trials tbody tr")).size() == 6);

    // the trials side by side on the compare page: parameters and final metrics
    driver.findElement(By.id("compare-trials")).click();
    wait.until(d -> d.findElements(By.cssSelector("#comparison tbody tr")).size() == 6);
    assertThat(driver.findElement(By.cssSelector("#comparison thead")).getText()).contains("initial_learning_rate", "accuracy");
  }

  private static final String TUNED_YAML =
      """
      - step:
          name: fit
          image: busybox
          command:
            - >-
              for s in 1 2 3; do awk -v lr={parameter-value:lr} -v s=$s 'BEGIN { d = log(lr) / log(10) + 2;
              printf "{\\"step\\": %d, \\"accuracy\\": %.4f}\\n", s, s / 3 * (1 - d * d / 4) }'; done
          parameters:
            - name: lr
              type: float
              default: 0.01
      """;

  private static final String AI_PLATFORM_CONFIG =
      """
      trainingInput:
        hyperparameters:
          goal: MAXIMIZE
          hyperparameterMetricTag: accuracy
          maxTrials: 4
          maxParallelTrials: 2
          algorithm: RANDOM_SEARCH
          params:
            - parameterName: lr
              type: DOUBLE
              minValue: 0.001
              maxValue: 0.1
              scaleType: UNIT_LOG_SCALE
      """;

  @Test
  void aJobThatKilnTuneRanOpensOnItsTuningPage() throws Exception {
    Path work = Files.createDirectories(dir.resolve("cli"));
    Path yaml = Files.writeString(work.resolve("valohai.yaml"), TUNED_YAML);
    Path config = Files.writeString(work.resolve("config.yaml"), AI_PLATFORM_CONFIG);
    Path home = work.resolve("home");
    Process tune =
        KilnProcess.startSplit(
            work, Map.of("KILN_HOME", home.toString()), work.resolve("out.txt"), work.resolve("err.txt"),
            "tune", "--file", yaml.toString(), "--step", "fit", "--config", config.toString());
    assertThat(tune.waitFor(240, TimeUnit.SECONDS)).isTrue();
    String err = Files.readString(work.resolve("err.txt"));
    assertThat(tune.exitValue()).as(err).isZero();
    String jobId = Files.readString(work.resolve("out.txt")).strip().lines().reduce((a, b) -> b).orElseThrow();
    Matcher bestLine = Pattern.compile("tuning succeeded: 4 trials; best: trial (\\d+) \\(accuracy=([0-9.]+)").matcher(err);
    assertThat(bestLine.find()).as(err).isTrue();

    try (LineageStore cliStore = LineageStore.open(StoreConfig.ofHome(home));
        LineageServer cliServer = LineageServer.start(cliStore, new WebConfig("127.0.0.1", 0, null))) {
      String runId = cliStore.findRun(jobId).map(RunRecord::id).orElseThrow();
      String taskId = cliStore.findExecution(runId, "fit").orElseThrow().id();
      driver.get(cliServer.baseUrl() + "/#/run/" + runId);
      wait.until(d -> runId.equals(d.findElement(By.tagName("body")).getDomAttribute("data-rendered-run")));
      driver.findElement(By.cssSelector("#node-table a.tuning-link")).click();
      wait.until(d -> taskId.equals(d.findElement(By.tagName("body")).getDomAttribute("data-rendered-tuning")));
      assertThat(driver.findElement(By.tagName("body")).getDomAttribute("data-tuning-live")).isEqualTo("false");
      assertThat(rowTrials()).containsExactly("1", "2", "3", "4");
      WebElement best = driver.findElement(By.cssSelector("#trials tbody tr.best"));
      assertThat(best.getDomAttribute("data-trial")).isEqualTo(bestLine.group(1));
      assertThat(best.getText()).contains(bestLine.group(2));
      String lrSel = "svg.scatter[data-param='lr']";
      assertThat(driver.findElement(By.cssSelector(lrSel)).getDomAttribute("data-xscale")).isEqualTo("log");
      assertThat(ticks(lrSel, "x-tick")).containsExactly("0.001", "0.01", "0.1");
      assertThat(driver.findElements(By.cssSelector(lrSel + " g.trial-point"))).hasSize(4);
      List<WebElement> curves = driver.findElements(By.cssSelector("#curves polyline.curve"));
      assertThat(curves).hasSize(4);
      assertThat(curves).allSatisfy(c -> assertThat(c.getDomAttribute("points").split(" ")).hasSize(3));
      assertThat(driver.findElements(By.cssSelector("#metric-per-trial g.trial-point"))).hasSize(4);
      Files.createDirectories(Path.of("target"));
      Files.write(Path.of("target", "viewer-tuning-cli.png"), driver.getScreenshotAs(OutputType.BYTES));
    }
  }

  /** A trial that prints {@code steps} accuracy values rising to {@code last}, then ends so. */
  private void trial(int n, double lr, String optimizer, double last, int steps, ExecutionEvent end) {
    ExecutionRecord t = store.createExecution(NewExecution.trialOf(task, n));
    store.recordParameters(
        t.id(),
        List.of(
            ParameterValue.of("initial_learning_rate", lr, "float"),
            ParameterValue.of("optimizer", optimizer, "string")));
    store.queue(t.id());
    store.start(t.id(), "process", "cpu");
    Instant t0 = Instant.now();
    List<NewMetadata> entries = new ArrayList<>();
    for (int s = 1; s <= steps; s++) {
      double v = last - (steps - s) * 0.04;
      entries.add(new NewMetadata(t0.plusMillis(s), "{\"step\": " + s + ", \"accuracy\": " + v + "}"));
    }
    store.appendMetadata(t.id(), entries);
    if (end == ExecutionEvent.FAIL) {
      store.fail(t.id(), 1, "diverged: loss is NaN");
    } else {
      store.transitionExecution(t.id(), end, ExecutionUpdate.exited(0));
    }
    trials.add(t);
  }

  private List<String> rowTrials() {
    return driver.findElements(By.cssSelector("#trials tbody tr.trial-row")).stream()
        .map(r -> r.getDomAttribute("data-trial"))
        .toList();
  }

  private WebElement row(String trial) {
    return driver.findElement(By.cssSelector("#trials tbody tr[data-trial='" + trial + "']"));
  }

  private WebElement header(String key) {
    return driver.findElement(By.cssSelector("#trials th[data-key='" + key + "']"));
  }

  private List<String> headers() {
    return driver.findElements(By.cssSelector("#trials th")).stream().map(WebElement::getText).toList();
  }

  private List<String> ticks(String chart, String cls) {
    return driver.findElements(By.cssSelector(chart + " text." + cls)).stream()
        .map(WebElement::getText)
        .toList();
  }
}
