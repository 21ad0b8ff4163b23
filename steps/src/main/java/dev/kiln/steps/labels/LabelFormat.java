package dev.kiln.steps.labels;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** The label formats {@code convert-labels} reads, by the name a user gives in {@code format=}. */
public enum LabelFormat {
  COCO("coco"),
  SAGEMAKER_JSON("sagemaker-json"),
  SAGEMAKER_MANIFEST("sagemaker-manifest"),
  PASCAL_VOC("voc"),
  YOLO("yolo"),
  IMAGE_FOLDERS("folders"),
  CSV("csv"),
  SUPERBAI("superbai"),
  RECORDIO("recordio"),
  LST("lst");

  private final String id;

  LabelFormat(String id) {
    this.id = id;
  }

  /** The name used in parameters, e.g. {@code sagemaker-manifest}. */
  public String id() {
    return id;
  }

  /** A fresh reader for this format. */
  public LabelReader reader() {
    return switch (this) {
      case COCO -> new CocoReader();
      case SAGEMAKER_JSON -> new SageMakerJsonReader();
      case SAGEMAKER_MANIFEST -> new SageMakerManifestReader();
      case PASCAL_VOC -> new VocReader();
      case YOLO -> new YoloReader();
      case IMAGE_FOLDERS -> new ImageFolderReader();
      case CSV -> new CsvReader();
      case SUPERBAI -> new SuperbAiReader();
      case RECORDIO -> new RecordIoLabelReader();
      case LST -> new LstReader();
    };
  }

  /**
   * A fresh reader configured by format-specific options (see {@link
   * ConvertOptions#formatOptions()}); formats without options ignore them.
   */
  public LabelReader reader(java.util.Map<String, String> options) {
    if (this == SUPERBAI) {
      return new SuperbAiReader(
          SuperbAiReader.PolygonPolicy.parse(options.getOrDefault("polygons", "skip")),
          options.containsKey("tag_splits")
              ? SuperbAiReader.parseTagSplits(options.get("tag_splits"))
              : SuperbAiReader.DEFAULT_TAG_SPLITS);
    }
    return reader();
  }

  /** Looks a format up by its id ({@code auto} is not a format: use {@link #detect}). */
  public static LabelFormat fromId(String id) {
    for (LabelFormat f : values()) {
      if (f.id.equalsIgnoreCase(id.strip())) {
        return f;
      }
    }
    throw new IllegalArgumentException(
        "unknown label format \""
            + id
            + "\" (known: "
            + Arrays.stream(values()).map(LabelFormat::id).collect(Collectors.joining(", "))
            + ")");
  }

  /**
   * Guesses the format of a file or folder from names and a peek at contents, in this order: a
   * Superb AI Suite export ({@code project.json} or {@code meta/}, unpacked or zipped), COCO
   * ({@code _annotations.coco.json}), a manifest ({@code .manifest}/{@code .jsonl}), VOC XML, YOLO
   * ({@code classes.txt}/{@code obj.names}), JSON with COCO keys or SageMaker's {@code file}, CSV,
   * then folders of images. MXNet RecordIO ({@code .rec} starting with its magic) comes right after
   * COCO (before manifests, so that a folder Kiln wrote, with its {@code rejected.jsonl}, reads as
   * RecordIO), image lists ({@code .lst}) right after manifests.
   *
   * @throws LabelFormatException naming what was found and how to name the format explicitly
   */
  public static LabelFormat detect(Path input) throws IOException {
    if (Files.isRegularFile(input)) {
      String ext = Sources.extension(input);
      switch (ext) {
        case "manifest", "jsonl" -> {
          return SAGEMAKER_MANIFEST;
        }
        case "csv" -> {
          return CSV;
        }
        case "xml" -> {
          return PASCAL_VOC;
        }
        case "zip" -> {
          if (SuperbAiReader.isExport(input)) {
            return SUPERBAI;
          }
        }
        case "rec" -> {
          if (RecordIoLabelReader.looksLikeRecordIo(input)) {
            return RECORDIO;
          }
        }
        case "lst" -> {
          return LST;
        }
        case "json" -> {
          Set<String> keys = JsonSniffer.topLevelKeys(input);
          if (keys.contains("images") || keys.contains("categories") && !keys.contains("file")) {
            return COCO;
          }
          if (keys.contains("file")) {
            return SAGEMAKER_JSON;
          }
        }
        default -> {
          // fall through to the error below
        }
      }
      throw undetected(input, "a file with extension ." + ext);
    }
    if (!Files.isDirectory(input)) {
      throw new LabelFormatException(input.toString(), 0, 0, "", "input does not exist");
    }
    List<Path> all;
    try (Stream<Path> s = Files.walk(input, 4)) {
      all = s.filter(Files::isRegularFile).sorted().limit(200_000).toList();
    }
    if (SuperbAiReader.isExport(input)) {
      return SUPERBAI;
    }
    if (all.stream().anyMatch(p -> p.getFileName().toString().equals(CocoReader.DEFAULT_FILE))) {
      return COCO;
    }
    for (Path p : all) {
      if (Sources.extension(p).equals("rec") && RecordIoLabelReader.looksLikeRecordIo(p)) {
        return RECORDIO;
      }
    }
    if (all.stream().anyMatch(p -> Set.of("manifest", "jsonl").contains(Sources.extension(p)))) {
      return SAGEMAKER_MANIFEST;
    }
    if (all.stream().anyMatch(p -> Sources.extension(p).equals("lst"))) {
      return LST;
    }
    for (Path p : all) {
      if (Sources.extension(p).equals("xml") && startsWith(p, "<annotation")) {
        return PASCAL_VOC;
      }
    }
    if (all.stream().anyMatch(p -> YoloReader.CLASS_FILES.contains(p.getFileName().toString()))) {
      return YOLO;
    }
    for (Path p : all) {
      if (Sources.extension(p).equals("json")) {
        Set<String> keys = JsonSniffer.topLevelKeys(p);
        if (keys.contains("images") && keys.contains("annotations")) {
          return COCO;
        }
        if (keys.contains("file") && keys.contains("annotations")) {
          return SAGEMAKER_JSON;
        }
      }
    }
    if (all.stream().anyMatch(p -> Sources.extension(p).equals("csv"))) {
      return CSV;
    }
    if (all.stream()
        .anyMatch(
            p ->
                Sources.IMAGE_EXTENSIONS.contains(Sources.extension(p))
                    && !p.getParent().equals(input))) {
      return IMAGE_FOLDERS;
    }
    List<String> exts =
        new ArrayList<>(
            all.stream()
                .map(Sources::extension)
                .collect(Collectors.toCollection(java.util.TreeSet::new)));
    return throwUndetected(
        input,
        all.size()
            + " files (extensions: "
            + (exts.isEmpty() ? "none" : String.join(", ", exts))
            + ")");
  }

  private static LabelFormat throwUndetected(Path input, String found) {
    throw undetected(input, found);
  }

  private static LabelFormatException undetected(Path input, String found) {
    return new LabelFormatException(
        input.toString(),
        0,
        0,
        "",
        "cannot detect the label format from "
            + found
            + "; name it with format="
            + Arrays.stream(values()).map(LabelFormat::id).collect(Collectors.joining("|")));
  }

  private static boolean startsWith(Path p, String marker) throws IOException {
    byte[] head = new byte[4096];
    int n;
    try (InputStream in = Files.newInputStream(p)) {
      n = in.readNBytes(head, 0, head.length);
    }
    return new String(head, 0, n, StandardCharsets.UTF_8).toLowerCase(Locale.ROOT).contains(marker);
  }
}
