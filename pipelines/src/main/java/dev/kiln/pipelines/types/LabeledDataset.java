package dev.kiln.pipelines.types;

/** A labelled dataset in one of the formats convert-labels reads (COCO, VOC, YOLO, ...). */
public abstract class LabeledDataset extends Files {
  private LabeledDataset() {}
}
