package dev.kiln.runner.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.pipelines.ExecutorKind;
import dev.kiln.pipelines.ParamValue;
import dev.kiln.pipelines.ParameterSpec;
import dev.kiln.pipelines.ParameterType;
import dev.kiln.pipelines.Step;
import dev.kiln.pipelines.StepRun;
import dev.kiln.pipelines.spi.StepContext;
import dev.kiln.pipelines.spi.StepFunction;
import dev.kiln.pipelines.spi.StepRegistry;
import dev.kiln.pipelines.validation.DidYouMean;
import dev.kiln.pipelines.validation.Validator;
import dev.kiln.runner.beam.BeamEngine;
import dev.kiln.runner.beam.BeamSettings;
import dev.kiln.runner.plan.ParamValues;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;

/**
 * {@code kiln step NAME [--param=value]...}: runs a built-in Java step inside the Valohai execution
 * contract ({@code VH_INPUTS_DIR}, {@code VH_OUTPUTS_DIR}, or {@code inputs/} and {@code outputs/}
 * in the working folder). This is how valohai.yaml uses built-in steps ({@code command: kiln step
 * train {parameters}}), on Kiln or on Valohai itself. Metrics are printed as JSON lines, Valohai's
 * metadata convention.
 */
@Command(
    name = "step",
    description = {
      "Run a built-in step in the current Valohai-style execution folder.",
      "Parameters are passed as Valohai passes them: --NAME=VALUE (flags: --NAME)."
    })
final class StepCommand implements Callable<Integer> {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Parameters(index = "0", paramLabel = "NAME", description = "the built-in step")
  String name;

  @Unmatched List<String> args = new ArrayList<>();

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    Step step;
    try {
      step = StepRegistry.load().require(name);
    } catch (IllegalArgumentException e) {
      throw new UserException(e.getMessage());
    }
    if (!(step.run() instanceof StepRun.JavaFunction java)) {
      throw new UserException("step " + name + " is not a Java step");
    }
    Map<String, ParamValue> values = parameters(step, args);
    Map<String, String> env = System.getenv();
    Path cwd = Path.of("").toAbsolutePath();
    Path inputs = Path.of(env.getOrDefault("VH_INPUTS_DIR", cwd.resolve("inputs").toString()));
    Path outputs = Path.of(env.getOrDefault("VH_OUTPUTS_DIR", cwd.resolve("outputs").toString()));
    Files.createDirectories(outputs);
    StepFunction function =
        (StepFunction)
            Class.forName(java.className()).getDeclaredConstructor().newInstance();
    // A Beam step gets the runner of KILN_BEAM_RUNNER / KILN_FLINK_MASTER, as under the orchestrator.
    BeamEngine beam;
    try {
      beam =
          step.resources().executor() == ExecutorKind.BEAM
              ? new BeamEngine(BeamSettings.fromEnvironment(env))
              : null;
    } catch (IllegalArgumentException e) {
      throw new UserException(e.getMessage());
    }
    try {
      run(function, values, env, inputs, outputs, out, beam);
    } catch (IllegalArgumentException e) {
      // Steps report what is wrong with their inputs and parameters this way: a user's mistake.
      String where =
          env.containsKey("VH_INPUTS_DIR")
              ? ""
              : "\n  (kiln step reads its inputs from " + inputs + "/NAME/ and writes to " + outputs
                  + "/; run it inside a Valohai execution folder, or set VH_INPUTS_DIR and"
                  + " VH_OUTPUTS_DIR)";
      throw new UserException("step " + name + ": " + e.getMessage() + where);
    } finally {
      if (beam != null) {
        beam.close();
      }
    }
    return 0;
  }

  private static void run(
      StepFunction function,
      Map<String, ParamValue> values,
      Map<String, String> env,
      Path inputs,
      Path outputs,
      PrintWriter out,
      BeamEngine beam)
      throws Exception {
    function.run(
        new StepContext() {
          @Override
          public Map<String, String> engineOptions() {
            return beam == null ? Map.of() : beam.engineOptions();
          }

          @Override
          public String executionId() {
            return env.getOrDefault("VH_EXECUTION_ID", "local");
          }

          @Override
          public Optional<ParamValue> parameter(String p) {
            return Optional.ofNullable(values.get(p));
          }

          @Override
          public List<Path> inputFiles(String inputName) {
            Path dir = inputDir(inputName);
            if (!Files.isDirectory(dir)) {
              return List.of();
            }
            try (Stream<Path> s = Files.walk(dir)) {
              return s.filter(Files::isRegularFile).sorted().toList();
            } catch (IOException e) {
              throw new UncheckedIOException(e);
            }
          }

          @Override
          public Path inputDir(String inputName) {
            return inputs.resolve(inputName);
          }

          @Override
          public Path outputDir() {
            return outputs;
          }

          @Override
          public void logMetrics(Map<String, ?> m) {
            Map<String, Object> line = new LinkedHashMap<>(m);
            line.putIfAbsent("_time", Instant.now().toString());
            try {
              out.println(JSON.writeValueAsString(line));
            } catch (IOException e) {
              throw new UncheckedIOException(e);
            }
            out.flush();
          }

          @Override
          public void log(String line) {
            out.println(line);
            out.flush();
          }
        });
  }

  /** Valohai's {@code --NAME=VALUE} arguments, typed by the step's parameters; defaults filled in. */
  static Map<String, ParamValue> parameters(Step step, List<String> args) {
    Map<String, List<String>> given = new LinkedHashMap<>();
    List<String> problems = new ArrayList<>();
    for (String a : args) {
      if (!a.startsWith("--")) {
        problems.add("unexpected argument " + a + " (parameters are --NAME=VALUE)");
        continue;
      }
      int eq = a.indexOf('=');
      String key = eq < 0 ? a.substring(2) : a.substring(2, eq);
      String value = eq < 0 ? "true" : a.substring(eq + 1);
      given.computeIfAbsent(key, k -> new ArrayList<>()).add(value);
    }
    Map<String, ParamValue> values = new LinkedHashMap<>();
    for (ParameterSpec p : step.parameters()) {
      List<String> texts = given.remove(p.name());
      if (texts == null) {
        if (p.defaultValue().isPresent()) {
          values.put(p.name(), p.defaultValue().get());
        } else if (p.type() == ParameterType.FLAG) {
          values.put(p.name(), ParamValue.of(false));
        }
        continue;
      }
      try {
        ParamValue v = ParamValues.parseAll(p, texts);
        Validator.checkValue(p, v).forEach(m -> problems.add("--" + p.name() + ": " + m));
        values.put(p.name(), v);
      } catch (IllegalArgumentException e) {
        problems.add("--" + p.name() + ": " + e.getMessage());
      }
    }
    given.keySet()
        .forEach(
            k ->
                problems.add(
                    "step " + step.name() + " has no parameter \"" + k + "\" "
                        + DidYouMean.known(
                            step.parameters().stream().map(ParameterSpec::name).toList())));
    if (!problems.isEmpty()) {
      throw new UserException(String.join("\n  ", problems));
    }
    return values;
  }
}
