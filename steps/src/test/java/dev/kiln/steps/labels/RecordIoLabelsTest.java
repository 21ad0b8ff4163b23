package dev.kiln.steps.labels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.kiln.steps.recordio.SpecBytes;
import dev.kiln.steps.synthetic.SyntheticDataset;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** MXNet RecordIO and .lst in and out of convert-labels, on files built from the specification. */
class RecordIoLabelsTest {
  @TempDir Path dir;

  private byte[] png(int w, int h) throws IOException {
    Path p = TestImages.png(dir.resolve("tmp-" + w + "x" + h + ".png"), w, h);
    byte[] b = Files.readAllBytes(p);
    Files.delete(p);
    return b;
  }

  private static final float[] DET = {2, 5, 1, 0.1f, 0.2f, 0.5f, 0.8f, 0, 0.25f, 0.25f, 0.75f, 1f};

  /** train.rec: a detection record, a classification record (scalar label). */
  private Path twoRecords(Path folder) throws IOException {
    byte[] a = SpecBytes.imageRecord(12, 0, 7, DET, png(40, 20));
    byte[] b = SpecBytes.imageRecord(0, 2f, 8, new float[0], png(16, 16));
    Files.createDirectories(folder);
    return Files.write(folder.resolve("train.rec"), SpecBytes.start().record(a).record(b).toBytes());
  }

  @Test
  void readsDetectionAndClassRecordsSequentiallyWithSizesFromTheEmbeddedImages()
      throws IOException {
    Path data = dir.resolve("data");
    twoRecords(data);
    assertThat(LabelFormat.detect(data)).isEqualTo(LabelFormat.RECORDIO);
    ReadResult r = new RecordIoLabelReader().read(data);
    assertThat(r.rejections()).isEmpty();
    assertThat(r.declaredClasses()).containsExactly("class_id:0", "class_id:1", "class_id:2");
    LabeledImage det = r.images().get(0);
    assertThat(det.sourceId()).isEqualTo("train.rec@0");
    assertThat(det.filename()).isEqualTo("train-7.png");
    assertThat(det.width()).isEqualTo(40);
    assertThat(det.height()).isEqualTo(20);
    assertThat(det.split()).contains("train");
    assertThat(det.boxes()).hasSize(2);
    BoxAnnotation b0 = det.boxes().get(0);
    assertThat(b0.className()).isEqualTo("class_id:1");
    assertThat(b0.xmin()).isCloseTo(4, within(1e-4));
    assertThat(b0.ymin()).isCloseTo(4, within(1e-4));
    assertThat(b0.xmax()).isCloseTo(20, within(1e-4));
    assertThat(b0.ymax()).isCloseTo(16, within(1e-4));
    LabeledImage cls = r.images().get(1);
    assertThat(cls.label()).contains("class_id:2");
    assertThat(cls.width()).isEqualTo(16);
    assertThat(EmbeddedImage.read(cls.image())).isEqualTo(png(16, 16));
  }

  @Test
  void withAnIndexOnlyTheListedOffsetsAreReadAndClassNamesComeFromClassesTxt()
      throws IOException {
    Path data = dir.resolve("data");
    Path rec = twoRecords(data);
    long second = SpecBytes.parse(Files.readAllBytes(rec)).get(1).offset();
    Files.writeString(data.resolve("train.idx"), "8\t" + second + "\n");
    Files.writeString(data.resolve("classes.txt"), "cat\ndog\nbird\n");
    ReadResult r = new RecordIoLabelReader().read(data);
    assertThat(r.rejections()).isEmpty();
    assertThat(r.declaredClasses()).containsExactly("cat", "dog", "bird");
    assertThat(r.images()).extracting(LabeledImage::sourceId).containsExactly("train.rec@" + second);
    assertThat(r.images().get(0).label()).contains("bird");
  }

