package dev.kiln.tests.bench;

import dev.kiln.runner.beam.BeamEngine;
import dev.kiln.runner.beam.BeamSettings;
import dev.kiln.steps.convert.BeamConverter;
import dev.kiln.steps.labels.ConversionStats;
import dev.kiln.steps.labels.ConvertOptions;
import dev.kiln.steps.labels.PlainConverter;
import dev.kiln.steps.synthetic.SyntheticDataset;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Benchmarks {@code convert-labels}: generates (once) a COCO dataset of JPEG images, then converts
 * it with the plain writer, the Beam pipeline on the DirectRunner, and on one embedded Flink, each
 * from a cold page cache (the dataset's pages evicted with {@code posix_fadvise}, when python3 is
 * there) and again warm. Prints a Markdown table: time, records/s, MB/s, ratio to the plain
 * writer's time at the same cache state, and the process's peak RSS during the phase.
 *
 * <p>Usage: {@code ConvertBench [--images N] [--size PIXELS] [--shards N] [--parallelism N] [--work
 * DIR] [--engines plain,direct,flink]}. The dataset is kept in {@code DIR/data} between runs.
 */
public final class ConvertBench {
  private ConvertBench() {}

  /** Settings of one benchmark run. */
  record Settings(
      int images, int size, int shards, int parallelism, Path work, List<String> engines) {}

  /** One measured phase. */
  record Row(
      String engine, String cache, double seconds, long records, long bytes, long peakRssKb) {
    double recordsPerSecond() {
      return records / seconds;
    }

    double mbPerSecond() {
      return bytes / 1e6 / seconds;
    }
  }

  public static void main(String[] args) throws Exception {
    Settings s = parse(args);
    List<Row> rows = run(s, System.err);
    System.out.print(table(s, rows));
  }

