package dev.kiln.lineage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.lineage.artifact.ArtifactRef;
import dev.kiln.lineage.model.CommitInfo;
import dev.kiln.lineage.model.Direction;
import dev.kiln.lineage.model.EventRecord;
import dev.kiln.lineage.model.ExecutionDetail;
import dev.kiln.lineage.model.ExecutionEvent;
import dev.kiln.lineage.model.ExecutionRecord;
import dev.kiln.lineage.model.ExecutionStatus;
import dev.kiln.lineage.model.ExecutionUpdate;
import dev.kiln.lineage.model.InputFile;
import dev.kiln.lineage.model.LineageEdge;
import dev.kiln.lineage.model.LineageGraph;
import dev.kiln.lineage.model.LineageNode;
import dev.kiln.lineage.model.LogLine;
import dev.kiln.lineage.model.LogStream;
import dev.kiln.lineage.model.MetadataEntry;
import dev.kiln.lineage.model.NewExecution;
import dev.kiln.lineage.model.NewLogLine;
import dev.kiln.lineage.model.NewMetadata;
import dev.kiln.lineage.model.NewRun;
import dev.kiln.lineage.model.OutputFile;
import dev.kiln.lineage.model.Page;
import dev.kiln.lineage.model.ParameterValue;
import dev.kiln.lineage.model.RunDetail;
import dev.kiln.lineage.model.RunEvent;
import dev.kiln.lineage.model.RunQuery;
import dev.kiln.lineage.model.RunRecord;
import dev.kiln.lineage.model.RunStatus;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What every lineage store must do, whatever database it runs on: subclasses say how to configure
 * the store (H2 in a temporary folder, PostgreSQL in a fresh schema).
 */
abstract class LineageStoreContract {
  @TempDir Path home;

  LineageStore store;

  /** The configuration of a fresh, empty store whose KILN_HOME is {@code home}. */
  abstract StoreConfig config(Path home) throws Exception;

  @BeforeEach
  void openStore() throws Exception {
    store = LineageStore.open(config(home));
  }

  @AfterEach
  void closeStore() {
    if (store != null) {
      store.close();
    }
  }

  private ArtifactRef artifact(String name, String content) throws Exception {
    Path file = home.resolve("work").resolve(name);
    Files.createDirectories(file.getParent());
    Files.writeString(file, content, StandardCharsets.UTF_8);
    return store.artifacts().put(file);
  }

  private static OutputFile output(String path, ArtifactRef ref) {
    return OutputFile.of(path, ref);
  }

