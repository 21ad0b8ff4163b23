package dev.kiln.steps.synthetic;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkState;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.google.common.base.Throwables;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.Polygon;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import javax.imageio.ImageIO;

/**
 * Generates a detection dataset of circles, squares and triangles in random colours and sizes on
 * textured, noisy backgrounds, several per image, and writes it as COCO in Roboflow's layout:
 * {@code train/_annotations.coco.json} plus images, and the same under {@code test/}. Objects never
 * overlap, so every box is fully visible.
 *
 * <p>Each image is drawn from its own random stream seeded by (seed, index), so the output is the
 * same whatever the order or parallelism of generation, and image {@code i} does not change when
 * {@code count} grows.
 */
public final class SyntheticDataset {
  /** The shape classes, in category-id order (ids from 1). */
  public enum Shape {
    CIRCLE,
    SQUARE,
    TRIANGLE;

    /** The class name, e.g. {@code circle}. */
    public String className() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** Image file format. */
  public enum ImageType {
    JPEG("jpg", "jpeg"),
    PNG("png", "png");

    final String extension;
    final String imageIoName;

    ImageType(String extension, String imageIoName) {
      this.extension = extension;
      this.imageIoName = imageIoName;
    }
  }

  /**
   * Generation settings; {@link #of} gives the defaults (JPEG, 20% test, 1 to 4 objects).
   *
   * @param count number of images
   * @param width image width in pixels (at least 32)
   * @param height image height in pixels (at least 32)
   * @param seed the random seed: same seed, same dataset
   * @param outputDir where {@code train/} and {@code test/} are written
   * @param imageType JPEG or PNG
   * @param testFraction fraction of images in {@code test/}
   * @param minObjects fewest objects per image (may be fewer when the image is crowded)
   * @param maxObjects most objects per image
   * @param threads images drawn and encoded in parallel (the output does not depend on it)
   */
  public record Options(
      int count,
      int width,
      int height,
      long seed,
      Path outputDir,
      ImageType imageType,
      double testFraction,
      int minObjects,
      int maxObjects,
      int threads) {
    public Options {
      checkArgument(count >= 0, "count must be >= 0, got %s", count);
      checkArgument(
          width >= 32 && height >= 32,
          "image size must be at least 32x32, got %sx%s",
          width,
          height);
      Objects.requireNonNull(outputDir, "outputDir");
      Objects.requireNonNull(imageType, "imageType");
      checkArgument(
          testFraction >= 0 && testFraction <= 1,
          "testFraction must be in [0, 1], got %s",
          testFraction);
      checkArgument(
          minObjects >= 0 && maxObjects >= minObjects,
          "need 0 <= minObjects <= maxObjects, got %s..%s",
          minObjects,
          maxObjects);
      checkArgument(threads >= 1, "threads must be at least 1, got %s", threads);
    }

    /** Square images of {@code size} pixels, JPEG, 20% test, 1..4 objects, one thread per core. */
    public static Options of(int count, int size, long seed, Path outputDir) {
      return new Options(
          count,
          size,
          size,
          seed,
          outputDir,
          ImageType.JPEG,
          0.2,
          1,
          4,
          Runtime.getRuntime().availableProcessors());
    }

    public Options withImageType(ImageType type) {
      return new Options(
          count,
          width,
          height,
          seed,
          outputDir,
          type,
          testFraction,
          minObjects,
          maxObjects,
          threads);
    }

    public Options withTestFraction(double fraction) {
      return new Options(
          count,
          width,
          height,
          seed,
          outputDir,
          imageType,
          fraction,
          minObjects,
          maxObjects,
          threads);
    }

    public Options withObjects(int min, int max) {
      return new Options(
          count, width, height, seed, outputDir, imageType, testFraction, min, max, threads);
    }

    public Options withThreads(int n) {
      return new Options(
          count,
          width,
          height,
          seed,
          outputDir,
          imageType,
          testFraction,
          minObjects,
          maxObjects,
          n);
    }
  }

  /** One drawn object, box in pixels: {@code [x, y)} to {@code [x + w, y + h)}. */
  public record SyntheticObject(Shape shape, int x, int y, int w, int h) {}

  /** One image before it is written. */
  public record Rendered(
      int index, String split, BufferedImage image, List<SyntheticObject> objects) {
    public Rendered {
      objects = List.copyOf(objects);
    }
  }

  /**
   * What was generated.
   *
   * @param imagesPerSplit split → images
   * @param objectsPerClass class → objects
   * @param annotationFiles the COCO files written
   */
  public record Summary(
      int images,
      int objects,
      Map<String, Integer> imagesPerSplit,
      Map<String, Integer> objectsPerClass,
      List<Path> annotationFiles,
      long elapsedMillis) {
    public Summary {
      imagesPerSplit = Map.copyOf(imagesPerSplit);
      objectsPerClass = Map.copyOf(objectsPerClass);
      annotationFiles = List.copyOf(annotationFiles);
    }
  }

  public static final String TRAIN = "train";
  public static final String TEST = "test";
  public static final String ANNOTATIONS_FILE = "_annotations.coco.json";