  @Test
  void aRecordSplitWhereTheMagicOccursIsJoinedAndItsImageConverts() throws IOException {
    byte[] img = png(24, 24);
    int payloadHead = 24 + 4 * 7;
    int pad = (4 - (payloadHead + img.length) % 4) % 4;
    byte[] withMagic = new byte[img.length + pad + 8];
    System.arraycopy(img, 0, withMagic, 0, img.length);
    byte[] magic = {0x0a, 0x23, (byte) 0xd7, (byte) 0xce};
    System.arraycopy(magic, 0, withMagic, img.length + pad, 4);
    byte[] payload =
        SpecBytes.imageRecord(7, 0, 1, new float[] {2, 5, 0, .25f, .25f, .75f, .75f}, withMagic);
    int cut = payloadHead + img.length + pad;
    byte[] first = java.util.Arrays.copyOfRange(payload, 0, cut);
    byte[] last = java.util.Arrays.copyOfRange(payload, cut + 4, payload.length);
    Path data = Files.createDirectories(dir.resolve("data"));
    Files.write(data.resolve("a.rec"), SpecBytes.start().part(1, first).part(3, last).toBytes());
    ReadResult r = new RecordIoLabelReader().read(data);
    assertThat(r.rejections()).isEmpty();
    LabeledImage image = r.images().get(0);
    assertThat(EmbeddedImage.read(image.image())).isEqualTo(withMagic);
    ClassList classes = ClassList.build(r.declaredClasses(), r.images());
    assertThat(RecordConverter.convert(image, classes))
        .isInstanceOf(RecordConverter.Encoded.class);
    // written back as RecordIO, the same payload (id 0 until the writer sets it) splits the same
    RecordConverter.Encoded enc =
        (RecordConverter.Encoded) RecordConverter.convert(image, classes, OutputFormat.RECORDIO);
    dev.kiln.steps.recordio.ImageRecord.setId(enc.example(), 1);
    assertThat(enc.example()).isEqualTo(payload);
  }

  @Test
  void damagedRecordsAreRejectedByFileAndOffsetAndTheRestIsRead() throws IOException {
    byte[] good = SpecBytes.imageRecord(7, 0, 1, new float[] {2, 5, 0, .1f, .1f, .9f, .9f}, png(8, 8));
    byte[] narrow = SpecBytes.imageRecord(6, 0, 2, new float[] {2, 5, 0, .1f, .1f, .9f}, png(8, 8));
    SpecBytes b = SpecBytes.start().record(good);
    int badMagicAt = b.size();
    b.hex("0b 23 d7 ce 04 00 00 00 61 62 63 64");
    int narrowAt = b.size();
    b.record(narrow);
    int secondGood = b.size();
    b.record(good);
    int truncatedAt = b.size();
    b.record(good);
    byte[] bytes = b.toBytes();
    Path data = Files.createDirectories(dir.resolve("data"));
    Files.write(data.resolve("val.rec"), java.util.Arrays.copyOf(bytes, bytes.length - 10));

    ReadResult r = new RecordIoLabelReader().read(data);
    assertThat(r.images())
        .extracting(LabeledImage::sourceId)
        .containsExactly("val.rec@0", "val.rec@" + secondGood);
    assertThat(r.images().get(0).split()).contains("val");
    assertThat(r.rejections())
        .extracting(Rejection::source, Rejection::reason)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("val.rec@" + badMagicAt, RejectReason.CORRUPT_RECORD),
            org.assertj.core.groups.Tuple.tuple(
                "val.rec@" + narrowAt, RejectReason.LABEL_WIDTH_MISMATCH),
            org.assertj.core.groups.Tuple.tuple(
                "val.rec@" + truncatedAt, RejectReason.CORRUPT_RECORD));
    assertThat(r.rejections().get(0).detail())
        .isEqualTo(
            "val.rec at byte offset "
                + badMagicAt
                + ": bad magic 0xced7230b, expected 0xced7230a; skipped 12 bytes to the next record"
                + " at byte offset "
                + narrowAt);
    assertThat(r.rejections().get(1).detail())
        .isEqualTo(
            "val.rec at byte offset "
                + narrowAt
                + ": label width mismatch: 6 values = header of 2 + 4, which is not a whole"
                + " number of 5-value objects");
    assertThat(r.rejections().get(2).detail())
        .startsWith("val.rec at byte offset " + truncatedAt + ": truncated record: the header says");

