package dev.kiln.steps.labels;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Stream;

/** File-system helpers shared by the readers: ids, image lookup, split tags from folder names. */
final class Sources {
  static final Set<String> IMAGE_EXTENSIONS = Set.of("jpg", "jpeg", "png", "gif", "bmp");

  /** Folder names that mean a split, as exported by Roboflow, YOLO tools, SageMaker channels. */
  static final Set<String> SPLIT_NAMES =
      Set.of("train", "training", "test", "testing", "val", "valid", "validation", "dev", "eval");

  private Sources() {}

  /** {@code file} relative to {@code root} with {@code /} separators; the file name if outside. */
  static String relative(Path root, Path file) {
    Path abs = file.toAbsolutePath().normalize();
    Path r = root.toAbsolutePath().normalize();
    if (abs.startsWith(r) && !abs.equals(r)) {
      return r.relativize(abs).toString().replace('\\', '/');
    }
    return abs.getFileName().toString();
  }

  static String extension(Path p) {
    String n = p.getFileName().toString();
    int dot = n.lastIndexOf('.');
    return dot < 0 ? "" : n.substring(dot + 1).toLowerCase(Locale.ROOT);
  }

  static String stem(String fileName) {
    int slash = fileName.lastIndexOf('/');
    String n = slash < 0 ? fileName : fileName.substring(slash + 1);
    int dot = n.lastIndexOf('.');
    return dot <= 0 ? n : n.substring(0, dot);
  }

  static boolean isImage(Path p) {
    return Files.isRegularFile(p) && IMAGE_EXTENSIONS.contains(extension(p));
  }

  /** Regular files under {@code dir} (up to {@code depth} levels) matching, sorted by path. */
  static List<Path> files(Path dir, int depth, Predicate<Path> filter) throws IOException {
    try (Stream<Path> s = Files.walk(dir, depth)) {
      return s.filter(Files::isRegularFile).filter(filter).sorted().toList();
    }
  }

  /**
   * The first existing candidate, else the first candidate (conversion then reports it missing).
   */
  static Path firstExisting(List<Path> candidates) {
    for (Path c : candidates) {
      if (Files.isRegularFile(c)) {
        return c;
      }
    }
    return candidates.get(0);
  }

  /**
   * The split a path implies: the first folder between root and file whose name is a split name
   * (SageMaker's {@code train_annotation} counts as {@code train}); null if none.
   */
  static String splitTagFromPath(Path root, Path file) {
    Path r = root.toAbsolutePath().normalize();
    Path f = file.toAbsolutePath().normalize();
    if (!f.startsWith(r)) {
      return null;
    }
    Path rel = r.relativize(f);
    for (int i = 0; i < rel.getNameCount() - 1; i++) {
      String tag = splitName(rel.getName(i).toString());
      if (tag != null) {
        return tag;
      }
    }
    return null;
  }

  /** A split name from a folder or file stem, or null. */
  static String splitName(String name) {
    String n = name.toLowerCase(Locale.ROOT);
    if (n.endsWith("_annotation")) {
      n = n.substring(0, n.length() - "_annotation".length());
    }
    return SPLIT_NAMES.contains(n) ? n : null;
  }

  /**
   * Local candidates for an image reference that may be an object-store URI ({@code
   * s3://bucket/key}, {@code gs://bucket/key}): the key under {@code base}, then the bare file name
   * under {@code base} and {@code base/images}.
   */
  static List<Path> candidatesForUri(Path base, String ref) {
    List<Path> out = new ArrayList<>();
    String key = ref;
    int scheme = ref.indexOf("://");
    if (scheme > 0) {
      String rest = ref.substring(scheme + 3);
      int slash = rest.indexOf('/');
      key = slash < 0 ? rest : rest.substring(slash + 1);
    }
    if (!key.isEmpty()) {
      try {
        out.add(base.resolve(key).normalize());
      } catch (java.nio.file.InvalidPathException ignored) {
        // an odd key is still tried by its file name below
      }
    }
    String name = key.substring(key.lastIndexOf('/') + 1);
    if (!name.isEmpty()) {
      out.add(base.resolve(name));
      out.add(base.resolve("images").resolve(name));
    }
    if (out.isEmpty()) {
      out.add(base.resolve(ref.isEmpty() ? "missing-image" : ref.replace('/', '_')));
    }
    return out;
  }

  /**
   * The annotation files that lie inside {@code scope}; each other one (a link pointing out of the
   * inputs) is rejected as {@link RejectReason#OUTSIDE_INPUT} and not read.
   */
  static List<Path> inScope(
      List<Path> files, InputScope scope, Path root, List<Rejection> rejections) {
    List<Path> in = new ArrayList<>(files.size());
    for (Path f : files) {
      String why = scope.outside(f);
      if (why == null) {
        in.add(f);
      } else {
        String shown = relative(root, f);
        rejections.add(
            new Rejection(
                shown,
                RejectReason.OUTSIDE_INPUT,
                "annotation file \"" + shown + "\" " + why + "; it was not read"));
      }
    }
    return in;
  }

  /**
   * Whether {@code image} may be opened; if not, adds an {@link RejectReason#OUTSIDE_INPUT}
   * rejection naming the reference as written and where it leads.
   */
  static boolean insideOrReject(
      Path image, String ref, InputScope scope, String where, List<Rejection> rejections) {
    String why = scope.outside(image);
    if (why == null) {
      return true;
    }
    rejections.add(
        new Rejection(
            where,
            RejectReason.OUTSIDE_INPUT,
            "image \"" + ref + "\" " + why + "; it was not read"));
    return false;
  }

  /**
   * Reads the image header for a size; on failure adds a rejection and returns null. Used by
   * formats whose annotations carry no size (YOLO, folders, CSV) or carry none for this image.
   */
  static ImageInfo headerOrReject(Path image, String sourceId, List<Rejection> rejections) {
    try {
      return ImageHeaders.read(image);
    } catch (NoSuchFileException e) {
      rejections.add(
          new Rejection(sourceId, RejectReason.IMAGE_MISSING, "image file not found: " + image));
    } catch (IOException e) {
      rejections.add(new Rejection(sourceId, RejectReason.IMAGE_UNREADABLE, e.getMessage()));
    }
    return null;
  }
}