  private SyntheticDataset() {}

  /** Generates and writes the dataset. */
  public static Summary generate(Options o) throws IOException {
    long start = System.nanoTime();
    Map<String, SplitWriter> splits = new LinkedHashMap<>();
    for (String s : List.of(TRAIN, TEST)) {
      Path dir = o.outputDir().resolve(s);
      Files.createDirectories(dir);
      splits.put(s, new SplitWriter(dir));
    }
    Map<String, Integer> perClass = new LinkedHashMap<>();
    int objects = 0;
    ExecutorService pool = Executors.newFixedThreadPool(o.threads(), daemonThreads());
    try {
      List<Future<Written>> futures = new ArrayList<>(o.count());
      for (int i = 0; i < o.count(); i++) {
        int index = i;
        futures.add(pool.submit(() -> renderAndWrite(index, o)));
      }
      for (Future<Written> f : futures) {
        Written w = f.get();
        splits.get(w.split()).images.add(new ImageEntry(w.fileName(), w.objects()));
        objects += w.objects().size();
        for (SyntheticObject obj : w.objects()) {
          perClass.merge(obj.shape().className(), 1, Integer::sum);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("synthetic dataset generation interrupted");
    } catch (ExecutionException e) {
      Throwables.throwIfInstanceOf(e.getCause(), IOException.class);
      Throwables.throwIfUnchecked(e.getCause());
      throw new IOException(e.getCause());
    } finally {
      pool.shutdownNow();
    }
    List<Path> files = new ArrayList<>();
    Map<String, Integer> perSplit = new LinkedHashMap<>();
    for (Map.Entry<String, SplitWriter> e : splits.entrySet()) {
      Path f = e.getValue().dir.resolve(ANNOTATIONS_FILE);
      writeCoco(f, e.getValue().images, o);
      files.add(f);
      perSplit.put(e.getKey(), e.getValue().images.size());
    }
    return new Summary(
        o.count(), objects, perSplit, perClass, files, (System.nanoTime() - start) / 1_000_000);
  }

  private record ImageEntry(String fileName, List<SyntheticObject> objects) {}

  private record Written(String split, String fileName, List<SyntheticObject> objects) {}

  private static Written renderAndWrite(int index, Options o) throws IOException {
    Rendered r = render(index, o);
    String name = String.format("img_%06d.%s", index, o.imageType().extension);
    Path file = o.outputDir().resolve(r.split()).resolve(name);
    try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16)) {
      checkState(
          ImageIO.write(r.image(), o.imageType().imageIoName, out),
          "no ImageIO writer for %s",
          o.imageType());
    }
    return new Written(r.split(), name, r.objects());
  }

  private static ThreadFactory daemonThreads() {
    AtomicInteger n = new AtomicInteger();
    return runnable -> {
      Thread t = new Thread(runnable, "kiln-synthetic-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  private static final class SplitWriter {
    final Path dir;
    final List<ImageEntry> images = new ArrayList<>();

    SplitWriter(Path dir) {
      this.dir = dir;
    }
  }

  /** Draws image {@code index}; a pure function of the options' seed and sizes and the index. */
  public static Rendered render(int index, Options o) {
    SplittableRandom rnd = new SplittableRandom(mix(o.seed(), index));
    String split = rnd.nextDouble() < o.testFraction() ? TEST : TRAIN;
    int w = o.width();
    int h = o.height();
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    background(img, rnd);
    Graphics2D g = img.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
      int wanted = o.minObjects() + rnd.nextInt(o.maxObjects() - o.minObjects() + 1);
      List<SyntheticObject> placed = new ArrayList<>();
      int minSide = Math.min(w, h);
      int smallest = Math.max(8, minSide / 8);
      int largest = Math.max(smallest + 1, minSide / 3);
      for (int attempt = 0; placed.size() < wanted && attempt < wanted * 20; attempt++) {
        Shape shape = Shape.values()[rnd.nextInt(Shape.values().length)];
        int size = smallest + rnd.nextInt(largest - smallest + 1);
        int bw = size;
        int bh =
            shape == Shape.TRIANGLE
                ? Math.max(4, (int) Math.round(size * (0.7 + 0.3 * rnd.nextDouble())))
                : size;
        int x = rnd.nextInt(w - bw + 1);
        int y = rnd.nextInt(h - bh + 1);
        SyntheticObject obj = new SyntheticObject(shape, x, y, bw, bh);
        if (placed.stream().anyMatch(p -> overlaps(p, obj))) {
          continue;
        }
        g.setColor(
            Color.getHSBColor(
                rnd.nextFloat(), 0.6f + 0.4f * rnd.nextFloat(), 0.55f + 0.45f * rnd.nextFloat()));
        switch (shape) {
          case CIRCLE -> g.fillOval(x, y, bw, bh);
          case SQUARE -> g.fillRect(x, y, bw, bh);
          case TRIANGLE ->
              g.fillPolygon(
                  new Polygon(new int[] {x, x + bw, x + bw / 2}, new int[] {y + bh, y + bh, y}, 3));
        }
        placed.add(obj);
      }
      return new Rendered(index, split, img, placed);
    } finally {
      g.dispose();
    }
  }

  private static boolean overlaps(SyntheticObject a, SyntheticObject b) {
    int gap = 2;
    return a.x() < b.x() + b.w() + gap
        && b.x() < a.x() + a.w() + gap
        && a.y() < b.y() + b.h() + gap
        && b.y() < a.y() + a.h() + gap;
  }

  /**
   * A dull two-colour gradient with per-pixel noise and faint stripes: texture, not a flat fill.
   */
  private static void background(BufferedImage img, SplittableRandom rnd) {
    int w = img.getWidth();
    int h = img.getHeight();
    int[] px = ((DataBufferInt) img.getRaster().getDataBuffer()).getData();
    int r0 = 40 + rnd.nextInt(120);
    int g0 = 40 + rnd.nextInt(120);
    int b0 = 40 + rnd.nextInt(120);
    int r1 = 40 + rnd.nextInt(120);
    int g1 = 40 + rnd.nextInt(120);
    int b1 = 40 + rnd.nextInt(120);
    int period = 6 + rnd.nextInt(20);
    int noise = 12 + rnd.nextInt(30);
    long state = rnd.nextLong();
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        double t = (x + y) / (double) (w + h);
        int stripe = ((x + 2 * y) / period) % 2 == 0 ? 8 : -8;
        state = state * 6364136223846793005L + 1442695040888963407L; // LCG: cheap per-pixel noise
        int n = (int) ((state >>> 40) % (2 * noise + 1)) - noise;
        int r = clamp((int) (r0 + (r1 - r0) * t) + stripe + n);
        int g = clamp((int) (g0 + (g1 - g0) * t) + stripe + n);
        int b = clamp((int) (b0 + (b1 - b0) * t) + stripe + n);
        px[y * w + x] = (r << 16) | (g << 8) | b;
      }
    }
  }

