package dev.kiln.runner.exec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.pipelines.ParamValue;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExecutionDirectoryTest {
  @TempDir Path tmp;

  @Test
  void laysOutTheValohaiContract() throws IOException {
    Path src = Files.writeString(tmp.resolve("labels.json"), "{}");
    ExecutionDirectory dir = ExecutionDirectory.create(tmp.resolve("exec"));
    dir.placeInputs(
        Map.of(
            "labels",
            List.of(
                new InputFile(
                    "sub/labels.json", src, "datum://abc", 2, "44136fa3", Optional.of("datum://abc"),
                    Optional.of("exec-1")))));
    Map<String, ParamValue> params = new LinkedHashMap<>();
    params.put("epochs", ParamValue.of(3));
    params.put("lr", ParamValue.of(0.01));
    params.put("name", ParamValue.of("x y"));
    params.put("flag", ParamValue.of(true));
    params.put("ids", ParamValue.list(List.of(ParamValue.of(1), ParamValue.of(2))));
    dir.writeParameters(params);

    assertThat(dir.inputDir("labels").resolve("sub/labels.json")).hasContent("{}");
    assertThat(dir.outputsDir()).isDirectory();
    ObjectMapper json = new ObjectMapper();
    JsonNode p = json.readTree(dir.configDir().resolve("parameters.json").toFile());
    assertThat(p.toString())
        .isEqualTo("{\"epochs\":3,\"lr\":0.01,\"name\":\"x y\",\"flag\":true,\"ids\":[1,2]}");
    JsonNode in = json.readTree(dir.configDir().resolve("inputs.json").toFile());
    JsonNode file = in.get("labels").get("files").get(0);
    assertThat(file.get("name").asText()).isEqualTo("labels.json");
    assertThat(file.get("path").asText())
        .isEqualTo(dir.inputDir("labels").resolve("sub/labels.json").toString());
    assertThat(file.get("checksums").get("sha256").asText()).isEqualTo("44136fa3");
    assertThat(file.get("uri").asText()).isEqualTo("datum://abc");
    assertThat(file.get("size").asLong()).isEqualTo(2);

    Map<String, String> env = dir.environment("e1", "r1", "train", tmp);
    assertThat(env)
        .containsEntry("VH_INPUTS_DIR", dir.inputsDir().toString())
        .containsEntry("VH_OUTPUTS_DIR", dir.outputsDir().toString())
        .containsEntry("VH_CONFIG_DIR", dir.configDir().toString())
        .containsEntry("VH_EXECUTION_ID", "e1")
        .containsEntry("VH_PIPELINE_ID", "r1")
        .containsEntry("VH_PIPELINE_NODE_ID", "train");
  }

  @Test
  void valohaiAbsolutePathsAreRewritten() throws IOException {
    ExecutionDirectory dir = ExecutionDirectory.create(tmp.resolve("with space"));
    String line =
        dir.rewriteValohaiPaths("python x.py --in /valohai/inputs/a --out /valohai/outputs/", tmp);
    assertThat(line)
        .isEqualTo(
            "python x.py --in '"
                + dir.inputsDir()
                + "'/a --out '"
                + dir.outputsDir()
                + "'/");
  }

  @Test
  void inputPathsCannotLeaveTheirFolder() throws IOException {
    Path src = Files.writeString(tmp.resolve("f"), "x");
    ExecutionDirectory dir = ExecutionDirectory.create(tmp.resolve("exec"));
    assertThatThrownBy(
            () ->
                dir.placeInputs(
                    Map.of(
                        "a",
                        List.of(
                            new InputFile(
                                "../../evil", src, "f", 1, "x", Optional.empty(),
                                Optional.empty())))))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("leaves inputs/");
  }
}