    // counted in the report
    ConversionStats stats =
        PlainConverter.convert(
            ConvertOptions.builder()
                .setInput(data)
                .setOutputDir(dir.resolve("out"))
                .optSplitter(new Splitter.ByRatio(1.0, 1))
                .build());
    assertThat(stats.rejectionsByReason())
        .isEqualTo(Map.of("corrupt-record", 2L, "label-width-mismatch", 1L));
    assertThat(stats.examplesWritten()).isEqualTo(2);
    assertThat(Files.readString(dir.resolve("out/rejected.jsonl")))
        .contains("\"source\":\"val.rec@" + badMagicAt + "\",\"reason\":\"corrupt-record\"");
  }

  @Test
  void anIndexOffsetPastTheEndIsRejectedWithTheIndexLine() throws IOException {
    Path data = dir.resolve("data");
    Path rec = twoRecords(data);
    long size = Files.size(rec);
    Files.writeString(data.resolve("train.idx"), "7\t0\n9\t999999\nnot a line\n");
    ReadResult r = new RecordIoLabelReader().read(data);
    assertThat(r.images()).extracting(LabeledImage::sourceId).containsExactly("train.rec@0");
    assertThat(r.rejections())
        .containsExactly(
            new Rejection(
                "train.rec@999999",
                RejectReason.CORRUPT_RECORD,
                "train.rec at byte offset 999999: the offset is past the end of the file ("
                    + size
                    + " bytes) (listed in train.idx:2)"),
            new Rejection(
                "train.idx:3",
                RejectReason.MALFORMED_ANNOTATION,
                "train.idx:3: expected \"<key><TAB><byte offset>\", got \"not a line\""));
  }

  @Test
  void aSourceThatIsNoRecordIoFailsSayingWhatWasExpected() throws IOException {
    Path data = Files.createDirectories(dir.resolve("data"));
    Path junk = Files.writeString(data.resolve("train.rec"), "this is not a record file at all");
    assertThatThrownBy(() -> LabelFormat.detect(junk))
        .isInstanceOf(LabelFormatException.class)
        .hasMessageContaining("cannot detect the label format from a file with extension .rec");
    assertThatThrownBy(() -> new RecordIoLabelReader().read(data))
        .isInstanceOf(LabelFormatException.class)
        .hasMessage(
            "train.rec: not an MXNet RecordIO file: expected records that start with magic"
                + " 0xced7230a (bytes 0a 23 d7 ce), found 0x73696874 at byte 0 and no record start"
                + " in its 32 bytes");
    Files.write(junk, SpecBytes.start().hex("0a 23 d7 3e 04 00 00 00 61 62 63 64").toBytes());
    assertThat(LabelFormat.detect(junk)).isEqualTo(LabelFormat.RECORDIO);
    assertThatThrownBy(() -> new RecordIoLabelReader().read(junk))
        .hasMessageStartingWith(
            "train.rec: starts with magic 0x3ed7230a, the RecordIO of old dmlc-core");
    Path none = Files.createDirectories(dir.resolve("none"));
    assertThatThrownBy(() -> new RecordIoLabelReader().read(none))
        .isInstanceOf(LabelFormatException.class)
        .hasMessageEndingWith(
            ": no .rec file found; expected MXNet RecordIO files (.rec, with their .idx) as"
                + " im2rec writes them");
  }

  @Test
  void lstLinesAreDetectionLayoutsOrClassesWithImagesFromTheRoot() throws IOException {
    Path data = dir.resolve("data");
    TestImages.jpeg(data.resolve("images/000001.jpg"), 100, 50);
    TestImages.png(data.resolve("images/b.png"), 10, 10);
    TestImages.text(
        data.resolve("train.lst"),
        "0\t2\t5\t14.0\t0.10\t0.20\t0.55\t0.80\timages/000001.jpg\n"
            + "1\t3\timages/b.png\n"
            + "2\t2\t5\t1\t0.1\t0.1\t0.5\timages/b.png\n"
            + "3\tx\timages/b.png\n"
            + "4\t1\timages/missing.png\n"
            + "5\timages/b.png\n");
    assertThat(LabelFormat.detect(data)).isEqualTo(LabelFormat.LST);
    ReadResult r = new LstReader().read(data);
    assertThat(r.images()).extracting(LabeledImage::sourceId)
        .containsExactly("images/000001.jpg", "images/b.png");
    LabeledImage a = r.images().get(0);
    assertThat(a.split()).contains("train");
    BoxAnnotation box = a.boxes().get(0);
    assertThat(box.className()).isEqualTo("class_id:14");
    assertThat(box.xmin()).isCloseTo(10, within(1e-3));
    assertThat(box.ymax()).isCloseTo(40, within(1e-3));
    assertThat(r.images().get(1).label()).contains("class_id:3");
    assertThat(r.declaredClasses()).hasSize(15);
    assertThat(r.rejections())
        .extracting(Rejection::source, Rejection::reason)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("train.lst:3", RejectReason.LABEL_WIDTH_MISMATCH),
            org.assertj.core.groups.Tuple.tuple("train.lst:4", RejectReason.MALFORMED_ANNOTATION),
            org.assertj.core.groups.Tuple.tuple("images/missing.png", RejectReason.IMAGE_MISSING),
            org.assertj.core.groups.Tuple.tuple("train.lst:6", RejectReason.MALFORMED_ANNOTATION));
  }

  @Test
  void recordIoOutputIsReadableByTheSpecificationAndReadsBackToTheSameLabels()
      throws IOException {
    Path data = dir.resolve("coco");
    SyntheticDataset.generate(SyntheticDataset.Options.of(12, 48, 3, data));
    ReadResult source = new CocoReader().read(data);
    Path out = dir.resolve("out");
    ConversionStats stats =
        PlainConverter.convert(
            ConvertOptions.builder()
                .setInput(data)
                .setOutputDir(out)
                .optShards(2)
                .optOutputFormat(OutputFormat.RECORDIO)
                .build());
    assertThat(stats.examplesWritten()).isEqualTo(12);
    assertThat(stats.shardFiles())
        .contains("train/train-00000-of-00002.rec", "train/train-00000-of-00002.idx");
    ClassList classes = ClassList.read(out.resolve("classes.txt"));

    int records = 0;
    List<Path> recs;
    try (Stream<Path> s = Files.walk(out)) {
      recs = s.filter(p -> p.toString().endsWith(".rec")).sorted().toList();
    }
    for (Path rec : recs) {
      List<SpecBytes.Parsed> parsed = SpecBytes.parse(Files.readAllBytes(rec));
      List<String> idx = Files.readAllLines(dev.kiln.steps.recordio.RecordIoWriter.indexOf(rec));
      assertThat(idx).hasSize(parsed.size());
      for (int i = 0; i < parsed.size(); i++) {
        byte[] p = parsed.get(i).payload();
        long id = SpecBytes.le64(p, 8);
        assertThat(idx.get(i)).isEqualTo(id + "\t" + parsed.get(i).offset());
        LabeledImage src = source.images().get((int) id);
        assertThat(SpecBytes.image(p)).isEqualTo(Files.readAllBytes(src.imagePath()));
        float[] l = SpecBytes.labels(p);
        assertThat(l.length).isEqualTo(2 + 5 * src.boxes().size());
        assertThat(l[0]).isEqualTo(2f);
        assertThat(l[1]).isEqualTo(5f);
        for (int k = 0; k < src.boxes().size(); k++) {
          BoxAnnotation b = src.boxes().get(k);
          assertThat(l[2 + 5 * k]).isEqualTo(classes.id(b.className()).getAsInt() - 1);
          assertThat((double) l[3 + 5 * k]).isCloseTo(b.xmin() / src.width(), within(1e-6));
          assertThat((double) l[6 + 5 * k]).isCloseTo(b.ymax() / src.height(), within(1e-6));
        }
        records++;
      }
    }
    assertThat(records).isEqualTo(12);

    // and Kiln reads its own output back: same classes, same boxes
    ReadResult back = new RecordIoLabelReader().read(out);
    assertThat(back.rejections()).isEmpty();
    assertThat(back.declaredClasses()).isEqualTo(classes.names());
    List<String> before = new ArrayList<>();
    source.images().forEach(i -> i.boxes().forEach(b -> before.add(b.className())));
    List<String> after = new ArrayList<>();
    back.images().forEach(i -> i.boxes().forEach(b -> after.add(b.className())));
    assertThat(after).containsExactlyInAnyOrderElementsOf(before);
  }
}
