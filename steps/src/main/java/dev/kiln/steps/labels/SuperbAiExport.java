package dev.kiln.steps.labels;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * The files of one Superb AI Suite label export, unpacked in a folder or inside a {@code .zip},
 * addressed by their path inside the export ({@code project.json}, {@code meta/ds/a.jpg.json},
 * {@code labels/<id>.json}).
 */
abstract sealed class SuperbAiExport implements Closeable
    permits SuperbAiExport.Folder, SuperbAiExport.Zip {

  static final String PROJECT = "project.json";

  /** The file as the user knows it, for messages: {@code export/meta/ds/a.json}. */
  abstract String display(String path);

  /** Whether the export holds this file. */
  abstract boolean exists(String path);

  /** The file's bytes; the caller checked {@link #exists}. */
  abstract byte[] read(String path) throws IOException;

  /** Paths of {@code meta/**.json}, sorted. */
  abstract List<String> metaFiles() throws IOException;

  /** Whether a folder entry list (paths with {@code /}) looks like an export. */
  static boolean looksLikeExport(String path) {
    return path.equals(PROJECT) || path.startsWith("meta/") && path.endsWith(".json");
  }

  /** An unpacked export below {@code dir}; {@code root} is the input, for display names. */
  static final class Folder extends SuperbAiExport {
    private final Path dir;
    private final Path root;

    Folder(Path dir, Path root) {
      this.dir = dir;
      this.root = root;
    }

    Path dir() {
      return dir;
    }

    @Override
    String display(String path) {
      return Sources.relative(root, dir.resolve(path));
    }

    @Override
    boolean exists(String path) {
      return Files.isRegularFile(dir.resolve(path));
    }

    Path file(String path) {
      return dir.resolve(path);
    }

    @Override
    byte[] read(String path) throws IOException {
      return Files.readAllBytes(dir.resolve(path));
    }

    @Override
    List<String> metaFiles() throws IOException {
      Path meta = dir.resolve("meta");
      if (!Files.isDirectory(meta)) {
        return List.of();
      }
      List<String> out = new ArrayList<>();
      for (Path p : Sources.files(meta, 4, f -> Sources.extension(f).equals("json"))) {
        out.add(dir.relativize(p).toString().replace('\\', '/'));
      }
      return out;
    }

    @Override
    public void close() {}
  }

  /** An export inside a zip archive, possibly below one top folder. */
  static final class Zip extends SuperbAiExport {
    private final ZipFile zip;
    private final String shownName;
    private final String prefix;

    private Zip(ZipFile zip, String shownName, String prefix) {
      this.zip = zip;
      this.shownName = shownName;
      this.prefix = prefix;
    }

    /**
     * Opens a zip; empty when it holds no export.
     *
     * @throws LabelFormatException when the file is not a readable zip archive
     */
    static java.util.Optional<Zip> open(Path file, String shownName) throws IOException {
      ZipFile zip;
      try {
        zip = new ZipFile(file.toFile());
      } catch (ZipException e) {
        throw new LabelFormatException(
            shownName,
            0,
            0,
            "",
            "not a readable zip archive ("
                + e.getMessage()
                + "); expected a Superb AI Suite export: project.json,"
                + " meta/<dataset>/<data_key>.json and labels/<label_id>.json");
      }
      String prefix = null;
      for (Enumeration<? extends ZipEntry> en = zip.entries(); en.hasMoreElements(); ) {
        String n = en.nextElement().getName().replace('\\', '/');
        String p = exportPrefix(n);
        if (p != null && (prefix == null || p.length() < prefix.length())) {
          prefix = p;
        }
      }
      if (prefix == null) {
        zip.close();
        return java.util.Optional.empty();
      }
      return java.util.Optional.of(new Zip(zip, shownName, prefix));
    }

    /** The folder an entry's export starts at ({@code ""} or {@code "top/"}), or null. */
    private static String exportPrefix(String entry) {
      String[] parts = entry.split("/");
      for (int i = 0; i < parts.length && i <= 2; i++) {
        String rest = String.join("/", java.util.Arrays.copyOfRange(parts, i, parts.length));
        if (looksLikeExport(rest)) {
          return i == 0 ? "" : String.join("/", java.util.Arrays.copyOfRange(parts, 0, i)) + "/";
        }
      }
      return null;
    }

    @Override
    String display(String path) {
      return shownName + "!" + prefix + path;
    }

    @Override
    boolean exists(String path) {
      ZipEntry e = zip.getEntry(prefix + path);
      return e != null && !e.isDirectory();
    }

    @Override
    byte[] read(String path) throws IOException {
      try (InputStream in = zip.getInputStream(zip.getEntry(prefix + path))) {
        return in.readAllBytes();
      }
    }

    @Override
    List<String> metaFiles() {
      List<String> out = new ArrayList<>();
      for (Enumeration<? extends ZipEntry> en = zip.entries(); en.hasMoreElements(); ) {
        ZipEntry e = en.nextElement();
        String n = e.getName().replace('\\', '/');
        if (!e.isDirectory() && n.startsWith(prefix)) {
          String rel = n.substring(prefix.length());
          if (rel.startsWith("meta/") && rel.endsWith(".json")) {
            out.add(rel);
          }
        }
      }
      out.sort(null);
      return out;
    }

    @Override
    public void close() throws IOException {
      zip.close();
    }
  }
}
