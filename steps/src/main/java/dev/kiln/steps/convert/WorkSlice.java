package dev.kiln.steps.convert;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * A run of consecutive images, the unit the pipeline starts from. Few large elements instead of one
 * per image: the DirectRunner reads a created source in small bundles a few hundred milliseconds
 * apart, which for thousands of single images cost seconds before any work began.
 *
 * @param items the images, in input order
 */
record WorkSlice(List<WorkItem> items) implements Serializable {
  /** Images per slice: small enough to spread over the workers, large enough to be few. */
  static final int SIZE = 256;

  WorkSlice {
    items = List.copyOf(items);
  }

  /** Cuts a list into slices of at most {@link #SIZE}, keeping the order. */
  static List<WorkSlice> of(List<WorkItem> all) {
    List<WorkSlice> out = new ArrayList<>();
    for (int i = 0; i < all.size(); i += SIZE) {
      out.add(new WorkSlice(all.subList(i, Math.min(all.size(), i + SIZE))));
    }
    return out;
  }
}
