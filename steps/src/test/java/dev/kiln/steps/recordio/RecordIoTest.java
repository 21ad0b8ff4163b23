package dev.kiln.steps.recordio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RecordIoTest {
  static final String MAGIC = "0a 23 d7 ce";

  @TempDir Path dir;

  private static byte[] frame(byte[] payload) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    long n = RecordIoFraming.write(out, payload);
    assertThat(n).isEqualTo(out.size());
    return out.toByteArray();
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  private static byte[] cat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.write(p, 0, p.length);
    }
    return out.toByteArray();
  }

  private static final byte[] MAGIC_BYTES = {0x0a, 0x23, (byte) 0xd7, (byte) 0xce};

  @Test
  void aRecordIsMagicLengthDataAndZeroPaddingToFourBytes() throws IOException {
    assertThat(frame(ascii("abc")))
        .isEqualTo(SpecBytes.start().hex(MAGIC + " 03 00 00 00 61 62 63 00").toBytes());
    assertThat(frame(ascii("abcd")))
        .isEqualTo(SpecBytes.start().hex(MAGIC + " 04 00 00 00 61 62 63 64").toBytes());
    assertThat(frame(new byte[0])).isEqualTo(SpecBytes.start().hex(MAGIC + " 00 00 00 00").toBytes());
    assertThat(frame(ascii("abcde")))
        .isEqualTo(
            SpecBytes.start().hex(MAGIC + " 05 00 00 00 61 62 63 64 65 00 00 00").toBytes());
  }

  @Test
  void aPayloadHoldingTheMagicAtAnAlignedOffsetIsSplitThereWithoutIt() throws IOException {
    byte[] payload = cat(ascii("ABCD"), MAGIC_BYTES, ascii("EF"));
    // part 1: cflag 1 << 29 | 4 = 0x20000004; last part: 3 << 29 | 2 = 0x60000002, padded.
    byte[] golden =
        SpecBytes.start()
            .hex(MAGIC + " 04 00 00 20 41 42 43 44")
            .hex(MAGIC + " 02 00 00 60 45 46 00 00")
            .toBytes();
    assertThat(frame(payload)).isEqualTo(golden);

    // middle parts have cflag 2; a payload that is only the magic gives two empty parts
    byte[] three = cat(MAGIC_BYTES, ascii("wxyz"), MAGIC_BYTES);
    assertThat(frame(three))
        .isEqualTo(
            SpecBytes.start()
                .hex(MAGIC + " 00 00 00 20")
                .hex(MAGIC + " 04 00 00 40 77 78 79 7a")
                .hex(MAGIC + " 00 00 00 60")
                .toBytes());
    assertThat(frame(MAGIC_BYTES))
        .isEqualTo(SpecBytes.start().hex(MAGIC + " 00 00 00 20").hex(MAGIC + " 00 00 00 60").toBytes());
  }

  @Test
  void theMagicAtAnUnalignedOffsetOrInTheTailIsNotSplit() throws IOException {
    byte[] unaligned = cat(ascii("AB"), MAGIC_BYTES, ascii("CD"));
    assertThat(frame(unaligned))
        .isEqualTo(SpecBytes.start().hex(MAGIC + " 08 00 00 00").bytes(unaligned).toBytes());
    // after the last whole word: dmlc-core scans only up to length rounded down to 4
    byte[] tail = cat(ascii("ABCDE"), new byte[] {0x0a, 0x23});
    assertThat(frame(tail))
        .isEqualTo(SpecBytes.start().hex(MAGIC + " 07 00 00 00").bytes(tail).hex("00").toBytes());
  }

  @Test
  void theReaderJoinsHandBuiltPartsAndPutsTheMagicBack() throws IOException {
    byte[] file =
        SpecBytes.start()
            .record(ascii("hello"))
            .part(1, ascii("ABCD"))
            .part(2, ascii("EFGH"))
            .part(3, ascii("IJ"))
            .record(ascii("z"))
            .toBytes();
    Path rec = Files.write(dir.resolve("a.rec"), file);
    try (RecordIoReader r = RecordIoReader.open(rec, "a.rec")) {
      RecordIoReader.Record first = r.readAt(0);
      assertThat(first.payload()).isEqualTo(ascii("hello"));
      assertThat(first.end()).isEqualTo(16);
      RecordIoReader.Record split = r.readAt(16);
      assertThat(split.payload())
          .isEqualTo(cat(ascii("ABCD"), MAGIC_BYTES, ascii("EFGH"), MAGIC_BYTES, ascii("IJ")));
      assertThat(split.end()).isEqualTo(16 + 12 + 12 + 12);
      assertThat(r.readAt(split.end()).payload()).isEqualTo(ascii("z"));
      // a scan for record starts skips the middle and last parts' heads
      assertThat(r.findNextHead(20)).isEqualTo(split.end());
      assertThat(r.findNextHead(split.end() + 4)).isEqualTo(-1);
    }
  }

  @Test
  void writerAndReaderAgreeOnRandomPayloadsWithPlantedMagic() throws IOException {
    java.util.Random rnd = new java.util.Random(7);
    Path rec = dir.resolve("r.rec");
    List<byte[]> payloads = new java.util.ArrayList<>();
    for (int i = 0; i < 40; i++) {
      byte[] p = new byte[rnd.nextInt(60)];
      rnd.nextBytes(p);
      for (int k = 0; k + 4 <= p.length; k += 4) {
        if (rnd.nextInt(4) == 0) {
          System.arraycopy(MAGIC_BYTES, 0, p, k, 4);
        }
      }
      payloads.add(p);
    }
    try (RecordIoWriter w = RecordIoWriter.create(rec, RecordIoWriter.indexOf(rec))) {
      for (int i = 0; i < payloads.size(); i++) {
        w.write(Integer.toString(i), payloads.get(i));
      }
    }
    List<SpecBytes.Parsed> parsed = SpecBytes.parse(Files.readAllBytes(rec));
    assertThat(parsed).hasSize(payloads.size());
    List<String> idx = Files.readAllLines(dir.resolve("r.idx"));
    try (RecordIoReader r = RecordIoReader.open(rec, "r.rec")) {
      for (int i = 0; i < payloads.size(); i++) {
        assertThat(parsed.get(i).payload()).isEqualTo(payloads.get(i));
        assertThat(idx.get(i)).isEqualTo(i + "\t" + parsed.get(i).offset());
        assertThat(r.readAt(parsed.get(i).offset()).payload()).isEqualTo(payloads.get(i));
      }
    }
  }

  @Test
  void theIndexListsKeyTabOffsetAsMxIndexedRecordIoDoes() throws IOException {
    // MXIndexedRecordIO's docstring: five 'record_%d' strings, tell() 16, 32, 48, 64, 80
    ByteArrayOutputStream rec = new ByteArrayOutputStream();
    StringWriter idx = new StringWriter();
    try (RecordIoWriter w = new RecordIoWriter(rec, idx)) {
      for (int i = 0; i < 5; i++) {
        assertThat(w.write(Integer.toString(i), ascii("record_" + i))).isEqualTo(16L * i);
      }
      assertThat(w.bytes()).isEqualTo(80);
    }
    assertThat(idx.toString()).isEqualTo("0\t0\n1\t16\n2\t32\n3\t48\n4\t64\n");
  }

  @Test
  void damagedFramingNamesTheFileAndOffset() throws IOException {
    byte[] good = SpecBytes.start().record(ascii("abcdefgh")).toBytes();
    Path trunc =
        Files.write(dir.resolve("t.rec"), java.util.Arrays.copyOf(good, good.length - 3));
    try (RecordIoReader r = RecordIoReader.open(trunc, "t.rec")) {
      assertThatThrownBy(() -> r.readAt(0))
          .isInstanceOf(RecordIoCorruptException.class)
          .hasMessage(
              "t.rec at byte offset 0: truncated record: the header says 8 bytes of data (padded"
                  + " 8) but the file has 5 left");
      assertThatThrownBy(() -> r.readAt(64))
          .hasMessage("t.rec at byte offset 64: the offset is past the end of the file (13 bytes)");
    }
    Path bad = Files.write(dir.resolve("b.rec"), SpecBytes.start().hex("0b 23 d7 ce 00 00 00 00").toBytes());
    try (RecordIoReader r = RecordIoReader.open(bad, "b.rec")) {
      assertThatThrownBy(() -> r.readAt(0))
          .hasMessage("b.rec at byte offset 0: bad magic 0xced7230b, expected 0xced7230a");
    }
    Path orphan = Files.write(dir.resolve("o.rec"), SpecBytes.start().part(3, ascii("ab")).toBytes());
    try (RecordIoReader r = RecordIoReader.open(orphan, "o.rec")) {
      assertThatThrownBy(() -> r.readAt(0))
          .hasMessage(
              "o.rec at byte offset 0: the record starts with continuation flag 3, expected 0"
                  + " (whole) or 1 (first part)");
    }
    Path unfinished =
        Files.write(dir.resolve("u.rec"), SpecBytes.start().part(1, ascii("abcd")).toBytes());
    try (RecordIoReader r = RecordIoReader.open(unfinished, "u.rec")) {
      assertThatThrownBy(() -> r.readAt(0))
          .hasMessage(
              "u.rec at byte offset 0: truncated record: part 1 at byte 12: only 0 bytes left for"
                  + " the 8-byte part header");
    }
  }

  @Test
  void anImageRecordIsTheIrHeaderThenLabelsThenTheImage() throws InvalidImageRecordException {
    byte[] img = ascii("JPEGDATA");
    byte[] scalar = ImageRecord.scalar(14f, 20129312, img).pack();
    assertThat(scalar)
        .isEqualTo(SpecBytes.imageRecord(0, 14f, 20129312, new float[0], img));
    float[] det = {2, 5, 14, 0.1f, 0.2f, 0.55f, 0.8f};
    byte[] array = ImageRecord.array(det, 1, img).pack();
    assertThat(array).isEqualTo(SpecBytes.imageRecord(7, 0f, 1, det, img));
    assertThat(array).hasSize(24 + 28 + img.length);

    ImageRecord back = ImageRecord.unpack(array);
    assertThat(back.flag()).isEqualTo(7);
    assertThat(back.labels()).containsExactly(det);
    assertThat(back.image()).isEqualTo(img);
    ImageRecord.setId(array, 99);
    assertThat(SpecBytes.le64(array, 8)).isEqualTo(99);

    assertThatThrownBy(() -> ImageRecord.unpack(new byte[10]))
        .hasMessage(
            "the record has 10 bytes, fewer than the 24-byte image header (flag, label, id, id2)");
    InvalidImageRecordException e =
        org.junit.jupiter.api.Assertions.assertThrows(
            InvalidImageRecordException.class,
            () -> ImageRecord.unpack(SpecBytes.imageRecord(9, 0, 0, new float[] {1, 2}, new byte[0])));
    assertThat(e.labelWidth()).isTrue();
    assertThat(e)
        .hasMessage(
            "the image header's flag says 9 label values (36 bytes) but only 8 bytes follow the"
                + " header");
  }

  @Test
  void theDetectionLayoutIsCheckedLikeMxnetsParseLabel() throws InvalidImageRecordException {
    DetectionLabel l =
        DetectionLabel.parse(new float[] {4, 6, 640, 480, 3, .1f, .2f, .3f, .4f, 1, 0, 0, 0, 1, 1, 0});
    assertThat(l.headerWidth()).isEqualTo(4);
    assertThat(l.objectWidth()).isEqualTo(6);
    assertThat(l.objects())
        .containsExactly(
            new DetectionLabel.Box(3, .1f, .2f, .3f, .4f), new DetectionLabel.Box(0, 0, 0, 1, 1));
    assertThat(DetectionLabel.of(List.of(new DetectionLabel.Box(2, .1f, .2f, .5f, .6f))).toArray())
        .containsExactly(2, 5, 2, .1f, .2f, .5f, .6f);
    assertThatThrownBy(() -> DetectionLabel.parse(new float[] {2, 5, 0, .1f, .2f, .3f}))
        .hasMessage(
            "label width mismatch: 6 values = header of 2 + 4, which is not a whole number of"
                + " 5-value objects");
    assertThatThrownBy(() -> DetectionLabel.parse(new float[] {2, 4, 0, .1f, .2f, .3f}))
        .hasMessage("object_width is 4; expected at least 5 ([class_id, xmin, ymin, xmax, ymax])");
    assertThatThrownBy(() -> DetectionLabel.parse(new float[] {2.5f, 5}))
        .hasMessage("header_width is 2.5; expected a whole number");
    assertThatThrownBy(() -> DetectionLabel.parse(new float[] {2, 5, -1, 0, 0, 1, 1}))
        .hasMessage("object 0: class_id -1.0 is not a non-negative whole number");
  }
}
