package dev.kiln.steps.labels;

import static com.google.common.base.Preconditions.checkArgument;

import com.google.common.hash.Hashing;
import java.io.IOException;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Assigns an image to a split. Every strategy decides from the image alone, never from its position
 * in the input, so the split is the same in a plain run and in a parallel Beam run.
 */
public sealed interface Splitter extends Serializable
    permits Splitter.ByRatio, Splitter.ByTag, Splitter.ByFileList {

  String TRAIN = "train";
  String TEST = "test";
  String VALIDATION = "validation";

  /** The split of an image, or empty when this strategy cannot place it. */
  Optional<String> assign(LabeledImage image);

  /** Splits that always exist (their shard files are created even when empty). */
  List<String> declaredSplits();

  /** The rejection for an image {@link #assign} could not place. */
  default Rejection unassigned(LabeledImage image) {
    return new Rejection(
        image.sourceId(), RejectReason.NO_SPLIT, "no split for this image: " + this.describe());
  }

  /** One line for messages and metadata. */
  String describe();

  /**
   * A fraction of images to {@code train}, the rest to {@code test}, by a seeded hash of the source
   * id: deterministic, independent of record order, and stable when images are added.
   */
  record ByRatio(double trainFraction, long seed) implements Splitter {
    public ByRatio {
      checkArgument(
          trainFraction >= 0 && trainFraction <= 1,
          "train fraction must be in [0, 1], got %s",
          trainFraction);
    }

    @Override
    public Optional<String> assign(LabeledImage image) {
      return Optional.of(unitHash(image.sourceId(), seed) < trainFraction ? TRAIN : TEST);
    }

    /** A uniform value in [0, 1) from the id and the seed. */
    static double unitHash(String id, long seed) {
      long h =
          Hashing.murmur3_128()
              .newHasher()
              .putLong(seed)
              .putString(id, StandardCharsets.UTF_8)
              .hash()
              .asLong();
      return (h >>> 11) * 0x1.0p-53;
    }

    @Override
    public List<String> declaredSplits() {
      return List.of(TRAIN, TEST);
    }

    @Override
    public String describe() {
      return "ratio " + trainFraction + " train, seed " + seed;
    }
  }

  /**
   * The split the source names (folder, column, channel), normalized: {@code training} → train,
   * {@code testing} → test, {@code val}/{@code valid}/{@code dev}/{@code eval} → validation. Images
   * without a tag go to {@code fallback} when given, else are rejected.
   */
  record ByTag(Splitter fallback) implements Splitter {
    private static final Map<String, String> ALIASES =
        Map.of(
            "training", TRAIN,
            "testing", TEST,
            "val", VALIDATION,
            "valid", VALIDATION,
            "dev", VALIDATION,
            "eval", VALIDATION);

    /** Tags only: untagged images are rejected. */
    public static ByTag strict() {
      return new ByTag(null);
    }

    /** The canonical split name for a tag. */
    public static String normalize(String tag) {
      String t = tag.strip().toLowerCase(Locale.ROOT);
      return ALIASES.getOrDefault(t, t);
    }

    @Override
    public Optional<String> assign(LabeledImage image) {
      if (image.splitTag() != null) {
        return Optional.of(normalize(image.splitTag()));
      }
      return fallback == null ? Optional.empty() : fallback.assign(image);
    }

    @Override
    public List<String> declaredSplits() {
      return List.of();
    }

    @Override
    public String describe() {
      return "split tags from the source"
          + (fallback == null ? " (untagged images rejected)" : ", else " + fallback.describe());
    }
  }

  /**
   * Splits given as lists of images, one entry per line: a source id ({@code train/a.jpg}), a file
   * name ({@code a.jpg}) or a stem ({@code a}, as in VOC's {@code ImageSets}). An image in no list
   * is rejected; an image in several goes to the first split given.
   */
  record ByFileList(Map<String, Set<String>> entriesBySplit) implements Splitter {
    public ByFileList {
      Map<String, Set<String>> copy = new LinkedHashMap<>();
      entriesBySplit.forEach((k, v) -> copy.put(Objects.requireNonNull(k), Set.copyOf(v)));
      entriesBySplit = java.util.Collections.unmodifiableMap(copy);
    }

    /**
     * Reads one list file per split ({@code split name → file}); blank lines and {@code #} comments
     * skipped.
     */
    public static ByFileList read(Map<String, Path> files) throws IOException {
      Map<String, Set<String>> m = new LinkedHashMap<>();
      for (Map.Entry<String, Path> e : files.entrySet()) {
        java.util.HashSet<String> entries = new java.util.HashSet<>();
        for (String line : Files.readAllLines(e.getValue(), StandardCharsets.UTF_8)) {
          String s = line.strip();
          if (!s.isEmpty() && !s.startsWith("#")) {
            entries.add(s);
          }
        }
        m.put(e.getKey(), entries);
      }
      return new ByFileList(m);
    }

    @Override
    public Optional<String> assign(LabeledImage image) {
      String stem = Sources.stem(image.filename());
      for (Map.Entry<String, Set<String>> e : entriesBySplit.entrySet()) {
        Set<String> s = e.getValue();
        if (s.contains(image.sourceId()) || s.contains(image.filename()) || s.contains(stem)) {
          return Optional.of(e.getKey());
        }
      }
      return Optional.empty();
    }

    @Override
    public List<String> declaredSplits() {
      return List.copyOf(entriesBySplit.keySet());
    }

    @Override
    public String describe() {
      Map<String, Integer> sizes = new HashMap<>();
      entriesBySplit.forEach((k, v) -> sizes.put(k, v.size()));
      return "file lists " + sizes;
    }
  }
}