  @Test
  void aTwoNodeRunIsRecordedAndReadBackWhole() throws Exception {
    CommitInfo commit =
        CommitInfo.of("https://git.example.com/ml/detector.git", "refs/heads/main", "a".repeat(40))
            .withAuthor("Ada <ada@example.com>")
            .withMessage("tune anchors")
            .withDirty(true);
    RunRecord created =
        store.createRun(
            NewRun.of("train-superbai")
                .withSourceFile("valohai.yaml")
                .withParams(Map.of("epochs", 3))
                .withCommit(commit));
    assertThat(created.status()).isEqualTo(RunStatus.CREATED);
    assertThat(created.startedAt()).isNull();

    ExecutionRecord convert =
        store.createExecution(
            NewExecution.of(created.id(), "convert", "convert-labels")
                .withExecutor("beam")
                .withCacheKey("ck-convert"));
    ExecutionRecord train =
        store.createExecution(NewExecution.of(created.id(), "train", "train").withExecutor("djl"));
    store.transitionRun(created.id(), RunEvent.START);

    // convert: reads a downloaded COCO file, writes TFRecords and classes.txt
    ArtifactRef coco = artifact("coco.json", "{\"images\": []}");
    ArtifactRef shard = artifact("train-00000-of-00001.tfrecord", "tfrecord bytes");
    ArtifactRef classes = artifact("classes.txt", "car\nperson\n");
    store.recordParameters(
        convert.id(),
        List.of(
            ParameterValue.of("train_split", 0.8, "float"),
            ParameterValue.of("formats", List.of("coco", "voc"), "string")));
    store.recordInputs(
        convert.id(),
        List.of(
            new InputFile(
                "labels",
                "https://data.example.com/coco.json",
                "coco.json",
                coco.size(),
                coco.sha256(),
                null,
                null)));
    store.queue(convert.id());
    ExecutionRecord convertRunning = store.start(convert.id(), "beam", "cpu");
    assertThat(convertRunning.attempt()).isEqualTo(1);
    assertThat(convertRunning.startedAt()).isNotNull();
    Instant t0 = Instant.parse("2026-11-23T10:15:30.123456Z");
    store.appendLogs(
        convert.id(),
        List.of(
            new NewLogLine(LogStream.STDOUT, t0, "reading coco.json"),
            new NewLogLine(LogStream.STDERR, t0.plusMillis(1), "warning: 2 images without boxes")));
    store.appendMetadata(
        convert.id(),
        List.of(new NewMetadata(t0.plusMillis(2), "{\"images\": 120, \"boxes\": 811}")));
    store.recordOutputs(
        convert.id(),
        List.of(
            output("train/train-00000-of-00001.tfrecord", shard), output("classes.txt", classes)));
    ExecutionRecord convertDone = store.succeed(convert.id(), 0);
    assertThat(convertDone.finishedAt()).isNotNull();

    // train: reads convert's outputs, logs metrics per epoch, fails
    store.recordParameters(train.id(), List.of(ParameterValue.of("epochs", 3, "integer")));
    store.recordInputs(
        train.id(),
        List.of(
            InputFile.fromUpstream(
                "train",
                "datum://" + shard.sha256(),
                "train-00000-of-00001.tfrecord",
                shard.size(),
                shard.sha256(),
                convert.id()),
            InputFile.fromUpstream(
                "classes",
                classes.datumId(),
                "classes.txt",
                classes.size(),
                classes.sha256(),
                convert.id())));
    store.queue(train.id());
    store.start(train.id(), "djl", "cuda:0");
    List<NewMetadata> metrics = new ArrayList<>();
    for (int epoch = 1; epoch <= 3; epoch++) {
      metrics.add(
          new NewMetadata(
              t0.plusSeconds(epoch),
              "{\"epoch\": "
                  + epoch
                  + ", \"step\": "
                  + epoch * 100
                  + ", \"loss\": "
                  + (1.0 / epoch)
                  + "}"));
    }
    store.appendMetadata(train.id(), metrics);
    store.fail(train.id(), 137, "killed: out of memory");
    store.transitionRun(created.id(), RunEvent.FAIL, "node train failed");

    RunDetail detail = store.runDetail(created.id());
    RunRecord run = detail.run();
    assertThat(run.status()).isEqualTo(RunStatus.FAILED);
    assertThat(run.pipeline()).isEqualTo("train-superbai");
    assertThat(run.sourceFile()).isEqualTo("valohai.yaml");
    assertThat(run.paramsJson()).isEqualTo("{\"epochs\":3}");
    assertThat(run.commit()).isEqualTo(commit);
    assertThat(run.createdAt()).isEqualTo(created.createdAt());
    assertThat(run.startedAt()).isNotNull();
    assertThat(run.finishedAt()).isAfterOrEqualTo(run.startedAt());
    assertThat(detail.executions())
        .extracting(e -> e.execution().nodeName())
        .containsExactlyInAnyOrder("convert", "train");

    ExecutionDetail c = detail.node("convert").orElseThrow();
    assertThat(c.execution()).isEqualTo(convertDone);
    assertThat(c.execution().status()).isEqualTo(ExecutionStatus.SUCCEEDED);
    assertThat(c.execution().executor()).isEqualTo("beam");
    assertThat(c.execution().device()).isEqualTo("cpu");
    assertThat(c.execution().exitCode()).isZero();
    assertThat(c.execution().cacheKey()).isEqualTo("ck-convert");
    assertThat(c.parameters())
        .containsExactly(
            new ParameterValue("formats", "[\"coco\",\"voc\"]", "string"),
            new ParameterValue("train_split", "0.8", "float"));
    assertThat(c.inputs())
        .containsExactly(
            new InputFile(
                "labels",
                "https://data.example.com/coco.json",
                "coco.json",
                coco.size(),
                coco.sha256(),
                null,
                coco.datumId()));
    assertThat(c.outputs())
        .containsExactly(
            output("classes.txt", classes), output("train/train-00000-of-00001.tfrecord", shard));
    assertThat(c.metadataCount()).isEqualTo(1);
    assertThat(c.latestMetadata().json()).isEqualTo("{\"images\": 120, \"boxes\": 811}");
    assertThat(c.latestMetadata().time()).isEqualTo(t0.plusMillis(2));
    assertThat(c.metadata()).isEmpty();
    assertThat(c.reusedFromExecutionId()).isNull();

    ExecutionDetail t = detail.node("train").orElseThrow();
    assertThat(t.execution().status()).isEqualTo(ExecutionStatus.FAILED);
    assertThat(t.execution().device()).isEqualTo("cuda:0");
    assertThat(t.execution().exitCode()).isEqualTo(137);
    assertThat(t.execution().errorMessage()).isEqualTo("killed: out of memory");
    assertThat(t.inputs())
        .extracting(InputFile::inputName, InputFile::producingExecutionId, InputFile::datumId)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("train", convert.id(), shard.datumId()),
            org.assertj.core.groups.Tuple.tuple("classes", convert.id(), classes.datumId()));
    assertThat(t.outputs()).isEmpty();
    assertThat(t.metadataCount()).isEqualTo(3);
    assertThat(t.latestMetadata().epoch()).isEqualTo(3.0);
    assertThat(t.latestMetadata().step()).isEqualTo(300.0);

