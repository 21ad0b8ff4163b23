package dev.kiln.steps.labels;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The folders a reader may open files in: the dataset's input folders, compared after resolving
 * links. An image reference that resolves elsewhere (an absolute {@code file_name}, one climbing
 * with {@code ../}, a symbolic link pointing out) is rejected with {@link
 * RejectReason#OUTSIDE_INPUT} and never opened, so the output, its lineage and its cache key only
 * ever depend on the step's inputs.
 *
 * @param roots the allowed folders, absolute and normalized, each also as its real path
 */
public record InputScope(List<Path> roots) {
  public InputScope {
    if (roots.isEmpty()) {
      throw new IllegalArgumentException("an input scope needs at least one folder");
    }
    List<Path> all = new ArrayList<>();
    for (Path r : roots) {
      Path abs = r.toAbsolutePath().normalize();
      all.add(abs);
      try {
        if (Files.exists(abs)) {
          all.add(abs.toRealPath());
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    roots = List.copyOf(all);
  }

  /** The folder of {@code input} (the input itself, or a single file's folder) and {@code more}. */
  public static InputScope of(Path input, List<Path> more) {
    List<Path> r = new ArrayList<>();
    r.add(Files.isDirectory(input) ? input : input.toAbsolutePath().getParent());
    r.addAll(more);
    return new InputScope(r);
  }

  /** The folder of {@code input} only. */
  public static InputScope of(Path input) {
    return of(input, List.of());
  }

  /**
   * Why {@code file} may not be opened, or null when it lies inside the scope. A file that does
   * not exist is judged by its normalized path (it is then reported missing by the caller).
   */
  public String outside(Path file) {
    Path abs = file.toAbsolutePath().normalize();
    if (!inside(abs)) {
      return "resolves to " + abs + ", outside the input folders " + shown();
    }
    if (Files.exists(abs) || Files.isSymbolicLink(abs)) {
      Path real;
      try {
        real = abs.toRealPath();
      } catch (IOException e) {
        // a dangling link: where it points cannot be checked, so it is not followed
        return "is a link that cannot be resolved (" + e.getMessage() + ")";
      }
      if (!inside(real)) {
        return "links to " + real + ", outside the input folders " + shown();
      }
    }
    return null;
  }

  private boolean inside(Path p) {
    for (Path r : roots) {
      if (p.startsWith(r)) {
        return true;
      }
    }
    return false;
  }

  private String shown() {
    return roots.stream().distinct().map(Path::toString).toList().toString();
  }
}
