package dev.kiln.bench.tune;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.runner.cli.spi.BenchmarkCommand;
import dev.kiln.runner.tuning.search.RandomSampler;
import dev.kiln.runner.tuning.search.Sampler;
import dev.kiln.runner.tuning.search.TpeSampler;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.LongFunction;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code kiln bench tune}: Kiln's TPE and random search against Optuna's TPE (multivariate and
 * default) and random samplers on Branin, Hartmann-6 and a noisy Branin, as regret (best value
 * found less the global minimum) after a number of trials, median and 80th percentile over seeds;
 * and whether Kiln's TPE meets issue 13's targets.
 */
public final class TuneBenchCommand implements BenchmarkCommand {
  static final String KILN_TPE = "kiln-tpe";
  static final String KILN_RANDOM = "kiln-random";
  static final String OPTUNA_PREFIX = "optuna-";
  /** Targets are judged at checkpoints of this many trials and more (issue 13: 50 and 100). */
  static final int TARGET_FROM = 50;

  static final double TARGET_VS_OPTUNA = 1.0;
  static final double TARGET_VS_RANDOM = 1.0 / 3;

  @Override
  public String name() {
    return "tune";
  }

  @Override
  public Object command() {
    return new Run();
  }

  @Command(
      name = "tune",
      description =
          "Regret of Kiln's and Optuna's samplers on Branin, Hartmann-6 and a noisy Branin after"
              + " 20, 50 and 100 trials, median and p80 over seeds; prints Markdown tables with"
              + " PASS/FAIL against issue 13's targets. Optuna runs in --python.")
  static final class Run implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(
        names = "--seeds",
        defaultValue = "20",
        description = "seeds 1..N per sampler and problem (default ${DEFAULT-VALUE})")
    int seeds;

    @Option(
        names = "--trials",
        split = ",",
        defaultValue = "20,50,100",
        description = "checkpoints; each run has as many trials as the largest (default ${DEFAULT-VALUE})")
    List<Integer> checkpoints;

    @Option(
        names = "--problems",
        split = ",",
        defaultValue = "branin,hartmann6,noisy-branin",
        description = "test functions (default ${DEFAULT-VALUE})")
    List<String> problemNames;

    @Option(names = "--json", description = "also write every number, per seed, to this file")
    Path json;

    @Option(
        names = "--python",
        defaultValue = "/usr/bin/python3",
        description = "the Python that has optuna (default ${DEFAULT-VALUE})")
    String python;

    @Option(names = "--no-optuna", description = "run Kiln's samplers only")
    boolean noOptuna;

    @Option(
        names = "--first-seed",
        defaultValue = "1",
        description = "seeds run from this one (default ${DEFAULT-VALUE}); tune on others than you report")
    long firstSeed;

    @Option(
        names = "--tpe",
        description =
            "Kiln's TPE as STARTUP,CANDIDATES[,univariate] instead of TpeSampler(seed)'s defaults")
    String tpe;

