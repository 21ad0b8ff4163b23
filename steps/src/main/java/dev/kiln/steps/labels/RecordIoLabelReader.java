package dev.kiln.steps.labels;

import dev.kiln.steps.recordio.ImageRecord;
import dev.kiln.steps.recordio.InvalidImageRecordException;
import dev.kiln.steps.recordio.RecordIoCorruptException;
import dev.kiln.steps.recordio.RecordIoFraming;
import dev.kiln.steps.recordio.RecordIoReader;
import dev.kiln.steps.recordio.RecordIoWriter;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * MXNet RecordIO image records ({@code .rec}), as {@code im2rec} packs them for SageMaker's object
 * detector: a file or every {@code .rec} under a folder. With the {@code .idx} beside a file its
 * records are read at the offsets it lists, otherwise one after the other. Each record holds the
 * image, so sizes come from the embedded image's header. A damaged record (bad magic, cut short, an
 * index offset past the end) or labels that do not fit their widths reject that record, named by
 * file and byte offset; a sequential read goes on at the next record start. A file that holds no
 * RecordIO at all fails the read. A file named like a split ({@code train.rec}, {@code
 * validation.rec}) tags its images with it.
 */
public final class RecordIoLabelReader implements LabelReader {
  /** The extension of RecordIO files. */
  public static final String EXTENSION = "rec";

  @Override
  public ReadResult read(Path input, InputScope scope) throws IOException {
    Path root = Files.isDirectory(input) ? input : input.toAbsolutePath().getParent();
    List<Path> files =
        Files.isDirectory(input)
            ? Sources.files(input, 3, p -> Sources.extension(p).equals(EXTENSION))
            : List.of(input);
    if (files.isEmpty()) {
      throw new LabelFormatException(
          input.toString(),
          0,
          0,
          "",
          "no .rec file found; expected MXNet RecordIO files (.rec, with their .idx) as im2rec"
              + " writes them");
    }
    List<Rejection> rejections = new ArrayList<>();
    files = Sources.inScope(files, scope, root, rejections);
    List<String> names = MxLabels.classNames(List.of(root));
    List<LabeledImage> images = new ArrayList<>();
    int[] maxId = {-1};
    for (Path f : files) {
      readFile(f, root, scope, names, images, rejections, maxId);
    }
    return new ReadResult(MxLabels.declared(names, maxId[0]), images, rejections);
  }

  /** Whether a file starts like RecordIO (the current or the old magic), for detection. */
  static boolean looksLikeRecordIo(Path file) throws IOException {
    try (RecordIoReader r = RecordIoReader.open(file, file.toString())) {
      long w = r.firstWord();
      return w == (RecordIoFraming.MAGIC & 0xFFFFFFFFL)
          || w == (RecordIoFraming.OLD_MAGIC & 0xFFFFFFFFL);
    }
  }

  private static void readFile(
      Path f,
      Path root,
      InputScope scope,
      List<String> names,
      List<LabeledImage> images,
      List<Rejection> rejections,
      int[] maxId)
      throws IOException {
    String display = Sources.relative(root, f);
    String stemTag = Sources.splitName(Sources.stem(f.getFileName().toString()));
    String tag = stemTag != null ? stemTag : Sources.splitTagFromPath(root, f);
    Path idx = RecordIoWriter.indexOf(f);
    boolean indexed = Files.isRegularFile(idx) && scope.outside(idx) == null;
    try (RecordIoReader r = RecordIoReader.open(f, display)) {
      if (r.size() == 0) {
        return;
      }
      requireRecordIo(r, display);
      Records out = new Records(f, display, tag, names, images, rejections, maxId);
      if (indexed) {
        readIndexed(r, idx, Sources.relative(root, idx), out);
      } else {
        readSequentially(r, out);
      }
    }
  }

  /** Fails the read for a file that is not (current) RecordIO at all. */
  private static void requireRecordIo(RecordIoReader r, String display) throws IOException {
    long first = r.firstWord();
    if (first == (RecordIoFraming.OLD_MAGIC & 0xFFFFFFFFL)) {
      throw new LabelFormatException(
          display,
          0,
          0,
          "",
          "starts with magic 0x3ed7230a, the RecordIO of old dmlc-core (30-bit lengths); expected"
              + " 0xced7230a as current dmlc-core and MXNet write it: re-pack the images with a"
              + " current im2rec");
    }
    if (first != (RecordIoFraming.MAGIC & 0xFFFFFFFFL) && r.findNextHead(0) < 0) {
      throw new LabelFormatException(
          display,
          0,
          0,
          "",
          "not an MXNet RecordIO file: expected records that start with magic 0xced7230a (bytes"
              + " 0a 23 d7 ce), found "
              + (first < 0 ? "fewer than 4 bytes" : String.format("0x%08x", first))
              + " at byte 0 and no record start in its "
              + r.size()
              + " bytes");
    }
  }

