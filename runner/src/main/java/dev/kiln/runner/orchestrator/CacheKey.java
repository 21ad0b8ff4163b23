package dev.kiln.runner.orchestrator;

import dev.kiln.pipelines.ParamValue;
import dev.kiln.pipelines.Step;
import dev.kiln.pipelines.command.CommandExpander;
import dev.kiln.runner.exec.InputFile;
import dev.kiln.runner.inputs.Sha256;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What makes two executions interchangeable: the step's definition, the resolved parameter values,
 * the content of every input file, and the code version. Equal keys mean an earlier execution's
 * outputs can stand in for a new one.
 */
final class CacheKey {
  private CacheKey() {}

  static String of(
      Step step,
      Map<String, ParamValue> parameters,
      Map<String, List<InputFile>> inputs,
      String codeVersion) {
    StringBuilder sb = new StringBuilder("kiln-cache-v1\n");
    sb.append("step=").append(step).append('\n');
    new TreeMap<>(parameters)
        .forEach(
            (k, v) ->
                sb.append("param ")
                    .append(k)
                    .append('=')
                    .append(v.getClass().getSimpleName())
                    .append(':')
                    .append(CommandExpander.pythonStr(v))
                    .append('\n'));
    new TreeMap<>(inputs)
        .forEach(
            (name, files) ->
                files.stream()
                    .sorted(java.util.Comparator.comparing(InputFile::relativePath))
                    .forEach(
                        f ->
                            sb.append("input ")
                                .append(name)
                                .append('/')
                                .append(f.relativePath())
                                .append('=')
                                .append(f.sha256())
                                .append('\n')));
    sb.append("code=").append(codeVersion).append('\n');
    return Sha256.of(sb.toString());
  }
}
