package dev.kiln.pipelines.types;

/** Sharded TFRecord files of tf.Example records, as convert-labels writes them. */
public abstract class TfRecordShards extends Files {
  private TfRecordShards() {}
}
