package dev.kiln.steps.convert;

import dev.kiln.steps.labels.Rejection;
import java.io.Serializable;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/** What the pipeline reports back to the driver: a rejection, or the result of one shard. */
sealed interface ReportEntry extends Serializable
    permits ReportEntry.Rejected, ReportEntry.ShardWritten {

  /**
   * A rejection at a position in the plain converter's order.
   *
   * @param index the image's index ({@code -1} for rejections of the reader)
   * @param seq the rejection's number within that image
   */
  record Rejected(long index, int seq, Rejection rejection) implements ReportEntry {
    public Rejected {
      Objects.requireNonNull(rejection, "rejection");
    }
  }

  /**
   * One shard file written.
   *
   * @param split the split name
   * @param fileName the shard's file name
   * @param records records written to it
   * @param bytes bytes written, framing included
   * @param objectsPerClass class → boxes (or labelled images)
   * @param clippedBoxes boxes clipped among the images routed to this shard
   */
  record ShardWritten(
      String split,
      String fileName,
      long records,
      long bytes,
      Map<String, Long> objectsPerClass,
      long clippedBoxes)
      implements ReportEntry {
    public ShardWritten {
      Objects.requireNonNull(split, "split");
      Objects.requireNonNull(fileName, "fileName");
      objectsPerClass = Collections.unmodifiableMap(new TreeMap<>(objectsPerClass));
    }
  }
}
