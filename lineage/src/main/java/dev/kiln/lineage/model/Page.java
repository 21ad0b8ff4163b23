package dev.kiln.lineage.model;

import java.util.List;

/** One page of a longer list; {@code total} counts every match, not just this page. */
public record Page<T>(List<T> items, int offset, int limit, long total) {
  public Page {
    items = List.copyOf(items);
  }

  public boolean hasMore() {
    return offset + items.size() < total;
  }
}
