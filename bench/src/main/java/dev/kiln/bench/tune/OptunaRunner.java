package dev.kiln.bench.tune;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * Runs Optuna's samplers through {@code optuna_tune.py} (kept next to this class): one Python
 * process per problem and sampler for all seeds, results as one JSON object on stdout.
 */
final class OptunaRunner {
  /** Optuna samplers by the name optuna_tune.py takes. */
  static final List<String> SAMPLERS = List.of("tpe-multivariate", "tpe", "random");

  private static final ObjectMapper JSON = new ObjectMapper();
  private final String python;
  private Path script;

  OptunaRunner(String python) {
    this.python = python;
  }

  String python() {
    return python;
  }

  /** Optuna's version, or a message that says why it cannot run and how to fix that. */
  VersionOrProblem version() throws InterruptedException {
    List<String> cmd = List.of(python, "-c", "import optuna; print(optuna.__version__)");
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      if (p.waitFor() != 0) {
        return new VersionOrProblem(
            null,
            python + " cannot import optuna (" + lastLine(out) + "); install it with"
                + " `apt-get install -y python3-optuna`, or pass --no-optuna");
      }
      return new VersionOrProblem(out, null);
    } catch (IOException e) {
      return new VersionOrProblem(
          null, "cannot start " + python + " (" + e.getMessage() + "); pass --python or --no-optuna");
    }
  }

  /** Either Optuna's version or why it is not there. */
  record VersionOrProblem(String version, String problem) {}

  /**
   * Runs {@code sampler} on {@code problem} for every seed; lines the script writes to stderr
   * other than its per-seed progress go to {@code log}.
   */
  List<SeedRun> run(
      Problem problem, String sampler, List<Long> seeds, int trials, Consumer<String> log)
      throws IOException, InterruptedException {
    List<String> cmd =
        List.of(
            python,
            script().toString(),
            problem.cliName(),
            sampler,
            seeds.stream().map(String::valueOf).collect(Collectors.joining(",")),
            String.valueOf(trials),
            String.valueOf(problem.noiseSd()));
    Process p = new ProcessBuilder(cmd).start();
    Deque<String> tail = new ArrayDeque<>();
    Thread err =
        new Thread(
            () -> {
              try (BufferedReader r =
                  new BufferedReader(
                      new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                  synchronized (tail) {
                    tail.addLast(line);
                    if (tail.size() > 20) {
                      tail.removeFirst();
                    }
                  }
                  if (!line.startsWith("optuna ")) {
                    log.accept(line);
                  }
                }
              } catch (IOException e) {
                log.accept("reading " + python + "'s stderr: " + e.getMessage());
              }
            },
            "optuna-stderr");
    err.setDaemon(true);
    err.start();
    try {
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      int code = p.waitFor();
      err.join(5000);
      if (code != 0) {
        String lines;
        synchronized (tail) {
          lines = String.join("\n", tail);
        }
        throw new IOException(
            String.join(" ", cmd) + " exited with " + code + "; its last lines:\n" + lines);
      }
      return parse(out, problem, sampler, seeds, trials);
    } finally {
      p.destroyForcibly();
    }
  }

  /**
   * Reads optuna_tune.py's JSON and checks it: the problem, sampler, seeds and trial counts asked
   * for, and every observed value equal to what {@link Problem#observed} gives at the point (so the
   * two copies of the functions and of the noise agree).
   */
  static List<SeedRun> parse(
      String json, Problem problem, String sampler, List<Long> seeds, int trials) {
    JsonNode root;
    try {
      root = JSON.readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(
          "optuna_tune.py wrote something that is not JSON: " + e.getOriginalMessage());
    }
    if (root == null || !root.isObject()) {
      throw new IllegalStateException("optuna_tune.py wrote no JSON object");
    }
    String where = "optuna_tune.py " + problem.cliName() + " " + sampler;
    if (!problem.cliName().equals(root.path("problem").asText())
        || !sampler.equals(root.path("sampler").asText())) {
      throw new IllegalStateException(
          where + ": the output is for " + root.path("problem").asText() + " "
              + root.path("sampler").asText());
    }
    JsonNode runs = root.path("runs");
    if (runs.size() != seeds.size()) {
      throw new IllegalStateException(
          where + ": " + runs.size() + " runs for " + seeds.size() + " seeds");
    }
    int dims = problem.space().size();
    List<SeedRun> out = new ArrayList<>();
    for (int r = 0; r < runs.size(); r++) {
      JsonNode run = runs.get(r);
      long seed = run.path("seed").asLong();
      if (seed != seeds.get(r)) {
        throw new IllegalStateException(
            where + ": runs[" + r + "] is seed " + seed + ", expected " + seeds.get(r));
      }
      JsonNode xs = run.path("x");
      JsonNode values = run.path("values");
      if (xs.size() != trials || values.size() != trials) {
        throw new IllegalStateException(
            where + " seed " + seed + ": " + xs.size() + " points and " + values.size()
                + " values, expected " + trials + " trials");
      }
      List<double[]> points = new ArrayList<>();
      double[] observed = new double[trials];
      double[] noiseless = new double[trials];
      for (int i = 0; i < trials; i++) {
        JsonNode xi = xs.get(i);
        if (xi.size() != dims) {
          throw new IllegalStateException(
              where + " seed " + seed + " trial " + (i + 1) + ": " + xi.size()
                  + " coordinates, expected " + dims);
        }
        double[] x = new double[dims];
        for (int d = 0; d < dims; d++) {
          x[d] = xi.get(d).asDouble();
        }
        double reported = values.get(i).asDouble();
        double expected = problem.observed(x, seed, i + 1);
        if (!(Math.abs(reported - expected) <= 1e-9 * Math.max(1, Math.abs(expected)))) {
          throw new IllegalStateException(
              String.format(
                  Locale.ROOT,
                  "%s seed %d trial %d: the script reports %s, Problem.observed gives %s",
                  where, seed, i + 1, reported, expected));
        }
        points.add(x);
        observed[i] = reported;
        noiseless[i] = problem.value(x);
      }
      out.add(new SeedRun(seed, points, observed, noiseless));
    }
    return out;
  }

  private synchronized Path script() throws IOException {
    if (script == null) {
      Path dir = Files.createTempDirectory("kiln-bench-tune");
      dir.toFile().deleteOnExit(); // deleted after the file: deleteOnExit runs in reverse
      Path file = dir.resolve("optuna_tune.py");
      try (InputStream in = OptunaRunner.class.getResourceAsStream("optuna_tune.py")) {
        if (in == null) {
          throw new IOException("optuna_tune.py is missing from the kiln-bench jar; rebuild it");
        }
        Files.copy(in, file);
      }
      file.toFile().deleteOnExit();
      script = file;
    }
    return script;
  }

  private static String lastLine(String s) {
    String[] lines = s.split("\n");
    return lines[lines.length - 1];
  }
}
