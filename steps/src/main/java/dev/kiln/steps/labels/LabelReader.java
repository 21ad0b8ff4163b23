package dev.kiln.steps.labels;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Reads one label format into {@link LabeledImage}s. A problem confined to one annotation (a
 * per-image file, a manifest or CSV line) becomes a {@link Rejection}; a broken dataset-wide file
 * (a COCO JSON, {@code classes.txt}) throws {@link LabelFormatException}, since nothing sensible
 * can be converted from it.
 */
public sealed interface LabelReader
    permits CocoReader,
        SageMakerJsonReader,
        SageMakerManifestReader,
        VocReader,
        YoloReader,
        ImageFolderReader,
        CsvReader,
        SuperbAiReader,
        RecordIoLabelReader,
        LstReader {

  /**
   * Reads a dataset.
   *
   * @param input a folder, or for single-file formats the annotation file itself
   * @throws LabelFormatException when a dataset-wide annotation file is malformed
   */
  default ReadResult read(Path input) throws IOException {
    return read(input, InputScope.of(input));
  }

  /**
   * Reads a dataset, opening only files inside {@code scope}; an image referenced from elsewhere is
   * rejected as {@link RejectReason#OUTSIDE_INPUT}.
   *
   * @param input a folder, or for single-file formats the annotation file itself
   * @param scope the folders files may be read from; should contain {@code input}'s folder
   * @throws LabelFormatException when a dataset-wide annotation file is malformed
   */
  ReadResult read(Path input, InputScope scope) throws IOException;
}