    RunDetail full = store.runDetail(created.id(), true);
    assertThat(full.node("train").orElseThrow().metadata())
        .extracting(MetadataEntry::seq, MetadataEntry::epoch)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(1L, 1.0),
            org.assertj.core.groups.Tuple.tuple(2L, 2.0),
            org.assertj.core.groups.Tuple.tuple(3L, 3.0));

    assertThat(store.logLines(convert.id(), 0, 100))
        .containsExactly(
            new LogLine(1, LogStream.STDOUT, t0, "reading coco.json"),
            new LogLine(2, LogStream.STDERR, t0.plusMillis(1), "warning: 2 images without boxes"));

    List<EventRecord> events = store.events(created.id());
    assertThat(events)
        .extracting(
            e ->
                (e.nodeName() == null ? "run" : e.nodeName())
                    + " "
                    + e.event()
                    + " "
                    + e.fromStatus()
                    + "->"
                    + e.toStatus())
        .containsExactly(
            "run CREATE null->CREATED",
            "convert CREATE null->CREATED",
            "train CREATE null->CREATED",
            "run START CREATED->RUNNING",
            "convert QUEUE CREATED->QUEUED",
            "convert START QUEUED->RUNNING",
            "convert SUCCEED RUNNING->SUCCEEDED",
            "train QUEUE CREATED->QUEUED",
            "train START QUEUED->RUNNING",
            "train FAIL RUNNING->FAILED",
            "run FAIL RUNNING->FAILED");
    assertThat(events.get(9).detail()).isEqualTo("killed: out of memory");
    assertThat(events.get(10).detail()).isEqualTo("node train failed");

    // The JSON shape of `kiln show RUN --json`: raw JSON values stay JSON.
    JsonNode json = new ObjectMapper().readTree(detail.toJson());
    assertThat(json.at("/run/pipeline").asText()).isEqualTo("train-superbai");
    assertThat(json.at("/run/paramsJson/epochs").asInt()).isEqualTo(3);
    assertThat(json.at("/run/commit/dirty").asBoolean()).isTrue();
    assertThat(json.at("/run/createdAt").asText()).isEqualTo(created.createdAt().toString());
    JsonNode trainJson = json.at("/executions/1");
    if (!trainJson.at("/execution/nodeName").asText().equals("train")) {
      trainJson = json.at("/executions/0");
    }
    assertThat(trainJson.at("/latestMetadata/json/loss").asDouble()).isEqualTo(1.0 / 3);
    assertThat(trainJson.at("/parameters/0/valueJson").asInt()).isEqualTo(3);
  }

  @Test
  void illegalExecutionTransitionsAreRejectedNamingRunNodeEventAndState() {
    RunRecord run = store.createRun(NewRun.of("p"));
    ExecutionRecord e = store.createExecution(NewExecution.of(run.id(), "train", "train"));
    store.transitionRun(run.id(), RunEvent.START);

    assertThatThrownBy(() -> store.succeed(e.id(), 0))
        .isInstanceOfSatisfying(
            IllegalTransitionException.class,
            ex -> {
              assertThat(ex.runId()).isEqualTo(run.id());
              assertThat(ex.nodeName()).isEqualTo("train");
              assertThat(ex.event()).isEqualTo("SUCCEED");
              assertThat(ex.currentState()).isEqualTo("CREATED");
            })
        .hasMessage(
            "run "
                + run.id()
                + " node \"train\" (execution "
                + e.id()
                + "): cannot SUCCEED an execution that is CREATED (SUCCEED is allowed when the"
                + " execution is RUNNING)");

    store.start(e.id(), "process", null);
    store.succeed(e.id(), 0);
    assertThatThrownBy(() -> store.start(e.id(), "process", null))
        .isInstanceOf(IllegalTransitionException.class)
        .hasMessageEndingWith(
            "cannot START an execution that is SUCCEEDED (START is allowed when the execution is"
                + " CREATED or QUEUED)");
    // The rejected change left no trace.
    assertThat(store.execution(e.id()).status()).isEqualTo(ExecutionStatus.SUCCEEDED);
    assertThat(store.events(run.id())).hasSize(5);
  }

  @Test
  void illegalRunTransitionsAreRejected() {
    RunRecord run = store.createRun(NewRun.of("train-superbai"));
    assertThatThrownBy(() -> store.transitionRun(run.id(), RunEvent.SUCCEED))
        .isInstanceOf(IllegalTransitionException.class)
        .hasMessage(
            "run "
                + run.id()
                + " of pipeline \"train-superbai\": cannot SUCCEED a run that is CREATED (SUCCEED"
                + " is allowed when the run is RUNNING)");
    store.transitionRun(run.id(), RunEvent.START);
    store.transitionRun(run.id(), RunEvent.SUCCEED);
    assertThatThrownBy(() -> store.transitionRun(run.id(), RunEvent.RESUME))
        .isInstanceOf(IllegalTransitionException.class)
        .hasMessageEndingWith(
            "cannot RESUME a run that is SUCCEEDED (RESUME is allowed when the run is RUNNING,"
                + " FAILED or STOPPED)");
    assertThatThrownBy(() -> store.createExecution(NewExecution.of(run.id(), "late", "late")))
        .isInstanceOf(IllegalTransitionException.class)
        .hasMessage(
            "run "
                + run.id()
                + " is SUCCEEDED: cannot add node \"late\" to a finished run; resume it first");
  }

  @Test
  void anExecutionOfAFinishedRunCannotStart() {
    RunRecord run = store.createRun(NewRun.of("p"));
    ExecutionRecord e = store.createExecution(NewExecution.of(run.id(), "a", "a"));
    store.transitionRun(run.id(), RunEvent.FAIL);
    assertThatThrownBy(() -> store.start(e.id(), "process", "cpu"))
        .isInstanceOf(IllegalTransitionException.class)
        .hasMessageEndingWith(
            "cannot START an execution of a run that is FAILED; resume the run first");
    // ... but it can still be marked as never run.
    assertThat(store.skip(e.id(), "run failed").status()).isEqualTo(ExecutionStatus.SKIPPED);
  }

  @Test
  void unknownIdsAndDuplicatesAreReported() {
    assertThatThrownBy(() -> store.run("nope"))
        .isInstanceOf(NotFoundException.class)
        .hasMessage("no run nope in the lineage store");
    assertThatThrownBy(() -> store.start("nope", "process", null))
        .isInstanceOf(NotFoundException.class)
        .hasMessage("no execution nope in the lineage store");
    assertThatThrownBy(() -> store.createExecution(NewExecution.of("nope", "a", "a")))
        .isInstanceOf(NotFoundException.class);
    RunRecord run = store.createRun(NewRun.of("p"));
    ExecutionRecord e = store.createExecution(NewExecution.of(run.id(), "a", "a"));
    assertThatThrownBy(() -> store.createExecution(NewExecution.of(run.id(), "a", "b")))
        .isInstanceOf(LineageStoreException.class)
        .hasMessage("run " + run.id() + " already has a node named \"a\"");
    store.recordParameters(e.id(), List.of(ParameterValue.of("x", 1, "integer")));
    assertThatThrownBy(
            () -> store.recordParameters(e.id(), List.of(ParameterValue.of("x", 2, "integer"))))
        .hasMessage(
            "run "
                + run.id()
                + " node \"a\" (execution "
                + e.id()
                + "): parameter \"x\" is recorded twice");
    assertThatThrownBy(
            () ->
                store.recordInputs(
                    e.id(),
                    List.of(InputFile.fromUpstream("in", "datum://x", "x", 1, null, "ghost"))))
        .isInstanceOf(NotFoundException.class)
        .hasMessageEndingWith(
            "input \"in\" names producing execution ghost, which the store does not know");
    assertThatThrownBy(() -> store.lineage("datum://" + "0".repeat(64), Direction.UP, 1))
        .isInstanceOf(NotFoundException.class)
        .hasMessage(
            "no execution wrote or read datum://"
                + "0".repeat(64)
                + " according to the lineage store");
  }

  @Test
  void aCrashedRunCanBeFoundAndResumed() {
    RunRecord done = store.createRun(NewRun.of("p"));
    store.transitionRun(done.id(), RunEvent.START);
    store.transitionRun(done.id(), RunEvent.SUCCEED);
    RunRecord waiting = store.createRun(NewRun.of("p"));
    RunRecord crashed = store.createRun(NewRun.of("p"));
    store.transitionRun(crashed.id(), RunEvent.START);
    ExecutionRecord a = store.createExecution(NewExecution.of(crashed.id(), "a", "a"));
    ExecutionRecord b = store.createExecution(NewExecution.of(crashed.id(), "b", "b"));
    ExecutionRecord c = store.createExecution(NewExecution.of(crashed.id(), "c", "c"));
    store.start(a.id(), "process", "cpu");
    store.succeed(a.id(), 0);
    store.start(b.id(), "process", "cpu");
    store.appendLogs(b.id(), List.of(new NewLogLine(LogStream.STDOUT, Instant.now(), "half way")));
    store.queue(c.id());

    // The orchestrator dies here. A new one asks what to pick up.
    assertThat(store.unfinishedRuns())
        .extracting(RunRecord::id)
        .containsExactly(waiting.id(), crashed.id());
    assertThat(store.executions(crashed.id(), Set.of(ExecutionStatus.RUNNING)))
        .extracting(ExecutionRecord::id)
        .containsExactly(b.id());
    assertThat(
            store.executions(crashed.id(), Set.of(ExecutionStatus.QUEUED, ExecutionStatus.RUNNING)))
        .extracting(ExecutionRecord::nodeName)
        .containsExactlyInAnyOrder("b", "c");

    List<ExecutionRecord> reset = store.markInterrupted(crashed.id());
    assertThat(reset).extracting(ExecutionRecord::id).containsExactly(b.id());
    assertThat(reset.get(0).status()).isEqualTo(ExecutionStatus.QUEUED);
    assertThat(store.executions(crashed.id(), Set.of(ExecutionStatus.RUNNING))).isEmpty();
    assertThat(store.markInterrupted(crashed.id())).isEmpty();

    store.transitionRun(crashed.id(), RunEvent.RESUME);
    ExecutionRecord again = store.start(b.id(), "process", "cpu");
    assertThat(again.attempt()).isEqualTo(2);
    assertThat(store.logLines(b.id(), 0, 10)).hasSize(1);
    assertThat(store.events(crashed.id()))
        .filteredOn(ev -> b.id().equals(ev.executionId()) && ev.event().equals("INTERRUPT"))
        .singleElement()
        .satisfies(
            ev -> assertThat(ev.detail()).isEqualTo("orchestrator stopped during attempt 1"));
  }

  @Test
  void stoppingARunStopsItsUnfinishedExecutions() {
    RunRecord run = store.createRun(NewRun.of("p"));
    store.transitionRun(run.id(), RunEvent.START);
    ExecutionRecord done = store.createExecution(NewExecution.of(run.id(), "done", "s"));
    ExecutionRecord running = store.createExecution(NewExecution.of(run.id(), "running", "s"));
    ExecutionRecord waiting = store.createExecution(NewExecution.of(run.id(), "waiting", "s"));
    store.start(done.id(), "process", null);
    store.succeed(done.id(), 0);
    store.start(running.id(), "process", null);

    RunRecord stopped = store.stopRun(run.id(), "stopped by user");

    assertThat(stopped.status()).isEqualTo(RunStatus.STOPPED);
    assertThat(store.execution(done.id()).status()).isEqualTo(ExecutionStatus.SUCCEEDED);
    assertThat(store.execution(running.id()).status()).isEqualTo(ExecutionStatus.STOPPED);
    assertThat(store.execution(running.id()).errorMessage()).isEqualTo("stopped by user");
    assertThat(store.execution(waiting.id()).status()).isEqualTo(ExecutionStatus.STOPPED);
    assertThat(store.unfinishedRuns()).isEmpty();

    // A stopped run can be resumed and a stopped node retried.
    store.transitionRun(run.id(), RunEvent.RESUME);
    assertThat(store.run(run.id()).finishedAt()).isNull();
    ExecutionRecord retried =
        store.transitionExecution(running.id(), ExecutionEvent.RETRY, ExecutionUpdate.NONE);
    assertThat(retried.status()).isEqualTo(ExecutionStatus.QUEUED);
    assertThat(retried.finishedAt()).isNull();
  }

  @Test
  void aTaskNodeHasTrialsEachItsOwnExecution() {
    RunRecord run = store.createRun(NewRun.of("p"));
    store.transitionRun(run.id(), RunEvent.START);
    ExecutionRecord task = store.createExecution(NewExecution.of(run.id(), "train", "train"));
    ExecutionRecord other = store.createExecution(NewExecution.of(run.id(), "detect", "detect"));
    ExecutionRecord t1 = store.createExecution(NewExecution.trialOf(task, 1));
    ExecutionRecord t2 = store.createExecution(NewExecution.trialOf(task, 2));

    assertThat(t1.isTrial()).isTrue();
    assertThat(t1.parentId()).isEqualTo(task.id());
    assertThat(store.execution(t2.id()).trial()).isEqualTo(2);
    assertThat(store.execution(t2.id()).parentId()).isEqualTo(task.id());
    // A run's executions are its nodes'; a node's trials are listed by the task's execution.
    assertThat(store.executions(run.id(), Set.of()))
        .extracting(ExecutionRecord::id)
        .containsExactly(task.id(), other.id());
    assertThat(store.trials(task.id()))
        .extracting(ExecutionRecord::trial)
        .containsExactly(1, 2);
    assertThat(store.trials(other.id())).isEmpty();
    assertThat(store.findExecution(run.id(), "train")).map(ExecutionRecord::id).contains(task.id());

    assertThatThrownBy(() -> store.createExecution(NewExecution.trialOf(task, 2)))
        .isInstanceOf(LineageStoreException.class)
        .hasMessage("node \"train\" of run " + run.id() + " already has trial 2");
    assertThatThrownBy(() -> store.createExecution(NewExecution.trialOf(t1, 1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("is itself a trial");
    assertThatThrownBy(
            () ->
                store.createExecution(
                    new NewExecution(run.id(), "detect", "detect", null, null, task.id(), 1)))
        .isInstanceOf(LineageStoreException.class)
        .hasMessageContaining("is not the task execution of node \"detect\"");

    // Trials are executions like any other: parameters, their own states.
    store.recordParameters(t1.id(), List.of(ParameterValue.of("lr", 0.01, "float")));
    store.recordParameters(t2.id(), List.of(ParameterValue.of("lr", 0.05, "float")));
    store.start(task.id(), "djl", null);
    store.start(t1.id(), "djl", "cpu");
    store.succeed(t1.id(), 0);
    store.start(t2.id(), "djl", "cpu");
    assertThat(store.executionDetail(t1.id()).parameters())
        .extracting(ParameterValue::valueJson)
        .containsExactly("0.01");

    // The spec is written once; the best trial must be one of the task's.
    assertThat(store.tuningSpec(task.id())).isEmpty();
    assertThatThrownBy(() -> store.recordBestTrial(task.id(), t1.id()))
        .hasMessageContaining("has no tuning spec");
    store.recordTuningSpec(task.id(), "{\"maxTrials\":2}");
    assertThat(store.tuningSpec(task.id())).contains("{\"maxTrials\":2}");
    assertThatThrownBy(() -> store.recordTuningSpec(task.id(), "{}"))
        .hasMessageContaining("already has a tuning spec");
    assertThat(store.bestTrial(task.id())).isEmpty();
    store.recordBestTrial(task.id(), t1.id());
    assertThat(store.bestTrial(task.id())).contains(t1.id());
    assertThatThrownBy(() -> store.recordBestTrial(task.id(), other.id()))
        .hasMessage("execution " + other.id() + " is not a trial of " + task.id());

    // A crash puts running trials back to QUEUED with the task; stopping the run stops them.
    assertThat(store.markInterrupted(run.id()))
        .extracting(ExecutionRecord::id)
        .containsExactlyInAnyOrder(task.id(), t2.id());
    store.stopRun(run.id(), "stopped by user");
    assertThat(store.execution(t2.id()).status()).isEqualTo(ExecutionStatus.STOPPED);
    assertThat(store.execution(t1.id()).status()).isEqualTo(ExecutionStatus.SUCCEEDED);
  }

  @Test
  void reuseCopiesOutputsAndLinksTheSource() throws Exception {
    ArtifactRef model = artifact("model.bin", "model");
    RunRecord first = store.createRun(NewRun.of("p"));
    store.transitionRun(first.id(), RunEvent.START);
    ExecutionRecord original =
        store.createExecution(NewExecution.of(first.id(), "train", "train").withCacheKey("k1"));
    store.start(original.id(), "djl", "cpu");
    store.recordOutputs(original.id(), List.of(output("model/model.bin", model)));
    store.succeed(original.id(), 0);
    assertThat(store.findReusable("k1")).map(ExecutionRecord::id).contains(original.id());
    assertThat(store.findReusable("k2")).isEmpty();

    RunRecord second = store.createRun(NewRun.of("p"));
    store.transitionRun(second.id(), RunEvent.START);
    ExecutionRecord copy =
        store.createExecution(NewExecution.of(second.id(), "train", "train").withCacheKey("k1"));
    ExecutionRecord reused = store.markReused(copy.id(), original.id());

    assertThat(reused.status()).isEqualTo(ExecutionStatus.REUSED);
    ExecutionDetail detail = store.runDetail(second.id()).node("train").orElseThrow();
    assertThat(detail.reusedFromExecutionId()).isEqualTo(original.id());
    assertThat(detail.outputs()).containsExactly(output("model/model.bin", model));

    ExecutionRecord failed = store.createExecution(NewExecution.of(second.id(), "x", "x"));
    store.start(failed.id(), "process", null);
    store.fail(failed.id(), 1, "boom");
    ExecutionRecord other = store.createExecution(NewExecution.of(second.id(), "y", "x"));
    assertThatThrownBy(() -> store.markReused(other.id(), failed.id()))
        .isInstanceOf(LineageStoreException.class)
        .hasMessageEndingWith("it is FAILED; only SUCCEEDED or REUSED executions can be reused");
  }

  @Test
  void lineageWalksUpAndDownAcrossRuns() throws Exception {
    ArtifactRef raw = artifact("coco.json", "raw labels");
    ArtifactRef darknet = artifact("yolov3.weights", "darknet weights");
    ArtifactRef tfrecord = artifact("train.tfrecord", "records");
    ArtifactRef initial = artifact("init.params", "initial model");
    ArtifactRef model = artifact("model.params", "trained model");
    ArtifactRef boxes = artifact("boxes.json", "detections");

    // Run 1: convert and weights.
    RunRecord run1 = store.createRun(NewRun.of("prepare"));
    store.transitionRun(run1.id(), RunEvent.START);
    ExecutionRecord convert =
        store.createExecution(NewExecution.of(run1.id(), "convert", "convert-labels"));
    store.recordInputs(
        convert.id(),
        List.of(
            new InputFile(
                "labels",
                "s3://bucket/coco.json",
                "coco.json",
                raw.size(),
                raw.sha256(),
                null,
                null)));
    store.start(convert.id(), "beam", "cpu");
    store.recordOutputs(convert.id(), List.of(output("train.tfrecord", tfrecord)));
    store.succeed(convert.id(), 0);
    ExecutionRecord weights =
        store.createExecution(NewExecution.of(run1.id(), "weights", "weights"));
    store.recordInputs(
        weights.id(),
        List.of(
            new InputFile(
                "darknet",
                "https://pjreddie.com/yolov3.weights",
                "yolov3.weights",
                null,
                null,
                null,
                null)));
    store.start(weights.id(), "djl", "cpu");
    store.recordOutputs(weights.id(), List.of(output("init.params", initial)));
    store.succeed(weights.id(), 0);
    store.transitionRun(run1.id(), RunEvent.SUCCEED);

    // Run 2: train on run 1's outputs, then detect.
    RunRecord run2 = store.createRun(NewRun.of("train"));
    store.transitionRun(run2.id(), RunEvent.START);
    ExecutionRecord train = store.createExecution(NewExecution.of(run2.id(), "train", "train"));
    store.recordInputs(
        train.id(),
        List.of(
            InputFile.fromUpstream(
                "train",
                tfrecord.datumId(),
                "train.tfrecord",
                tfrecord.size(),
                tfrecord.sha256(),
                convert.id()),
            InputFile.fromUpstream(
                "model",
                initial.datumId(),
                "init.params",
                initial.size(),
                initial.sha256(),
                weights.id())));
    store.start(train.id(), "djl", "cuda:0");
    store.recordOutputs(train.id(), List.of(output("model/model.params", model)));
    store.succeed(train.id(), 0);
    ExecutionRecord detect = store.createExecution(NewExecution.of(run2.id(), "detect", "detect"));
    store.recordInputs(
        detect.id(),
        List.of(
            InputFile.fromUpstream(
                "model",
                model.datumId(),
                "model.params",
                model.size(),
                model.sha256(),
                train.id())));
    store.start(detect.id(), "djl", "cuda:0");
    store.recordOutputs(detect.id(), List.of(output("boxes.json", boxes)));
    store.succeed(detect.id(), 0);

    String trainNode = LineageNode.ExecutionNode.idOf(train.id());
    String convertNode = LineageNode.ExecutionNode.idOf(convert.id());
    String weightsNode = LineageNode.ExecutionNode.idOf(weights.id());
    String detectNode = LineageNode.ExecutionNode.idOf(detect.id());

    // How was this model made? One hop: the training and what it read.
    LineageGraph up1 = store.lineage(model.datumId(), Direction.UP, 1);
    assertThat(up1.rootId()).isEqualTo(model.datumId());
    assertThat(up1.nodes())
        .extracting(LineageNode::id)
        .containsExactly(model.datumId(), trainNode, tfrecord.datumId(), initial.datumId());
    assertThat(up1.edges())
        .containsExactlyInAnyOrder(
            new LineageEdge(
                trainNode, model.datumId(), LineageEdge.Kind.OUTPUT, "model/model.params"),
            new LineageEdge(tfrecord.datumId(), trainNode, LineageEdge.Kind.INPUT, "train"),
            new LineageEdge(initial.datumId(), trainNode, LineageEdge.Kind.INPUT, "model"));
    LineageNode.ExecutionNode trainInGraph = up1.executions().get(0);
    assertThat(trainInGraph.runId()).isEqualTo(run2.id());
    assertThat(trainInGraph.pipeline()).isEqualTo("train");
    assertThat(trainInGraph.status()).isEqualTo(ExecutionStatus.SUCCEEDED);

    // Two hops: across into run 1, down to the raw inputs (one never hashed).
    LineageGraph up2 = store.lineage(model.sha256(), Direction.UP, 2);
    assertThat(up2.executions())
        .extracting(LineageNode.ExecutionNode::nodeName)
        .containsExactly("train", "convert", "weights");
    assertThat(up2.node(raw.datumId())).isPresent();
    assertThat(up2.node("uri:https://pjreddie.com/yolov3.weights"))
        .get()
        .isInstanceOfSatisfying(
            LineageNode.ArtifactNode.class, a -> assertThat(a.name()).isEqualTo("yolov3.weights"));
    assertThat(up2.edges())
        .contains(
            new LineageEdge(
                convertNode, tfrecord.datumId(), LineageEdge.Kind.OUTPUT, "train.tfrecord"),
            new LineageEdge(weightsNode, initial.datumId(), LineageEdge.Kind.OUTPUT, "init.params"),
            new LineageEdge(raw.datumId(), convertNode, LineageEdge.Kind.INPUT, "labels"));
    assertThat(store.lineage(model.datumId(), Direction.UP, 10))
        .isEqualTo(new LineageGraph(model.datumId(), Direction.UP, 10, up2.nodes(), up2.edges()));

    // What used this data? From the raw labels down to the detections.
    LineageGraph down1 = store.lineage(raw.datumId(), Direction.DOWN, 1);
    assertThat(down1.nodes())
        .extracting(LineageNode::id)
        .containsExactly(raw.datumId(), convertNode, tfrecord.datumId());
    LineageGraph down3 = store.lineage(raw.datumId(), Direction.DOWN, 3);
    assertThat(down3.nodes())
        .extracting(LineageNode::id)
        .containsExactly(
            raw.datumId(),
            convertNode,
            tfrecord.datumId(),
            trainNode,
            model.datumId(),
            detectNode,
            boxes.datumId());
    assertThat(down3.edges())
        .contains(
            new LineageEdge(tfrecord.datumId(), trainNode, LineageEdge.Kind.INPUT, "train"),
            new LineageEdge(detectNode, boxes.datumId(), LineageEdge.Kind.OUTPUT, "boxes.json"));

    JsonNode json = new ObjectMapper().readTree(down3.toJson());
    assertThat(json.at("/nodes/1/kind").asText()).isEqualTo("execution");
    assertThat(json.at("/nodes/2/kind").asText()).isEqualTo("artifact");
    assertThat(json.at("/direction").asText()).isEqualTo("DOWN");
  }

  @Test
  void runsOfACommitAreFoundByPipelineRepositoryAndSha() {
    CommitInfo a = new CommitInfo("/repos/app", "main", "a".repeat(40), "Ann <a@x>", "one", false);
    CommitInfo b = new CommitInfo("/repos/app", "main", "b".repeat(40), "Ann <a@x>", "two", false);
    RunRecord first = store.createRun(NewRun.of("train").withCommit(a));
    store.createRun(NewRun.of("train").withCommit(b));
    store.createRun(NewRun.of("other").withCommit(a));
    store.createRun(
        NewRun.of("train").withCommit(new CommitInfo("/repos/fork", "main", a.sha(), null, null, false)));
    store.createRun(NewRun.of("train"));
    RunRecord second = store.createRun(NewRun.of("train").withCommit(a));

    assertThat(store.runsOfCommit("train", "/repos/app", a.sha()))
        .extracting(RunRecord::id)
        .containsExactly(second.id(), first.id());
    assertThat(store.runsOfCommit("train", "/repos/app", a.sha()).get(0).commit()).isEqualTo(a);
    assertThat(store.runsOfCommit("train", "/repos/app", "c".repeat(40))).isEmpty();
    assertThat(store.runsOfCommit("evaluate", "/repos/app", a.sha())).isEmpty();
  }

  @Test
  void runsAreListedNewestFirstInPages() {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      RunRecord run = store.createRun(NewRun.of(i % 2 == 0 ? "even" : "odd"));
      ids.add(run.id());
      if (i % 3 == 0) {
        store.transitionRun(run.id(), RunEvent.START);
      }
    }
    List<String> newestFirst = new ArrayList<>(ids);
    java.util.Collections.reverse(newestFirst);

    Page<RunRecord> first = store.listRuns(RunQuery.newest().page(0, 3));
    assertThat(first.total()).isEqualTo(7);
    assertThat(first.hasMore()).isTrue();
    assertThat(first.items())
        .extracting(RunRecord::id)
        .containsExactlyElementsOf(newestFirst.subList(0, 3));
    Page<RunRecord> last = store.listRuns(RunQuery.newest().page(6, 3));
    assertThat(last.items()).extracting(RunRecord::id).containsExactly(ids.get(0));
    assertThat(last.hasMore()).isFalse();

    Page<RunRecord> even = store.listRuns(RunQuery.newest().withPipeline("even"));
    assertThat(even.items())
        .extracting(RunRecord::id)
        .containsExactly(ids.get(6), ids.get(4), ids.get(2), ids.get(0));
    Page<RunRecord> running = store.listRuns(RunQuery.newest().withStatus(RunStatus.RUNNING));
    assertThat(running.items())
        .extracting(RunRecord::id)
        .containsExactly(ids.get(6), ids.get(3), ids.get(0));
    assertThat(
            store
                .listRuns(RunQuery.newest().withPipeline("even").withStatus(RunStatus.RUNNING))
                .total())
        .isEqualTo(2);
    assertThat(store.listRuns(RunQuery.newest().withPipeline("none")).items()).isEmpty();
  }

  @Test
  void logsAndMetadataArePagedAfterASequenceNumber() {
    RunRecord run = store.createRun(NewRun.of("p"));
    store.transitionRun(run.id(), RunEvent.START);
    ExecutionRecord e = store.createExecution(NewExecution.of(run.id(), "train", "train"));
    store.start(e.id(), "djl", "cpu");
    Instant t = Instant.parse("2026-01-01T00:00:00Z");
    List<NewLogLine> lines = new ArrayList<>();
    List<NewMetadata> entries = new ArrayList<>();
    for (int i = 1; i <= 2500; i++) {
      lines.add(
          new NewLogLine(
              i % 2 == 0 ? LogStream.STDERR : LogStream.STDOUT, t.plusMillis(i), "line " + i));
      entries.add(
          new NewMetadata(
              t.plusMillis(i), "{\"step\": " + i + ", \"acc\": 0.5, \"epoch\": \"not a number\"}"));
    }
    assertThat(store.appendLogs(e.id(), lines.subList(0, 1000))).isEqualTo(1000);
    assertThat(store.appendLogs(e.id(), lines.subList(1000, 2500))).isEqualTo(2500);
    assertThat(store.appendMetadata(e.id(), entries)).isEqualTo(2500);

    List<LogLine> page = store.logLines(e.id(), 1000, 200);
    assertThat(page).hasSize(200);
    assertThat(page.get(0))
        .isEqualTo(new LogLine(1001, LogStream.STDOUT, t.plusMillis(1001), "line 1001"));
    assertThat(page.get(199).seq()).isEqualTo(1200);
    assertThat(store.logLines(e.id(), 2500, 10)).isEmpty();

    List<MetadataEntry> metadata = store.metadata(e.id(), 2490, 100);
    assertThat(metadata)
        .extracting(MetadataEntry::seq)
        .containsExactly(2491L, 2492L, 2493L, 2494L, 2495L, 2496L, 2497L, 2498L, 2499L, 2500L);
    assertThat(metadata.get(0).step()).isEqualTo(2491.0);
    assertThat(metadata.get(0).epoch()).isNull();

    String huge = "x".repeat(LineageStore.MAX_LOG_LINE_CHARS + 10);
    long seq = store.appendLogs(e.id(), List.of(new NewLogLine(LogStream.STDOUT, t, huge)));
    assertThat(store.logLines(e.id(), seq - 1, 1).get(0).text())
        .hasSize(LineageStore.MAX_LOG_LINE_CHARS + " … [line cut: 10 more characters]".length())
        .endsWith(" … [line cut: 10 more characters]");

    assertThatThrownBy(() -> new NewMetadata(t, "[1, 2]"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("metadata entry must be a JSON object, got ARRAY: '[1, 2]'");
  }

  @Test
  void racingOrchestratorsCannotBothStartANode() throws Exception {
    RunRecord run = store.createRun(NewRun.of("p"));
    store.transitionRun(run.id(), RunEvent.START);
    for (int round = 0; round < 5; round++) {
      ExecutionRecord e = store.createExecution(NewExecution.of(run.id(), "n" + round, "s"));
      int threads = 6;
      java.util.concurrent.CyclicBarrier barrier = new java.util.concurrent.CyclicBarrier(threads);
      java.util.concurrent.ExecutorService pool =
          java.util.concurrent.Executors.newFixedThreadPool(threads);
      try {
        List<java.util.concurrent.Future<String>> results = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
          results.add(
              pool.submit(
                  () -> {
                    barrier.await();
                    try {
                      store.start(e.id(), "process", "cpu");
                      return "started";
                    } catch (LineageStoreException rejected) {
                      return "rejected";
                    }
                  }));
        }
        List<String> outcomes = new ArrayList<>();
        for (var result : results) {
          outcomes.add(result.get());
        }
        assertThat(outcomes).filteredOn("started"::equals).hasSize(1);
      } finally {
        pool.shutdownNow();
      }
      assertThat(store.execution(e.id()).attempt()).isEqualTo(1);
      assertThat(store.events(run.id()))
          .filteredOn(ev -> e.id().equals(ev.executionId()) && ev.event().equals("START"))
          .hasSize(1);
    }
  }

  @Test
  void stdoutAndStderrPumpsCanAppendAtTheSameTime() throws Exception {
    RunRecord run = store.createRun(NewRun.of("p"));
    store.transitionRun(run.id(), RunEvent.START);
    ExecutionRecord e = store.createExecution(NewExecution.of(run.id(), "n", "s"));
    store.start(e.id(), "process", "cpu");
    java.util.concurrent.ExecutorService pool =
        java.util.concurrent.Executors.newFixedThreadPool(2);
    try {
      List<java.util.concurrent.Future<?>> pumps = new ArrayList<>();
      for (LogStream stream : LogStream.values()) {
        pumps.add(
            pool.submit(
                () -> {
                  for (int i = 0; i < 50; i++) {
                    store.appendLogs(
                        e.id(),
                        List.of(
                            new NewLogLine(stream, Instant.now(), stream + " " + i),
                            new NewLogLine(stream, Instant.now(), stream + " " + i + "b")));
                  }
                  return null;
                }));
      }
      for (var pump : pumps) {
        pump.get();
      }
    } finally {
      pool.shutdownNow();
    }
    List<LogLine> lines = store.logLines(e.id(), 0, 1000);
    assertThat(lines)
        .extracting(LogLine::seq)
        .containsExactlyElementsOf(
            java.util.stream.LongStream.rangeClosed(1, 200).boxed().toList());
    assertThat(lines).filteredOn(l -> l.stream() == LogStream.STDERR).hasSize(100);
  }

  @Test
  void eventsCanBePolledAfterTheLastOneSeen() {
    RunRecord run = store.createRun(NewRun.of("p"));
    store.transitionRun(run.id(), RunEvent.START);
    List<EventRecord> first = store.events(run.id(), 0, 10);
    assertThat(first).extracting(EventRecord::event).containsExactly("CREATE", "START");
    long last = first.get(1).id();
    assertThat(store.events(run.id(), last, 10)).isEmpty();
    store.transitionRun(run.id(), RunEvent.SUCCEED);
    assertThat(store.events(run.id(), last, 10))
        .singleElement()
        .satisfies(ev -> assertThat(ev.toStatus()).isEqualTo("SUCCEEDED"));
    assertThat(store.events(run.id(), 0, 1)).hasSize(1);
  }

  @Test
  void whatIsWrittenSurvivesReopening() throws Exception {
    RunRecord run = store.createRun(NewRun.of("p").withParamsJson("{\"lr\": 0.001}"));
    ExecutionRecord e = store.createExecution(NewExecution.of(run.id(), "a", "a"));
    store.close();
    store = LineageStore.open(config(home));
    assertThat(store.run(run.id())).isEqualTo(run);
    assertThat(store.execution(e.id())).isEqualTo(e);
  }
}
