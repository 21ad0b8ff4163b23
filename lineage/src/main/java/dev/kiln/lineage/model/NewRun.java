package dev.kiln.lineage.model;

import java.util.Map;

/**
 * What the orchestrator knows when it creates a run. Required: {@code pipeline}. Optional (null or
 * absent): {@code sourceFile} (the valohai.yaml or DSL class it was loaded from), {@code commit}.
 * {@code paramsJson} is the pipeline parameters as one JSON object ({@code {}} by default).
 */
public record NewRun(String pipeline, String sourceFile, String paramsJson, CommitInfo commit) {
  public NewRun {
    Checks.nonBlank(pipeline, "pipeline");
    paramsJson = paramsJson == null ? "{}" : paramsJson;
    JsonSupport.parseObject(paramsJson, "run parameters of pipeline \"" + pipeline + "\"");
  }

  public static NewRun of(String pipeline) {
    return new NewRun(pipeline, null, "{}", null);
  }

  public NewRun withSourceFile(String sourceFile) {
    return new NewRun(pipeline, sourceFile, paramsJson, commit);
  }

  public NewRun withParamsJson(String paramsJson) {
    return new NewRun(pipeline, sourceFile, paramsJson, commit);
  }

  /** Parameters as plain Java values (strings, numbers, booleans, lists). */
  public NewRun withParams(Map<String, ?> params) {
    return withParamsJson(JsonSupport.write(params));
  }

  public NewRun withCommit(CommitInfo commit) {
    return new NewRun(pipeline, sourceFile, paramsJson, commit);
  }
}