  private static int clamp(int v) {
    return v < 0 ? 0 : Math.min(255, v);
  }

  private static long mix(long seed, int index) {
    long z = seed * 0x9E3779B97F4A7C15L + index;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  private static void writeCoco(Path file, List<ImageEntry> images, Options o) throws IOException {
    try (JsonGenerator g = new JsonFactory().createGenerator(file.toFile(), JsonEncoding.UTF8)) {
      g.useDefaultPrettyPrinter();
      g.writeStartObject();
      g.writeObjectFieldStart("info");
      g.writeStringField("description", "Kiln synthetic shapes, seed " + o.seed());
      g.writeEndObject();
      g.writeArrayFieldStart("categories");
      for (Shape s : Shape.values()) {
        g.writeStartObject();
        g.writeNumberField("id", s.ordinal() + 1);
        g.writeStringField("name", s.className());
        g.writeStringField("supercategory", "shape");
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeArrayFieldStart("images");
      for (int i = 0; i < images.size(); i++) {
        g.writeStartObject();
        g.writeNumberField("id", i + 1);
        g.writeStringField("file_name", images.get(i).fileName());
        g.writeNumberField("width", o.width());
        g.writeNumberField("height", o.height());
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeArrayFieldStart("annotations");
      int id = 1;
      for (int i = 0; i < images.size(); i++) {
        for (SyntheticObject obj : images.get(i).objects()) {
          g.writeStartObject();
          g.writeNumberField("id", id++);
          g.writeNumberField("image_id", i + 1);
          g.writeNumberField("category_id", obj.shape().ordinal() + 1);
          g.writeArrayFieldStart("bbox");
          g.writeNumber(obj.x());
          g.writeNumber(obj.y());
          g.writeNumber(obj.w());
          g.writeNumber(obj.h());
          g.writeEndArray();
          g.writeNumberField("area", obj.w() * obj.h());
          g.writeNumberField("iscrowd", 0);
          g.writeArrayFieldStart("segmentation");
          g.writeEndArray();
          g.writeEndObject();
        }
      }
      g.writeEndArray();
      g.writeEndObject();
    }
  }

  /**
   * {@code SyntheticDataset OUTPUT_DIR [COUNT [SIZE [SEED]]]}: writes a dataset, prints a summary.
   */
  public static void main(String[] args) throws IOException {
    if (args.length < 1) {
      System.err.println("usage: SyntheticDataset OUTPUT_DIR [COUNT=200] [SIZE=256] [SEED=42]");
      System.exit(2);
    }
    int count = args.length > 1 ? Integer.parseInt(args[1]) : 200;
    int size = args.length > 2 ? Integer.parseInt(args[2]) : 256;
    long seed = args.length > 3 ? Long.parseLong(args[3]) : 42;
    Summary s = generate(Options.of(count, size, seed, Path.of(args[0])));
    System.out.println(
        "{\"images\": "
            + s.images()
            + ", \"objects\": "
            + s.objects()
            + ", \"elapsed_ms\": "
            + s.elapsedMillis()
            + "}");
  }
}
