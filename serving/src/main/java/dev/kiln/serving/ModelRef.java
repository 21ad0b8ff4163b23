package dev.kiln.serving;

import dev.kiln.lineage.LineageStore;
import dev.kiln.lineage.artifact.ArtifactStore;
import dev.kiln.lineage.model.Direction;
import dev.kiln.lineage.model.ExecutionDetail;
import dev.kiln.lineage.model.ExecutionRecord;
import dev.kiln.lineage.model.LineageEdge;
import dev.kiln.lineage.model.LineageGraph;
import dev.kiln.lineage.model.LineageNode;
import dev.kiln.lineage.model.OutputFile;
import dev.kiln.pipelines.spi.ModelLoaders;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * What {@code --model REF} names, as a local model folder: a folder (or one holding a {@code
 * model/} folder), a {@code datum://} of any file of a model output, or {@code RUN_ID/NODE} (that
 * node's model output in the lineage store). A model from the store is put together in a
 * temporary folder of links to the artifact store's files, removed by {@link #close()}.
 *
 * @param dir the model folder
 * @param name a default endpoint name: the node name for a model from the store, else the folder's
 * @param version the execution id that made the model, or "1" for a plain folder
 * @param description where the model came from, for the start-up message
 */
public record ModelRef(Path dir, String name, String version, String description, Path temp)
    implements AutoCloseable {

  /**
   * Resolves {@code ref}; {@code store} is opened only for a lineage reference.
   *
   * @throws IllegalArgumentException saying what was looked for and what was found
   */
  public static ModelRef resolve(String ref, Supplier<LineageStore> store, ModelLoaders loaders) {
    if (ref == null || ref.isBlank()) {
      throw new IllegalArgumentException("--model is empty; give a model folder, a datum:// or"
          + " RUN_ID/NODE");
    }
    if (ref.startsWith(ArtifactStore.DATUM_PREFIX)) {
      try (LineageStore s = store.get()) {
        return fromDatum(ref, s, loaders);
      }
    }
    Path p = Path.of(ref);
    if (Files.isDirectory(p)) {
      return fromFolder(p, loaders);
    }
    String[] parts = ref.split("/");
    if (parts.length == 2 && !parts[0].isBlank() && !parts[1].isBlank() && !Files.exists(p)) {
      try (LineageStore s = store.get()) {
        Optional<ExecutionRecord> e = s.findExecution(parts[0], parts[1]);
        if (e.isEmpty()) {
          throw new IllegalArgumentException("--model " + ref + ": no node \"" + parts[1]
              + "\" in run " + parts[0] + " (kiln show " + parts[0] + " lists its nodes)");
        }
        return fromExecution(ref, s, s.executionDetail(e.get().id()), null, loaders);
      }
    }
    throw new IllegalArgumentException("--model " + ref + ": not a folder, a datum:// or"
        + " RUN_ID/NODE");
  }

  private static ModelRef fromFolder(Path p, ModelLoaders loaders) {
    Path dir = p.toAbsolutePath().normalize();
    if (loaders.forFolder(dir).isEmpty() && loaders.forFolder(dir.resolve("model")).isPresent()) {
      dir = dir.resolve("model");
    }
    loaders.require(dir);
    String n = dir.getFileName() == null ? "model" : dir.getFileName().toString();
    if (n.equals("model") && dir.getParent() != null && dir.getParent().getFileName() != null) {
      n = dir.getParent().getFileName().toString();
    }
    return new ModelRef(dir, safeName(n), "1", "folder " + dir, null);
  }

  private static ModelRef fromDatum(String ref, LineageStore s, ModelLoaders loaders) {
    String datum = ArtifactStore.datumIdOf(ArtifactStore.shaOf(ref));
    LineageGraph g;
    try {
      g = s.lineage(datum, Direction.UP, 1);
    } catch (dev.kiln.lineage.NotFoundException e) {
      throw new IllegalArgumentException("--model " + ref + ": " + e.getMessage()
          + "; give the model folder or RUN_ID/NODE");
    }
    for (LineageEdge edge : g.edges()) {
      if (edge.kind() == LineageEdge.Kind.OUTPUT && edge.to().equals(datum)) {
        for (LineageNode n : g.nodes()) {
          if (n instanceof LineageNode.ExecutionNode en && n.id().equals(edge.from())) {
            String folder = parentOf(edge.label());
            return fromExecution(ref, s, s.executionDetail(en.executionId()), folder, loaders);
          }
        }
      }
    }
    throw new IllegalArgumentException("--model " + ref + ": no execution in the lineage store"
        + " made this datum, so its model folder is unknown; give the folder or RUN_ID/NODE");
  }

  private static String parentOf(String path) {
    int slash = path.lastIndexOf('/');
    return slash < 0 ? "" : path.substring(0, slash);
  }

  private static ModelRef fromExecution(
      String ref, LineageStore s, ExecutionDetail d, String folder, ModelLoaders loaders) {
    Map<String, List<OutputFile>> byFolder = new LinkedHashMap<>();
    for (OutputFile f : d.outputs()) {
      byFolder.computeIfAbsent(parentOf(f.path()), k -> new ArrayList<>()).add(f);
    }
    List<String> order = new ArrayList<>();
    if (folder != null) {
      order.add(folder);
    } else {
      if (byFolder.containsKey("model")) {
        order.add("model");
      }
      byFolder.keySet().stream().filter(k -> !k.equals("model")).forEach(order::add);
    }
    ExecutionRecord e = d.execution();
    for (String f : order) {
      List<OutputFile> files = byFolder.getOrDefault(f, List.of());
      Path temp = link(s.artifacts(), files);
      if (loaders.forFolder(temp).isPresent()) {
        return new ModelRef(temp, safeName(e.nodeName()), e.id(),
            (f.isEmpty() ? "outputs" : "output " + f + "/") + " of node " + e.nodeName() + " (execution "
                + e.id() + ", run " + e.runId() + ")",
            temp);
      }
      delete(temp);
    }
    throw new IllegalArgumentException("--model " + ref + ": execution " + e.id() + " (node "
        + e.nodeName() + ") has no model output"
        + (folder != null ? " in " + (folder.isEmpty() ? "its outputs folder" : folder + "/")
            : "")
        + " that a loader reads (artifact types: " + String.join(", ", loaders.artifactTypes())
        + "; outputs: " + d.outputs().stream().map(OutputFile::path).limit(10).toList() + ")");
  }

  private static Path link(ArtifactStore artifacts, List<OutputFile> files) {
    try {
      Path temp = Files.createTempDirectory("kiln-endpoint-");
      for (OutputFile f : files) {
        Path target = temp.resolve(f.path().substring(f.path().lastIndexOf('/') + 1));
        Path stored = artifacts.resolve(f.datumId());
        try {
          Files.createSymbolicLink(target, stored);
        } catch (IOException | UnsupportedOperationException e) {
          Files.copy(stored, target);
        }
      }
      return temp;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot put the model folder together: " + e.getMessage(), e);
    }
  }

  private static String safeName(String n) {
    String s = n.replaceAll("[^A-Za-z0-9._-]", "-").replaceAll("^[^A-Za-z0-9]+", "");
    return s.isEmpty() ? "model" : s.length() > 100 ? s.substring(0, 100) : s;
  }

  private static void delete(Path temp) {
    if (temp == null) {
      return;
    }
    try (Stream<Path> files = Files.walk(temp)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      // a temporary folder of links; the OS cleans it up
    }
  }

  /** Removes the temporary folder of a model from the store. */
  @Override
  public void close() {
    delete(temp);
  }
}
