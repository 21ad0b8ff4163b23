package dev.kiln.steps.tfrecord;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TfRecordTest {
  @TempDir Path dir;

  /** tf.Example {"a": int64_list [1]}, built by hand from the protobuf spec. */
  static final byte[] EXAMPLE_A1 = {
    0x0A, 0x0C, // Example.features (field 1, LEN), 12 bytes
    0x0A, 0x0A, // Features.feature map entry (field 1, LEN), 10 bytes
    0x0A, 0x01, 'a', // entry key (field 1) "a"
    0x12, 0x05, // entry value (field 2), 5 bytes: Feature
    0x1A, 0x03, // Feature.int64_list (field 3), 3 bytes
    0x0A, 0x01, 0x01 // Int64List.value packed (field 1, LEN), 1 byte: varint 1
  };

  /** EXAMPLE_A1 framed as TFRecord; CRCs computed independently (bitwise CRC32C in Python). */
  static final byte[] FRAMED_A1 = {
    0x0E, 0, 0, 0, 0, 0, 0, 0, // length 14, uint64 LE
    (byte) 0xC5, (byte) 0xE5, 0x69, 0x3F, // masked crc32c(length) = 0x3f69e5c5
    0x0A, 0x0C, 0x0A, 0x0A, 0x0A, 0x01, 0x61, 0x12, 0x05, 0x1A, 0x03, 0x0A, 0x01, 0x01,
    0x39, (byte) 0xE8, 0x78, 0x50 // masked crc32c(data) = 0x5078e839
  };

  @Test
  void crc32cMatchesTheStandardCheckValue() {
    byte[] check = "123456789".getBytes(StandardCharsets.US_ASCII);
    assertThat(TfRecordFraming.crc32c(check, 0, check.length)).isEqualTo(0xE3069283);
    assertThat(bitwiseCrc32c(check)).isEqualTo(0xE3069283);
  }

  @Test
  void maskMatchesTensorFlowsDefinitionAndInverts() {
    int crc = 0xE3069283;
    int expected = ((crc >>> 15) | (crc << 17)) + 0xa282ead8;
    assertThat(TfRecordFraming.mask(crc)).isEqualTo(expected);
    assertThat(TfRecordFraming.unmask(TfRecordFraming.mask(crc))).isEqualTo(crc);
  }

  @Test
  void encodesAnInt64ExampleToTheExactProtobufBytes() {
    Example e = Example.of(Map.of("a", Feature.Int64List.of(1)));
    assertThat(ExampleCodec.encode(e)).containsExactly(EXAMPLE_A1);
    assertThat(ExampleCodec.decode(EXAMPLE_A1)).isEqualTo(e);
  }

  @Test
  void framesARecordToTheExactTfRecordBytes() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (TfRecordWriter w = new TfRecordWriter(out)) {
      w.write(ExampleCodec.encode(Example.of(Map.of("a", Feature.Int64List.of(1)))));
    }
    assertThat(out.toByteArray()).containsExactly(FRAMED_A1);
    assertThat(TfRecordFraming.frame(EXAMPLE_A1)).containsExactly(FRAMED_A1);
    // and the independently computed CRCs agree with a bitwise implementation
    byte[] len = new byte[] {0x0E, 0, 0, 0, 0, 0, 0, 0};
    assertThat(TfRecordFraming.mask(bitwiseCrc32c(len))).isEqualTo(0x3f69e5c5);
    assertThat(TfRecordFraming.mask(bitwiseCrc32c(EXAMPLE_A1))).isEqualTo(0x5078e839);
  }

  @Test
  void sortsFeaturesByKeyAndEncodesFloatsAndBytesByTheSpec() {
    Map<String, Feature> m = new LinkedHashMap<>();
    m.put("s", Feature.BytesList.ofString("hi"));
    m.put("f", Feature.FloatList.of(1.0f));
    byte[] expected = {
      0x0A, 0x1C, // features: 28 bytes = two entries of 2 + 13 and 2 + 11
      0x0A, 0x0D, 0x0A, 0x01, 'f', 0x12, 0x08, // entry "f", Feature of 8 bytes
      0x12, 0x06, 0x0A, 0x04, 0x00, 0x00, (byte) 0x80, 0x3F, // float_list, packed 1.0f LE
      0x0A, 0x0B, 0x0A, 0x01, 's', 0x12, 0x06, // entry "s", Feature of 6 bytes
      0x0A, 0x04, 0x0A, 0x02, 'h', 'i' // bytes_list ["hi"]
    };
    assertThat(ExampleCodec.encode(Example.of(m))).containsExactly(expected);
  }

  @Test
  void writesEmptyListsAsEmptyMessagesAndNegativeIntsAsTenByteVarints() {
    byte[] empty = ExampleCodec.encode(Example.of(Map.of("e", Feature.Int64List.of())));
    assertThat(empty).containsExactly(0x0A, 0x09, 0x0A, 0x07, 0x0A, 0x01, 'e', 0x12, 0x02, 0x1A, 0x00);
    Example neg = Example.of(Map.of("n", Feature.Int64List.of(-1, Long.MIN_VALUE, Long.MAX_VALUE)));
    byte[] bytes = ExampleCodec.encode(neg);
    assertThat(bytes).hasSize(2 + 2 + 3 + 2 + 2 + 2 + 10 + 10 + 9);
    assertThat(ExampleCodec.decode(bytes)).isEqualTo(neg);
  }

  @Test
  void decodesUnpackedNumbersAndSkipsUnknownFields() {
    byte[] unpacked = {
      0x0A, 0x13, 0x0A, 0x11, 0x0A, 0x01, 'a', 0x12, 0x0C, // Feature of 12 bytes:
      0x1A, 0x04, 0x08, 0x05, 0x08, 0x07, // int64_list, unpacked varints 5, 7
      0x20, 0x01, // unknown field 4 (varint)
      0x2A, 0x02, 0x00, 0x00 // unknown field 5 (LEN)
    };
    Example e = ExampleCodec.decode(unpacked);
    assertThat(e.int64s("a").values()).containsExactly(5, 7);
  }

  @Test
  void rejectsTruncatedExamplesWithAPosition() {
    byte[] cut = java.util.Arrays.copyOf(EXAMPLE_A1, 10);
    assertThatThrownBy(() -> ExampleCodec.decode(cut))
        .isInstanceOf(InvalidExampleException.class)
        .hasMessage("invalid tf.Example at byte 2 (in Example): length 12 of Example.features runs past the end (8 bytes left)");
  }

  @Test
  void roundTripsManyExamplesThroughAFile() throws IOException {
    Random rnd = new Random(7);
    List<Example> examples = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      byte[] blob = new byte[rnd.nextInt(5000)];
      rnd.nextBytes(blob);
      float[] fs = new float[rnd.nextInt(20)];
      for (int k = 0; k < fs.length; k++) {
        fs[k] = rnd.nextFloat();
      }
      long[] ls = rnd.longs(rnd.nextInt(20)).toArray();
      examples.add(
          Example.of(
              Map.of(
                  "image/encoded", Feature.BytesList.of(blob),
                  "image/object/bbox/xmin", new Feature.FloatList(fs),
                  "image/object/class/label", new Feature.Int64List(ls),
                  "image/filename", Feature.BytesList.ofString("img_" + i + "_ü.jpg"))));
    }
    Path file = dir.resolve("x.tfrecord");
    try (TfRecordWriter w = TfRecordWriter.create(file)) {
      for (Example e : examples) {
        w.write(ExampleCodec.encode(e));
      }
    }
    List<byte[]> records = TfRecordReader.readAll(file);
    assertThat(records).hasSize(200);
    for (int i = 0; i < 200; i++) {
      assertThat(ExampleCodec.decode(records.get(i))).isEqualTo(examples.get(i));
    }
  }

  @Test
  void detectsACorruptDataCrcAndNamesTheRecord() throws IOException {
    Path file = writeThree();
    byte[] b = Files.readAllBytes(file);
    int second = 16 + 5; // record 0 has 5 data bytes
    b[second + 12 + 2] ^= 0x01; // flip a bit in record 1's data
    Files.write(file, b);
    assertThatThrownBy(() -> TfRecordReader.readAll(file))
        .isInstanceOf(TfRecordCorruptException.class)
        .hasMessageStartingWith(file + ": record 1 (byte offset 21): data CRC mismatch (stored 0x")
        .satisfies(e -> assertThat(((TfRecordCorruptException) e).recordIndex()).isEqualTo(1));
  }

  @Test
  void detectsACorruptLengthAndATruncatedFile() throws IOException {
    Path file = writeThree();
    byte[] b = Files.readAllBytes(file);
    byte[] badLength = b.clone();
    badLength[43] ^= 0x01; // record 2 starts at 21 + 16 + 6 = 43: flip a bit of its length
    Files.write(file, badLength);
    assertThatThrownBy(() -> TfRecordReader.readAll(file))
        .hasMessageStartingWith(file + ": record 2 (byte offset 43): length CRC mismatch");

    Files.write(file, java.util.Arrays.copyOf(b, b.length - 3));
    assertThatThrownBy(() -> TfRecordReader.readAll(file))
        .hasMessage(file + ": record 2 (byte offset 43): record length 7 runs past the end of the file (63 bytes)");

    TfRecordReader r = new TfRecordReader(new ByteArrayInputStream(java.util.Arrays.copyOf(b, b.length - 3)), "stream", -1);
    r.next();
    r.next();
    assertThatThrownBy(r::next).hasMessage("stream: record 2 (byte offset 43): truncated data CRC (1 of 4 bytes)");
  }

  private Path writeThree() throws IOException {
    Path file = dir.resolve("three.tfrecord");
    try (TfRecordWriter w = TfRecordWriter.create(file)) {
      w.write(new byte[] {1, 2, 3, 4, 5});
      w.write(new byte[] {6, 7, 8, 9, 10, 11});
      w.write(new byte[] {12, 13, 14, 15, 16, 17, 18});
    }
    assertThat(Files.size(file)).isEqualTo(3 * 16 + 18);
    return file;
  }

  @Test
  void shardedWriterNamesAndFillsEveryShard() throws IOException {
    List<String> keys = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      keys.add("img_" + i + ".jpg");
    }
    long[] counts;
    try (ShardedTfRecordWriter w = ShardedTfRecordWriter.create(dir, "train", 4, ShardedTfRecordWriter.Assignment.KEY_HASH)) {
      for (String k : keys) {
        assertThat(w.write(k, k.getBytes(StandardCharsets.UTF_8))).isEqualTo(ShardedTfRecordWriter.shardOf(k, 4));
      }
      counts = w.recordsPerShard();
    }
    List<String> names = new ArrayList<>();
    long total = 0;
    for (int s = 0; s < 4; s++) {
      Path p = dir.resolve(String.format("train-%05d-of-00004.tfrecord", s));
      names.add(p.getFileName().toString());
      List<byte[]> recs = TfRecordReader.readAll(p);
      assertThat(recs).hasSize((int) counts[s]);
      for (byte[] r : recs) {
        assertThat(ShardedTfRecordWriter.shardOf(new String(r, StandardCharsets.UTF_8), 4)).isEqualTo(s);
      }
      total += recs.size();
    }
    assertThat(total).isEqualTo(100);
    for (long c : counts) {
      assertThat(c).isBetween(10L, 40L);
    }
    assertThat(names).containsExactly(
        "train-00000-of-00004.tfrecord", "train-00001-of-00004.tfrecord", "train-00002-of-00004.tfrecord", "train-00003-of-00004.tfrecord");

    try (ShardedTfRecordWriter w = ShardedTfRecordWriter.create(dir, "rr", 3, ShardedTfRecordWriter.Assignment.ROUND_ROBIN)) {
      for (int i = 0; i < 7; i++) {
        assertThat(w.write("k", new byte[] {(byte) i})).isEqualTo(i % 3);
      }
      assertThat(w.recordsPerShard()).containsExactly(3, 2, 2);
    }
  }

  static int bitwiseCrc32c(byte[] data) {
    int crc = 0xFFFFFFFF;
    for (byte b : data) {
      crc ^= b & 0xFF;
      for (int k = 0; k < 8; k++) {
        crc = (crc & 1) != 0 ? (crc >>> 1) ^ 0x82F63B78 : crc >>> 1;
      }
    }
    return ~crc;
  }
}