    @Override
    public Integer call() throws IOException {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      List<String> problems = checkOptions(err);
      if (problems == null) {
        return 2;
      }
      List<Problem> todo = new ArrayList<>();
      for (String name : problems) {
        todo.add(Problem.byCliName(name));
      }
      List<Integer> cps = new ArrayList<>(checkpoints);
      cps.sort(null);
      int trials = cps.get(cps.size() - 1);
      List<Long> seedList = new ArrayList<>();
      for (long s = firstSeed; s < firstSeed + seeds; s++) {
        seedList.add(s);
      }
      OptunaRunner optuna = new OptunaRunner(python);
      String optunaVersion = null;
      try {
        if (!noOptuna) {
          OptunaRunner.VersionOrProblem v = optuna.version();
          if (v.problem() != null) {
            err.println("kiln bench tune: " + v.problem());
            err.flush();
            return 2;
          }
          optunaVersion = v.version();
        }
        out.printf(
            Locale.ROOT,
            "kiln bench tune: %d seeds (%d-%d), %d trials per run, checkpoints %s; noisy-branin"
                + " noise sd %s; Kiln TPE %s; %s%n%n",
            seeds, firstSeed, firstSeed + seeds - 1, trials, cps, Problem.NOISY_BRANIN.noiseSd(),
            tpe == null ? "TpeSampler(seed) defaults" : "--tpe " + tpe,
            optunaVersion == null ? "Optuna not run" : "Optuna " + optunaVersion + " (" + python + ")");
        out.flush();
        Results results = new Results(todo, cps);
        int units = todo.size() * (2 + (noOptuna ? 0 : OptunaRunner.SAMPLERS.size()));
        int unit = 0;
        long start = System.nanoTime();
        for (Problem p : todo) {
          // One untimed run first, so the suggest times are not the JIT's warm-up.
          KilnRunner.run(tpeSampler().apply(0), p, 0, trials, null);
          for (String key : List.of(KILN_TPE, KILN_RANDOM)) {
            long t0 = System.nanoTime();
            LongFunction<Sampler> make = key.equals(KILN_TPE) ? tpeSampler() : RandomSampler::new;
            List<SeedRun> runs = new ArrayList<>();
            List<long[]> times = new ArrayList<>();
            for (long seed : seedList) {
              long[] nanos = new long[trials];
              runs.add(KilnRunner.run(make.apply(seed), p, seed, trials, nanos));
              times.add(nanos);
            }
            results.put(p, key, runs);
            if (key.equals(KILN_TPE)) {
              results.suggestNanos.put(p, times);
            }
            progress(err, ++unit, units, key, p, seeds, trials, t0, start);
          }
          if (!noOptuna) {
            for (String s : OptunaRunner.SAMPLERS) {
              long t0 = System.nanoTime();
              results.put(
                  p, OPTUNA_PREFIX + s, optuna.run(p, s, seedList, trials, line -> {
                    err.println("  python: " + line);
                    err.flush();
                  }));
              progress(err, ++unit, units, OPTUNA_PREFIX + s, p, seeds, trials, t0, start);
            }
          }
        }
        results.print(out, seeds, trials);
        if (json != null) {
          new ObjectMapper()
              .writerWithDefaultPrettyPrinter()
              .writeValue(json.toFile(), results.toJson(seeds, trials, optunaVersion, python));
          out.println();
          out.println("wrote " + json);
        }
        out.flush();
        return 0;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        err.println("kiln bench tune: interrupted");
        err.flush();
        return 130;
      } catch (IOException | IllegalStateException e) {
        err.println("kiln bench tune: " + e.getMessage());
        err.flush();
        return 1;
      }
    }

    private LongFunction<Sampler> tpeSampler() {
      if (tpe == null) {
        return TpeSampler::new;
      }
      String[] f = tpe.split(",");
      int startup = Integer.parseInt(f[0].trim());
      int candidates = Integer.parseInt(f[1].trim());
      boolean multivariate = f.length < 3;
      return seed -> new TpeSampler(seed, startup, candidates, multivariate);
    }

    /** The problems to run, or null after printing what is wrong with the options. */
    private List<String> checkOptions(PrintWriter err) {
      List<String> wrong = new ArrayList<>();
      if (seeds < 1) {
        wrong.add("--seeds must be at least 1, got " + seeds);
      }
      if (checkpoints.isEmpty() || checkpoints.stream().anyMatch(c -> c < 1)) {
        wrong.add("--trials needs trial counts of at least 1, got " + checkpoints);
      }
      for (String n : problemNames) {
        try {
          Problem.byCliName(n);
        } catch (IllegalArgumentException e) {
          wrong.add("--problems: " + e.getMessage());
        }
      }
      if (tpe != null && !tpe.matches("\\s*\\d+\\s*,\\s*[1-9]\\d*\\s*(,\\s*univariate\\s*)?")) {
        wrong.add("--tpe must be STARTUP,CANDIDATES[,univariate], e.g. 10,24, got \"" + tpe + "\"");
      }
      if (wrong.isEmpty()) {
        return problemNames;
      }
      wrong.forEach(w -> err.println("kiln bench tune: " + w));
      err.flush();
      return null;
    }

