package dev.kiln.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.lineage.LineageStore;
import dev.kiln.lineage.StoreConfig;
import dev.kiln.lineage.model.ExecutionRecord;
import dev.kiln.lineage.model.NewExecution;
import dev.kiln.lineage.model.NewRun;
import dev.kiln.lineage.model.OutputFile;
import dev.kiln.lineage.model.RunRecord;
import dev.kiln.pipelines.spi.ModelLoaders;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** --model REF: a folder, a datum:// of a model output's file, RUN_ID/NODE. */
class ModelRefTest {
  @TempDir static Path tmp;
  static Path model;
  static StoreConfig config;
  static String runId;
  static String executionId;
  static String paramsDatum;
  static String metricsDatum;
  static final ModelLoaders LOADERS = ModelLoaders.load();

  @BeforeAll
  static void store() throws Exception {
    model = TestModels.detector(tmp.resolve("train-out/model"));
    config = StoreConfig.ofHome(tmp.resolve("home"));
    try (LineageStore s = LineageStore.open(config)) {
      RunRecord run = s.createRun(NewRun.of("detector"));
      ExecutionRecord e = s.createExecution(NewExecution.of(run.id(), "train", "train"));
      List<OutputFile> outs = new ArrayList<>();
      try (Stream<Path> files = Files.list(model)) {
        for (Path f : files.sorted().toList()) {
          OutputFile o = OutputFile.of("model/" + f.getFileName(), s.artifacts().put(f));
          outs.add(o);
          if (f.getFileName().toString().equals("detector.params")) {
            paramsDatum = o.datumId();
          }
        }
      }
      Path metrics = tmp.resolve("metrics.json");
      Files.writeString(metrics, "{\"loss\": 1}", StandardCharsets.UTF_8);
      OutputFile m = OutputFile.of("metrics.json", s.artifacts().put(metrics));
      metricsDatum = m.datumId();
      outs.add(m);
      s.recordOutputs(e.id(), outs);
      runId = run.id();
      executionId = e.id();
    }
  }

  static Supplier<LineageStore> opener() {
    return () -> LineageStore.open(config);
  }

  @Test
  void aRunAndNodeIsThatNodesModelOutput() throws Exception {
    Path temp;
    try (ModelRef ref = ModelRef.resolve(runId + "/train", opener(), LOADERS)) {
      assertThat(ref.name()).isEqualTo("train");
      assertThat(ref.version()).isEqualTo(executionId);
      assertThat(ref.description()).isEqualTo("output model/ of node train (execution "
          + executionId + ", run " + runId + ")");
      assertThat(Files.readAllBytes(ref.dir().resolve("detector.params")))
          .isEqualTo(Files.readAllBytes(model.resolve("detector.params")));
      assertThat(LOADERS.forFolder(ref.dir())).isPresent();
      temp = ref.dir();
    }
    assertThat(temp).doesNotExist();
  }

  @Test
  void aDatumOfAnyFileOfTheModelOutputIsTheWholeFolder() throws Exception {
    try (ModelRef ref = ModelRef.resolve(paramsDatum, opener(), LOADERS)) {
      assertThat(ref.version()).isEqualTo(executionId);
      try (Stream<Path> files = Files.list(ref.dir())) {
        assertThat(files.map(p -> p.getFileName().toString()).sorted())
            .containsExactly("classes.txt", "detector.cfg", "detector.json", "detector.params");
      }
    }
    assertThatThrownBy(() -> ModelRef.resolve(metricsDatum, opener(), LOADERS))
        .hasMessageStartingWith("--model " + metricsDatum + ": execution " + executionId
            + " (node train) has no model output in its outputs folder that a loader reads"
            + " (artifact types: kiln-darknet-detector; outputs: [");
    String unknown = "datum://" + "ab".repeat(32);
    assertThatThrownBy(() -> ModelRef.resolve(unknown, opener(), LOADERS))
        .hasMessage("--model " + unknown + ": no execution wrote or read " + unknown
            + " according to the lineage store; give the model folder or RUN_ID/NODE");
  }

  @Test
  void foldersAndMistakes() {
    try (ModelRef ref = ModelRef.resolve(model.toString(), () -> {
      throw new AssertionError("a folder needs no store");
    }, LOADERS)) {
      assertThat(ref.dir()).isEqualTo(model.toAbsolutePath());
      assertThat(ref.name()).isEqualTo("train-out");
      assertThat(ref.version()).isEqualTo("1");
    }
    try (ModelRef ref = ModelRef.resolve(model.getParent().toString(), () -> null, LOADERS)) {
      assertThat(ref.dir()).isEqualTo(model.toAbsolutePath());
    }
    assertThatThrownBy(() -> ModelRef.resolve(tmp.resolve("home").toString(), () -> null,
        LOADERS)).hasMessage(tmp.resolve("home").toAbsolutePath() + " is not a model folder any"
            + " loader reads (artifact types known: kiln-darknet-detector)");
    assertThatThrownBy(() -> ModelRef.resolve(runId + "/nope", opener(), LOADERS))
        .hasMessage("--model " + runId + "/nope: no node \"nope\" in run " + runId
            + " (kiln show " + runId + " lists its nodes)");
    assertThatThrownBy(() -> ModelRef.resolve("no-such-thing", opener(), LOADERS))
        .hasMessage("--model no-such-thing: not a folder, a datum:// or RUN_ID/NODE");
  }
}
