package dev.kiln.steps.detector;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Reads {@code classes.txt}: one class name a line, in label order (label 1 is the first line). */
final class Classes {
  private Classes() {}

  static List<String> read(List<Path> files, String inputName) throws IOException {
    Path file = null;
    for (Path p : files) {
      if (p.getFileName().toString().equals("classes.txt") || files.size() == 1) {
        file = p;
        break;
      }
    }
    if (file == null) {
      throw new IllegalArgumentException(
          "input \"" + inputName + "\" has no classes.txt (files: " + files.size() + ")");
    }
    List<String> out = new ArrayList<>();
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      if (!line.isBlank()) {
        out.add(line.strip());
      }
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException(file + ": no class names");
    }
    return out;
  }
}