    private static void progress(
        PrintWriter err,
        int unit,
        int units,
        String key,
        Problem p,
        int seeds,
        int trials,
        long t0,
        long start) {
      err.printf(
          Locale.ROOT,
          "[%2d/%d] %s on %s: %d seeds x %d trials in %.1f s (%.0f s so far)%n",
          unit, units, key, p.cliName(), seeds, trials, (System.nanoTime() - t0) / 1e9,
          (System.nanoTime() - start) / 1e9);
      err.flush();
    }
  }

  /** Every run by problem and sampler, and the summaries drawn from them. */
  static final class Results {
    final List<Problem> problems;
    final List<Integer> checkpoints;
    final Map<Problem, Map<String, List<SeedRun>>> runs = new LinkedHashMap<>();
    final Map<Problem, List<long[]>> suggestNanos = new LinkedHashMap<>();

    Results(List<Problem> problems, List<Integer> checkpoints) {
      this.problems = List.copyOf(problems);
      this.checkpoints = List.copyOf(checkpoints);
    }

    void put(Problem p, String sampler, List<SeedRun> seedRuns) {
      runs.computeIfAbsent(p, k -> new LinkedHashMap<>()).put(sampler, List.copyOf(seedRuns));
    }

    List<Double> regrets(Problem p, String sampler, int n) {
      List<Double> out = new ArrayList<>();
      for (SeedRun r : runs.get(p).get(sampler)) {
        out.add(r.regretAfter(n, p.globalMin()));
      }
      return out;
    }

    double median(Problem p, String sampler, int n) {
      return Stats.median(regrets(p, sampler, n));
    }

    /** One target check: a ratio of median regrets against its bound. */
    record Check(Problem problem, int trials, String against, double ratio, double bound) {
      boolean pass() {
        return ratio <= bound;
      }
    }

    List<Check> checks() {
      List<Check> out = new ArrayList<>();
      for (Problem p : problems) {
        Map<String, List<SeedRun>> bySampler = runs.get(p);
        for (int n : checkpoints) {
          if (n < TARGET_FROM) {
            continue;
          }
          double kiln = median(p, KILN_TPE, n);
          for (String s : bySampler.keySet()) {
            if (s.startsWith(OPTUNA_PREFIX + "tpe")) {
              out.add(new Check(p, n, s, Stats.ratio(kiln, median(p, s, n)), TARGET_VS_OPTUNA));
            }
          }
          out.add(
              new Check(p, n, KILN_RANDOM, Stats.ratio(kiln, median(p, KILN_RANDOM, n)), TARGET_VS_RANDOM));
        }
      }
      return out;
    }

    void print(PrintWriter out, int seeds, int trials) {
      out.println();
      out.printf(
          Locale.ROOT,
          "Regret (noiseless value of the best observed trial - global minimum), median / p80 over"
              + " %d seeds%n%n",
          seeds);
      StringBuilder head = new StringBuilder("| problem | sampler |");
      StringBuilder rule = new StringBuilder("|---|---|");
      for (int n : checkpoints) {
        head.append(" ").append(n).append(" trials: median | p80 |");
        rule.append("---:|---:|");
      }
      out.println(head);
      out.println(rule);
      for (Problem p : problems) {
        for (String s : runs.get(p).keySet()) {
          StringBuilder row = new StringBuilder("| " + p.cliName() + " | " + s + " |");
          for (int n : checkpoints) {
            List<Double> r = regrets(p, s, n);
            row.append(String.format(Locale.ROOT, " %.3g | %.3g |", Stats.median(r), Stats.p80(r)));
          }
          out.println(row);
        }
      }
      out.println();
      List<Check> checks = checks();
      if (checks.isEmpty()) {
        out.println("No checkpoint of " + TARGET_FROM + " trials or more: targets not judged.");
      } else {
        out.println(
            "Targets (issue 13): Kiln TPE median regret / Optuna TPE's <= 1.0, / Kiln random's <= 1/3,"
                + " at " + TARGET_FROM + " trials and more");
        out.println();
        out.println("| problem | trials | Kiln TPE / | ratio of medians | target | result |");
        out.println("|---|---:|---|---:|---:|---|");
        for (Check c : checks) {
          out.printf(
              Locale.ROOT,
              "| %s | %d | %s | %.3f | <= %.3f | %s |%n",
              c.problem().cliName(), c.trials(), c.against(), c.ratio(), c.bound(),
              c.pass() ? "PASS" : "FAIL");
        }
        long passed = checks.stream().filter(Check::pass).count();
        out.println();
        out.printf(Locale.ROOT, "%d of %d targets PASS%n", passed, checks.size());
      }
      if (!suggestNanos.isEmpty()) {
        out.println();
        out.printf(
            Locale.ROOT,
            "Kiln TPE time per suggest (ms), median / p80 over seeds: at trial %d (a history of %d),"
                + " and the mean over all %d suggests of a run%n%n",
            trials, trials - 1, trials);
        out.println("| problem | at trial " + trials + ": median | p80 | mean per run: median |");
        out.println("|---|---:|---:|---:|");
        for (var e : suggestNanos.entrySet()) {
          List<Double> last = lastSuggestMillis(e.getValue());
          List<Double> mean = meanSuggestMillis(e.getValue());
          out.printf(
              Locale.ROOT,
              "| %s | %.3f | %.3f | %.3f |%n",
              e.getKey().cliName(), Stats.median(last), Stats.p80(last), Stats.median(mean));
        }
      }
    }

    static List<Double> lastSuggestMillis(List<long[]> nanos) {
      List<Double> out = new ArrayList<>();
      for (long[] n : nanos) {
        out.add(n[n.length - 1] / 1e6);
      }
      return out;
    }

    static List<Double> meanSuggestMillis(List<long[]> nanos) {
      List<Double> out = new ArrayList<>();
      for (long[] n : nanos) {
        double s = 0;
        for (long v : n) {
          s += v;
        }
        out.add(s / n.length / 1e6);
      }
      return out;
    }

    Map<String, Object> toJson(int seeds, int trials, String optunaVersion, String python) {
      Map<String, Object> root = new LinkedHashMap<>();
      root.put("date", Instant.now().toString());
      root.put("seeds", seeds);
      root.put("trials", trials);
      root.put("checkpoints", checkpoints);
      root.put("noisyBraninNoiseSd", Problem.NOISY_BRANIN.noiseSd());
      root.put("optuna", optunaVersion);
      root.put("python", optunaVersion == null ? null : python);
      List<Object> rs = new ArrayList<>();
      for (Problem p : problems) {
        for (String s : runs.get(p).keySet()) {
          Map<String, Object> r = new LinkedHashMap<>();
          r.put("problem", p.cliName());
          r.put("globalMin", p.globalMin());
          r.put("sampler", s);
          List<Object> at = new ArrayList<>();
          for (int n : checkpoints) {
            List<Double> reg = regrets(p, s, n);
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("trials", n);
            c.put("medianRegret", Stats.median(reg));
            c.put("p80Regret", Stats.p80(reg));
            c.put("regretBySeed", reg);
            at.add(c);
          }
          r.put("checkpoints", at);
          rs.add(r);
        }
      }
      root.put("results", rs);
      List<Object> cs = new ArrayList<>();
      for (Check c : checks()) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("problem", c.problem().cliName());
        m.put("trials", c.trials());
        m.put("kilnTpeOver", c.against());
        m.put("ratioOfMedians", Double.isInfinite(c.ratio()) ? "Infinity" : c.ratio());
        m.put("target", c.bound());
        m.put("pass", c.pass());
        cs.add(m);
      }
      root.put("targets", cs);
      Map<String, Object> t = new LinkedHashMap<>();
      for (var e : suggestNanos.entrySet()) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("lastSuggestMillisMedian", Stats.median(lastSuggestMillis(e.getValue())));
        m.put("lastSuggestMillisP80", Stats.p80(lastSuggestMillis(e.getValue())));
        m.put("meanSuggestMillisMedian", Stats.median(meanSuggestMillis(e.getValue())));
        t.put(e.getKey().cliName(), m);
      }
      root.put("kilnTpeSuggestTime", t);
      return root;
    }
  }
}
