package dev.kiln.steps.convert;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.pipelines.ParamValue;
import dev.kiln.steps.labels.ConversionStats;
import dev.kiln.steps.labels.OutputFormat;
import dev.kiln.steps.labels.PlainConverter;
import dev.kiln.steps.recordio.SpecBytes;
import dev.kiln.steps.synthetic.SyntheticDataset;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code output_format=recordio} on the Beam pipeline, and RecordIO read by the step. */
class BeamRecordIoTest {
  @TempDir Path dir;

  @Test
  void beamWritesTheSameRecordIoBytesAsThePlainConverter() throws IOException {
    Path data = dir.resolve("data");
    SyntheticDataset.generate(SyntheticDataset.Options.of(30, 48, 5, data));
    ConversionStats plain =
        PlainConverter.convert(
            BeamConverterTest.options(data, dir.resolve("plain"))
                .optShards(2)
                .optOutputFormat(OutputFormat.RECORDIO)
                .build());
    ConversionStats beam =
        BeamConverter.convert(
            BeamConverterTest.options(data, dir.resolve("beam"))
                .optShards(2)
                .optOutputFormat(OutputFormat.RECORDIO)
                .build(),
            BeamConverterTest.DIRECT,
            (d, t) -> {});
    assertThat(beam.examplesWritten()).isEqualTo(30).isEqualTo(plain.examplesWritten());
    Map<String, String> snap = BeamConverterTest.snapshot(dir.resolve("beam"));
    assertThat(snap).isEqualTo(BeamConverterTest.snapshot(dir.resolve("plain")));
    assertThat(snap.keySet())
        .contains(
            "train/train-00000-of-00002.rec",
            "train/train-00000-of-00002.idx",
            "test/test-00001-of-00002.rec",
            "test/test-00001-of-00002.idx")
        .noneMatch(n -> n.endsWith(".tfrecord") || n.contains("/."));
    assertThat(beam.shardFiles()).hasSize(8);
    long records = 0;
    for (String f : beam.shardFiles()) {
      if (f.endsWith(".rec")) {
        records += SpecBytes.parse(Files.readAllBytes(dir.resolve("beam").resolve(f))).size();
      }
    }
    assertThat(records).isEqualTo(30);
  }

  @Test
  void theStepReadsRecordIoAndWritesItWithOutputFormat() throws Exception {
    Path data = dir.resolve("data");
    SyntheticDataset.generate(SyntheticDataset.Options.of(10, 48, 2, data));
    RecordingContext ctx = new RecordingContext(dir.resolve("exec"), Map.of());
    Path first = ctx.inputDir("labels");
    PlainConverter.convert(
        BeamConverterTest.options(data, first)
            .optShards(1)
            .optOutputFormat(OutputFormat.RECORDIO)
            .build());

    ctx.parameters.put("format", ParamValue.of("auto"));
    ctx.parameters.put("shards", ParamValue.of(1));
    ctx.parameters.put("output_format", ParamValue.of("recordio"));
    new ConvertLabelsFunction().run(ctx);
    assertThat(ctx.metrics.get(0).get("format")).isEqualTo("recordio");
    assertThat(ctx.metrics.get(0).get("records_written")).isEqualTo(10L);
    assertThat(ctx.outputDir().resolve("train/train-00000-of-00001.rec")).exists();
    assertThat(Files.readString(ctx.outputDir().resolve("classes.txt")))
        .isEqualTo(Files.readString(first.resolve("classes.txt")));
  }
}
