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
        CsvReader {

  /**
   * Reads a dataset.
   *
   * @param input a folder, or for single-file formats the annotation file itself
   * @throws LabelFormatException when a dataset-wide annotation file is malformed
   */
  ReadResult read(Path input) throws IOException;
}