  static Settings parse(String[] args) {
    int images = 3000;
    int size = 640;
    int shards = 4;
    int parallelism = Runtime.getRuntime().availableProcessors();
    Path work = Path.of("target/convert-bench");
    List<String> engines = List.of("plain", "direct", "flink");
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException(a + " needs a value");
      }
      String v = args[++i];
      switch (a) {
        case "--images" -> images = Integer.parseInt(v);
        case "--size" -> size = Integer.parseInt(v);
        case "--shards" -> shards = Integer.parseInt(v);
        case "--parallelism" -> parallelism = Integer.parseInt(v);
        case "--work" -> work = Path.of(v);
        case "--engines" -> engines = List.of(v.split(","));
        default ->
            throw new IllegalArgumentException(
                "unknown option "
                    + a
                    + " (known: --images --size --shards --parallelism --work --engines)");
      }
    }
    return new Settings(images, size, shards, parallelism, work.toAbsolutePath(), engines);
  }

  static List<Row> run(Settings s, PrintStream log) throws Exception {
    Path data = s.work().resolve("data-" + s.images() + "-" + s.size());
    if (!Files.exists(data.resolve("done"))) {
      deleteTree(data);
      log.printf("generating %d images of %dx%d in %s%n", s.images(), s.size(), s.size(), data);
      SyntheticDataset.Summary sum =
          SyntheticDataset.generate(SyntheticDataset.Options.of(s.images(), s.size(), 1, data));
      log.printf("generated in %.1f s%n", sum.elapsedMillis() / 1000.0);
      Files.writeString(data.resolve("done"), "ok\n");
    }
    log.printf("dataset: %d images, %.1f MB of images%n", s.images(), datasetBytes(data) / 1e6);
    List<Row> rows = new ArrayList<>();
    Path out = s.work().resolve("out");
    if (s.engines().contains("plain")) {
      for (String cache : List.of("cold", "warm")) {
        rows.add(measure("plain", cache, s, data, out, o -> PlainConverter.convert(o)));
      }
    }
    if (s.engines().contains("direct")) {
      try (BeamEngine direct = new BeamEngine(BeamSettings.direct(s.parallelism()))) {
        for (String cache : List.of("cold", "warm")) {
          rows.add(
              measure(
                  "beam-direct",
                  cache,
                  s,
                  data,
                  out,
                  o -> BeamConverter.convert(o, direct.beamArgs(), progress(log))));
        }
      }
    }
    if (s.engines().contains("flink")) {
      try (BeamEngine flink = new BeamEngine(BeamSettings.embeddedFlink(s.parallelism()))) {
        // The first job also starts the embedded Flink, as the first Beam step of a run does.
        for (String cache : List.of("cold (+ Flink start)", "cold", "warm")) {
          rows.add(
              measure(
                  "beam-flink",
                  cache,
                  s,
                  data,
                  out,
                  o -> BeamConverter.convert(o, flink.beamArgs(), progress(log))));
        }
      }
    }
    return rows;
  }

  private static BeamConverter.ProgressListener progress(PrintStream log) {
    return (done, total) -> log.printf("  records: %d/%d%n", done, total);
  }

  @FunctionalInterface
  interface Conversion {
    ConversionStats convert(ConvertOptions options) throws Exception;
  }

  private static Row measure(
      String engine, String cache, Settings s, Path data, Path out, Conversion c) throws Exception {
    deleteTree(out);
    if (cache.startsWith("cold")) {
      evict(data);
    }
    System.gc();
    resetPeakRss();
    log(engine + " " + cache);
    long t0 = System.nanoTime();
    ConversionStats stats =
        c.convert(
            ConvertOptions.builder()
                .setInput(data)
                .setOutputDir(out)
                .optShards(s.shards())
                .build());
    double seconds = (System.nanoTime() - t0) / 1e9;
    Row r =
        new Row(engine, cache, seconds, stats.examplesWritten(), stats.bytesWritten(), peakRssKb());
    log(
        String.format(
            Locale.ROOT,
            "%s %s: %.2f s, %.0f records/s, %.1f MB/s, peak RSS %d MB",
            engine,
            cache,
            seconds,
            r.recordsPerSecond(),
            r.mbPerSecond(),
            r.peakRssKb() / 1024));
    return r;
  }

  private static void log(String line) {
    System.err.println(line);
  }

  static String table(Settings s, List<Row> rows) {
    StringBuilder sb = new StringBuilder();
    sb.append(
        String.format(
            Locale.ROOT,
            "%d images %dx%d, %d shards per split, parallelism %d, max heap %d MB%n%n",
            s.images(),
            s.size(),
            s.size(),
            s.shards(),
            s.parallelism(),
            Runtime.getRuntime().maxMemory() / (1024 * 1024)));
    sb.append(
        "| engine | page cache | time (s) | records/s | MB/s | time / plain | peak RSS (MB) |\n");
    sb.append("|---|---|---:|---:|---:|---:|---:|\n");
    for (Row r : rows) {
      String plainCache = r.cache().startsWith("cold") ? "cold" : "warm";
      double plain =
          rows.stream()
              .filter(p -> p.engine().equals("plain") && p.cache().equals(plainCache))
              .findFirst()
              .map(Row::seconds)
              .orElse(Double.NaN);
      sb.append(
          String.format(
              Locale.ROOT,
              "| %s | %s | %.2f | %.0f | %.1f | %.2fx | %d |%n",
              r.engine(),
              r.cache(),
              r.seconds(),
              r.recordsPerSecond(),
              r.mbPerSecond(),
              r.seconds() / plain,
              r.peakRssKb() / 1024));
    }
    return sb.toString();
  }

  /**
   * Drops the dataset's pages from the page cache (posix_fadvise DONTNEED through python3), so a
   * cold run reads from disk; only this dataset, not the whole machine's cache.
   */
  static boolean evict(Path data) throws IOException, InterruptedException {
    String script =
        "import os,sys\n"
            + "for d,_,fs in os.walk(sys.argv[1]):\n"
            + "  for f in fs:\n"
            + "    fd=os.open(os.path.join(d,f),os.O_RDONLY)\n"
            + "    os.posix_fadvise(fd,0,0,os.POSIX_FADV_DONTNEED)\n"
            + "    os.close(fd)\n";
    try {
      Process p =
          new ProcessBuilder("python3", "-c", script, data.toString())
              .redirectErrorStream(true)
              .start();
      String outText = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      boolean ok = p.waitFor() == 0;
      if (!ok) {
        log("could not evict the page cache: " + outText.strip());
      }
      return ok;
    } catch (IOException e) {
      log("could not evict the page cache (no python3?): " + e.getMessage());
      return false;
    }
  }

  /** Resets the kernel's peak-RSS mark of this process (Linux: "5" to clear_refs). */
  static void resetPeakRss() {
    try {
      Files.writeString(Path.of("/proc/self/clear_refs"), "5");
    } catch (IOException e) {
      // not Linux, or not allowed: the peak then covers the whole process life
    }
  }

  /** The process's peak RSS (VmHWM) in KiB, or -1 where /proc is missing. */
  static long peakRssKb() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmHWM:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
      }
    } catch (IOException e) {
      return -1;
    }
    return -1;
  }

  private static long datasetBytes(Path data) throws IOException {
    try (Stream<Path> s = Files.walk(data)) {
      return s.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
