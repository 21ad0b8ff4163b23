package dev.kiln.steps.labels;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.UncheckedIOException;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a conversion did, for the step's metadata and {@code stats.json}. Maps are sorted so that
 * two runs over the same data produce the same file.
 *
 * @param format the label format read
 * @param imagesRead images the reader produced
 * @param examplesWritten records written, over all splits
 * @param examplesPerSplit records per split
 * @param objectsPerSplitAndClass split → class → boxes (or labelled images, for classification)
 * @param rejectionsByReason rejection code → count
 * @param boxesClipped boxes clipped to their image under {@link BoxPolicy#CLIP}
 * @param classes the class list, in label order
 * @param shardFiles file names of the shards written
 * @param bytesWritten bytes of TFRecord output
 * @param elapsedMillis wall time of the conversion
 */
public record ConversionStats(
    String format,
    long imagesRead,
    long examplesWritten,
    Map<String, Long> examplesPerSplit,
    Map<String, Map<String, Long>> objectsPerSplitAndClass,
    Map<String, Long> rejectionsByReason,
    long boxesClipped,
    List<String> classes,
    List<String> shardFiles,
    long bytesWritten,
    long elapsedMillis) {
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  public ConversionStats {
    examplesPerSplit = Collections.unmodifiableMap(new TreeMap<>(examplesPerSplit));
    TreeMap<String, Map<String, Long>> o = new TreeMap<>();
    objectsPerSplitAndClass.forEach(
        (k, v) -> o.put(k, Collections.unmodifiableMap(new TreeMap<>(v))));
    objectsPerSplitAndClass = Collections.unmodifiableMap(o);
    rejectionsByReason = Collections.unmodifiableMap(new TreeMap<>(rejectionsByReason));
    classes = List.copyOf(classes);
    shardFiles = List.copyOf(shardFiles);
  }

  /** Total rejections. */
  public long rejected() {
    return rejectionsByReason.values().stream().mapToLong(Long::longValue).sum();
  }

  /** As pretty-printed JSON, the content of {@code stats.json}. */
  public String toJson() {
    ObjectNode n = JSON.valueToTree(this);
    n.put("rejected", rejected());
    try {
      return JSON.writeValueAsString(n);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }
}
