package dev.kiln.lineage.web;

import dev.kiln.lineage.LineageStore;
import dev.kiln.lineage.artifact.ArtifactRef;
import dev.kiln.lineage.model.CommitInfo;
import dev.kiln.lineage.model.ExecutionRecord;
import dev.kiln.lineage.model.InputFile;
import dev.kiln.lineage.model.LogStream;
import dev.kiln.lineage.model.NewExecution;
import dev.kiln.lineage.model.NewLogLine;
import dev.kiln.lineage.model.NewMetadata;
import dev.kiln.lineage.model.NewRun;
import dev.kiln.lineage.model.OutputFile;
import dev.kiln.lineage.model.ParameterValue;
import dev.kiln.lineage.model.RunEvent;
import dev.kiln.lineage.model.RunRecord;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A finished two-node run written through the real store API: {@code prepare} writes {@code
 * data.csv}; {@code train} reads it, logs 1,500 lines (one of them a script tag), records 20
 * metric entries and writes {@code model.bin} and {@code preview.png}.
 */
final class DemoRun {
  static final String SCRIPT_LINE = "<script>window.pwned=1</script> & <b>bold</b>";

  final RunRecord run;
  final ExecutionRecord prepare;
  final ExecutionRecord train;
  final ArtifactRef data;
  final ArtifactRef model;
  final ArtifactRef preview;

  private DemoRun(
      RunRecord run,
      ExecutionRecord prepare,
      ExecutionRecord train,
      ArtifactRef data,
      ArtifactRef model,
      ArtifactRef preview) {
    this.run = run;
    this.prepare = prepare;
    this.train = train;
    this.data = data;
    this.model = model;
    this.preview = preview;
  }

  static DemoRun write(LineageStore store, String pipeline, double lr) {
    Instant t0 = Instant.parse("2026-01-01T00:00:00Z");
    RunRecord run =
        store.createRun(
            NewRun.of(pipeline)
                .withCommit(
                    CommitInfo.of("https://example.org/repo.git", "refs/heads/main", "a".repeat(40))
                        .withAuthor("Ada")));
    store.transitionRun(run.id(), RunEvent.START);

    ExecutionRecord prepare =
        store.createExecution(NewExecution.of(run.id(), "prepare", "prepare").withExecutor("process"));
    store.queue(prepare.id());
    store.start(prepare.id(), "process", "cpu");
    ArtifactRef data = put(store, "a,b\n1,2\n" + pipeline + lr);
    store.recordOutputs(prepare.id(), List.of(OutputFile.of("data.csv", data)));
    store.appendLogs(prepare.id(), List.of(new NewLogLine(LogStream.STDOUT, t0, "prepared")));
    store.succeed(prepare.id(), 0);

    ExecutionRecord train =
        store.createExecution(NewExecution.of(run.id(), "train", "train").withExecutor("djl"));
    store.queue(train.id());
    store.start(train.id(), "djl", "gpu:0");
    store.recordParameters(
        train.id(),
        List.of(ParameterValue.of("lr", lr, "float"), ParameterValue.of("epochs", 2, "integer")));
    store.recordInputs(
        train.id(),
        List.of(
            InputFile.fromUpstream(
                "dataset", data.datumId(), "data.csv", data.size(), data.sha256(), prepare.id())));
    List<NewLogLine> lines = new ArrayList<>();
    for (int i = 1; i <= 1500; i++) {
      lines.add(
          new NewLogLine(
              LogStream.STDOUT, t0.plusMillis(i), i == 700 ? SCRIPT_LINE : "line " + i));
    }
    store.appendLogs(train.id(), lines);
    List<NewMetadata> metrics = new ArrayList<>();
    for (int s = 0; s < 20; s++) {
      metrics.add(
          new NewMetadata(
              t0.plusSeconds(s),
              "{\"step\": " + s + ", \"epoch\": " + (s / 10) + ", \"loss\": " + (1.0 / (s + 1) + lr)
                  + ", \"note\": \"x\"}"));
    }
    store.appendMetadata(train.id(), metrics);
    ArtifactRef model = put(store, "weights " + pipeline + lr);
    ArtifactRef preview = put(store, "\u0089PNG fake " + pipeline + lr);
    store.recordOutputs(
        train.id(),
        List.of(OutputFile.of("model.bin", model), OutputFile.of("images/preview.png", preview)));
    store.succeed(train.id(), 0);
    store.transitionRun(run.id(), RunEvent.SUCCEED);
    return new DemoRun(store.run(run.id()), prepare, store.execution(train.id()), data, model, preview);
  }

  private static ArtifactRef put(LineageStore store, String content) {
    return store
        .artifacts()
        .put(new ByteArrayInputStream(content.getBytes(StandardCharsets.UTF_8)), "test content");
  }
}
