package dev.kiln.runner.git;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.lineage.LineageStore;
import dev.kiln.lineage.StoreConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where a commit's pipeline comes from: its valohai.yaml, or a DSL pipeline named in kiln.yaml. */
class CommitRunnerTest {
  @TempDir Path dir;
  LineageStore store;
  CommitRunner runner;

  @BeforeEach
  void open() {
    store = LineageStore.open(StoreConfig.ofHome(dir.resolve("home")));
    runner =
        new CommitRunner(
            store,
            wd -> {
              throw new AssertionError("loading runs nothing");
            },
            line -> {});
  }

  @AfterEach
  void close() {
    store.close();
  }

  Path checkout(String... namesAndTexts) throws Exception {
    Path c = Files.createDirectories(dir.resolve("checkout"));
    for (int i = 0; i < namesAndTexts.length; i += 2) {
      Files.writeString(c.resolve(namesAndTexts[i]), namesAndTexts[i + 1]);
    }
    return c;
  }

  @Test
  void kilnYamlNamesABuiltInDslPipeline() throws Exception {
    Path c =
        checkout(
            "kiln.yaml",
            """
            # the reference pipeline, on the labels committed with the code
            pipeline: train-superbai
            inputs:
              convert-superbai.labels: data/labels
            params:
              train.epochs: 1
            """);
    CommitRunner.Loaded loaded = runner.load(c, "train-superbai");
    assertThat(loaded).isInstanceOf(CommitRunner.Loaded.Ready.class);
    CommitRunner.Loaded.Ready ready = (CommitRunner.Loaded.Ready) loaded;
    assertThat(ready.source()).isEqualTo("dsl:train-superbai");
    assertThat(ready.plan().pipeline().name()).isEqualTo("train-superbai");
    assertThat(ready.inputs()).isEqualTo(Map.of("convert-superbai.labels", List.of("data/labels")));
    assertThat(ready.params()).isEqualTo(Map.of("train.epochs", List.of("1")));
  }

  @Test
  void withoutKilnYamlTheValohaiYamlIsRead() throws Exception {
    Path c = checkout("valohai.yaml", GitRepos.VALOHAI_YAML);
    CommitRunner.Loaded loaded = runner.load(c, "ci");
    assertThat(loaded).isInstanceOf(CommitRunner.Loaded.Ready.class);
    assertThat(((CommitRunner.Loaded.Ready) loaded).source())
        .isEqualTo(c.resolve("valohai.yaml").toString());
  }

  @Test
  void problemsAreNamedWithHints() throws Exception {
    Path c = checkout("kiln.yaml", "pipeline: train-superbia\n");
    assertThat(runner.load(c, "train-superbia"))
        .isInstanceOfSatisfying(
            CommitRunner.Loaded.Invalid.class,
            i ->
                assertThat(i.detail())
                    .startsWith(
                        "kiln.yaml names the DSL pipeline \"train-superbia\" but no step library")
                    .endsWith("did you mean \"train-superbai\"?"));
    Files.writeString(c.resolve("kiln.yaml"), "pipelines: [x]\n");
    assertThat(runner.load(c, "x"))
        .isInstanceOfSatisfying(
            CommitRunner.Loaded.Invalid.class,
            i ->
                assertThat(i.detail())
                    .isEqualTo(
                        "kiln.yaml has errors:\n  unknown key \"pipelines\" (known: pipeline,"
                            + " dsl-pipelines, valohai-yaml, params, inputs); did you mean"
                            + " \"pipeline\"?"));
    Files.delete(c.resolve("kiln.yaml"));
    assertThat(runner.load(c, "ci"))
        .isInstanceOfSatisfying(
            CommitRunner.Loaded.Invalid.class,
            i ->
                assertThat(i.detail())
                    .isEqualTo(
                        "no valohai.yaml in the commit (and no kiln.yaml naming a DSL pipeline"
                            + " \"ci\")"));
    Files.writeString(c.resolve("valohai.yaml"), GitRepos.VALOHAI_YAML);
    assertThat(runner.load(c, "cd"))
        .isInstanceOfSatisfying(
            CommitRunner.Loaded.Invalid.class,
            i ->
                assertThat(i.detail())
                    .isEqualTo(
                        "valohai.yaml has no pipeline \"cd\" (known: ci); did you mean \"ci\"?"));
  }
}