  private static void readSequentially(RecordIoReader r, Records out) throws IOException {
    long pos = 0;
    while (pos < r.size()) {
      RecordIoReader.Record rec;
      try {
        rec = r.readAt(pos);
      } catch (RecordIoCorruptException e) {
        long next = r.findNextHead(pos + 4);
        String skipped =
            next < 0
                ? "; no record starts after it (" + (r.size() - pos) + " bytes not read)"
                : "; skipped " + (next - pos) + " bytes to the next record at byte offset " + next;
        out.reject(pos, RejectReason.CORRUPT_RECORD, e.getMessage() + skipped);
        if (next < 0) {
          return;
        }
        pos = next;
        continue;
      }
      out.add(rec);
      pos = rec.end();
    }
  }

  private static void readIndexed(RecordIoReader r, Path idx, String idxDisplay, Records out)
      throws IOException {
    try (BufferedReader in = Files.newBufferedReader(idx, StandardCharsets.UTF_8)) {
      int lineNo = 0;
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        lineNo++;
        String l = line.strip();
        if (l.isEmpty()) {
          continue;
        }
        String[] cols = l.split("\t");
        long offset;
        try {
          if (cols.length != 2) {
            throw new NumberFormatException();
          }
          offset = Long.parseLong(cols[1].strip());
        } catch (NumberFormatException e) {
          out.rejections.add(
              new Rejection(
                  idxDisplay + ":" + lineNo,
                  RejectReason.MALFORMED_ANNOTATION,
                  idxDisplay
                      + ":"
                      + lineNo
                      + ": expected \"<key><TAB><byte offset>\", got \""
                      + abbreviate(line)
                      + "\""));
          continue;
        }
        try {
          out.add(r.readAt(offset));
        } catch (RecordIoCorruptException e) {
          out.reject(
              offset,
              RejectReason.CORRUPT_RECORD,
              e.getMessage() + " (listed in " + idxDisplay + ":" + lineNo + ")");
        }
      }
    }
  }

  private static String abbreviate(String s) {
    String t = s.replace("\t", "\\t");
    return t.length() <= 80 ? t : t.substring(0, 77) + "...";
  }

  /** Where one file's records go. */
  private static final class Records {
    final Path file;
    final String display;
    final String tag;
    final List<String> names;
    final List<LabeledImage> images;
    final List<Rejection> rejections;
    final int[] maxId;

    Records(
        Path file,
        String display,
        String tag,
        List<String> names,
        List<LabeledImage> images,
        List<Rejection> rejections,
        int[] maxId) {
      this.file = file;
      this.display = display;
      this.tag = tag;
      this.names = names;
      this.images = images;
      this.rejections = rejections;
      this.maxId = maxId;
    }

    String source(long offset) {
      return display + "@" + offset;
    }

    void reject(long offset, RejectReason reason, String detail) {
      rejections.add(new Rejection(source(offset), reason, detail));
    }

    void add(RecordIoReader.Record rec) {
      String where = display + " at byte offset " + rec.offset();
      ImageRecord ir;
      MxLabels.Parsed parsed;
      ImageInfo info;
      try {
        ir = ImageRecord.unpack(rec.payload());
      } catch (InvalidImageRecordException e) {
        reject(
            rec.offset(),
            e.labelWidth() ? RejectReason.LABEL_WIDTH_MISMATCH : RejectReason.CORRUPT_RECORD,
            where + ": " + e.getMessage());
        return;
      }
      String stem = Sources.stem(file.getFileName().toString());
      try {
        info = ImageHeaders.read(ir.image(), where);
      } catch (IOException e) {
        reject(rec.offset(), RejectReason.IMAGE_UNREADABLE, e.getMessage());
        return;
      }
      float[] values = ir.flag() == 0 ? new float[] {ir.label()} : ir.labels();
      try {
        parsed = MxLabels.parse(values, info.width(), info.height(), names);
      } catch (InvalidImageRecordException e) {
        reject(
            rec.offset(),
            e.labelWidth() ? RejectReason.LABEL_WIDTH_MISMATCH : RejectReason.MALFORMED_ANNOTATION,
            where + ": " + e.getMessage());
        return;
      }
      maxId[0] = Math.max(maxId[0], parsed.maxClassId());
      String ext = info.format() == ImageFormat.JPEG ? "jpg" : info.format().tfName();
      String filename = stem + "-" + Long.toUnsignedString(ir.id()) + "." + ext;
      images.add(
          new LabeledImage(
              source(rec.offset()),
              EmbeddedImage.reference(file, rec.offset()),
              filename,
              info.width(),
              info.height(),
              parsed.boxes(),
              parsed.imageLabel(),
              tag));
    }
  }
}
