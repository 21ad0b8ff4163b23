package dev.kiln.lineage;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Another Kiln process: opens the store in {@code args[0]}, says "ready", holds it until stdin
 * closes.
 */
public final class HoldingStore {
  private HoldingStore() {}

  public static void main(String[] args) throws IOException {
    LineageStore store = LineageStore.open(StoreConfig.ofHome(Path.of(args[0])));
    try {
      System.out.println("ready");
      System.out.flush();
      while (System.in.read() >= 0) {
        // wait for the parent to close our stdin
      }
    } finally {
      store.close();
    }
  }
}
