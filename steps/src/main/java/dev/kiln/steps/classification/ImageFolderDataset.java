package dev.kiln.steps.classification;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * Reads one split of an EasyMaker image-classification dataset: {@code {label}/image.png|jpg}, the
 * label being the image's folder name. Images are decoded and stretched to the input size once, as
 * they are read.
 *
 * <p>Bad input is reported, never fatal by itself: a label folder with no images, a file that is not
 * PNG or JPEG, an image that does not decode, an image outside any label folder, a label the
 * training split does not have. Each is a {@link Problem} naming the file and the reason; the sample
 * is skipped and counted. Only a split with no readable image at all fails, in {@link
 * Split#requireNonEmpty()}.
 */
public final class ImageFolderDataset {
  private ImageFolderDataset() {}

  /** One readable image and its label. */
  public record Sample(Path file, String label, byte[] rgb) {
    public Sample {
      requireNonNull(file, "file");
      requireNonNull(label, "label");
      requireNonNull(rgb, "rgb");
    }
  }

  /** A skipped file or folder and why, in the user's terms. */
  public record Problem(String split, String file, String reason) {
    @Override
    public String toString() {
      return split + "/" + file + ": " + reason;
    }
  }

  /**
   * A split as read.
   *
   * @param labels the label folders that hold at least one readable image, sorted
   */
  public record Split(String name, List<String> labels, List<Sample> samples, List<Problem> problems) {
    public Split {
      labels = List.copyOf(labels);
      samples = List.copyOf(samples);
      problems = List.copyOf(problems);
    }

    /** This split, or a {@link ClassificationInputException} saying why it has nothing to train on. */
    public Split requireNonEmpty() {
      if (!samples.isEmpty()) {
        return this;
      }
      String why =
          problems.isEmpty()
              ? "it holds no image (expected " + name + "/{label}/image.png or .jpg)"
              : "none of its files is a readable image in a label folder ("
                  + problems.size()
                  + " skipped; first: "
                  + problems.get(0)
                  + ")";
      throw new ClassificationInputException("input \"" + name + "\": " + why);
    }
  }

  /**
   * Reads {@code root} as split {@code name}.
   *
   * @param classes the labels the split may use (the training split's); null accepts any
   */
  public static Split read(Path root, String name, int inputSize, List<String> classes) {
    List<Sample> samples = new ArrayList<>();
    List<Problem> problems = new ArrayList<>();
    Set<String> labels = new TreeSet<>();
    if (!Files.isDirectory(root)) {
      return new Split(name, List.of(), List.of(), List.of());
    }
    List<Path> all;
    try (Stream<Path> s = Files.walk(root, java.nio.file.FileVisitOption.FOLLOW_LINKS)) {
      all = s.sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    for (Path p : all) {
      String rel = root.relativize(p).toString().replace('\\', '/');
      if (p.equals(root)) {
        continue;
      }
      if (Files.isDirectory(p)) {
        if (holdsNoImage(p)) {
          problems.add(new Problem(name, rel + "/", "label folder holds no PNG or JPEG image"));
        }
        continue;
      }
      String fileName = p.getFileName().toString();
      if (fileName.startsWith(".")) {
        continue;
      }
      if (!ClassifierImages.isImageName(fileName)) {
        problems.add(new Problem(name, rel, "not a PNG or JPEG file (by its extension)"));
        continue;
      }
      if (p.getParent().equals(root)) {
        problems.add(
            new Problem(name, rel, "image outside a label folder (expected {label}/" + fileName + ")"));
        continue;
      }
      String label = p.getParent().getFileName().toString();
      if (classes != null && !classes.contains(label)) {
        problems.add(
            new Problem(name, rel, "label \"" + label + "\" is not a class of train " + classes));
        continue;
      }
      byte[] rgb;
      try {
        rgb = ClassifierImages.load(p, inputSize);
      } catch (IOException e) {
        problems.add(new Problem(name, rel, e.getMessage()));
        continue;
      }
      samples.add(new Sample(p, label, rgb));
      labels.add(label);
    }
    return new Split(name, List.copyOf(labels), samples, problems);
  }

  private static boolean holdsNoImage(Path dir) {
    try (Stream<Path> s = Files.list(dir)) {
      List<Path> entries = s.toList();
      boolean hasSubfolder = entries.stream().anyMatch(Files::isDirectory);
      return !hasSubfolder
          && entries.stream().noneMatch(e -> ClassifierImages.isImageName(e.getFileName().toString()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
