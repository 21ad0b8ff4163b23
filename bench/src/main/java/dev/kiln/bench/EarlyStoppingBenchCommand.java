package dev.kiln.bench;

import dev.kiln.runner.cli.spi.BenchmarkCommand;
import dev.kiln.runner.tuning.stopping.LearningCurveSimulation;
import dev.kiln.runner.tuning.stopping.MedianStoppingRule;
import dev.kiln.runner.tuning.stopping.StoppingRule;
import dev.kiln.runner.tuning.stopping.SuccessiveHalvingRule;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code kiln bench early-stopping}: the trial steps each stopping rule saves on simulated
 * learning curves ({@link LearningCurveSimulation}) and what it costs in the best final value,
 * median and 80th percentile over seeds.
 */
public final class EarlyStoppingBenchCommand implements BenchmarkCommand {
  @Override
  public String name() {
    return "early-stopping";
  }

  @Override
  public Object command() {
    return new Run();
  }

  @Command(
      name = "early-stopping",
      description =
          "Steps saved and best final value lost by the stopping rules on simulated learning"
              + " curves; prints a Markdown table.")
  static final class Run implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--seeds", defaultValue = "20", description = "jobs (default ${DEFAULT-VALUE})")
    int seeds;

    @Option(names = "--trials", defaultValue = "20", description = "trials per job (default ${DEFAULT-VALUE})")
    int trials;

    @Option(names = "--steps", defaultValue = "100", description = "steps per trial (default ${DEFAULT-VALUE})")
    int steps;

    @Option(names = "--parallel", defaultValue = "2", description = "trials at a time (default ${DEFAULT-VALUE})")
    int parallel;

    @Option(names = "--noise", defaultValue = "0.01", description = "noise sd (default ${DEFAULT-VALUE})")
    double noise;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      Map<String, StoppingRule> rules = new LinkedHashMap<>();
      rules.put("median (3 trials, from step 4)", MedianStoppingRule.defaults());
      rules.put(
          "median of values at the step (Optuna's pruner; 3 trials, from step 4)",
          new MedianStoppingRule(3, 4, MedianStoppingRule.Compare.VALUE_AT_STEP));
      rules.put("successive halving (from step 4, factor 3)", new SuccessiveHalvingRule(4, 3));
      out.printf(
          Locale.ROOT,
          "%d jobs of %d trials x %d steps, %d in parallel, noise %.3g%n%n",
          seeds, trials, steps, parallel, noise);
      out.println("| rule | steps saved, median | p80 | best value lost, median | p80 |");
      out.println("|---|---:|---:|---:|---:|");
      for (var e : rules.entrySet()) {
        List<Double> saved = new ArrayList<>();
        List<Double> lost = new ArrayList<>();
        for (long seed = 1; seed <= seeds; seed++) {
          var o =
              LearningCurveSimulation.run(
                  LearningCurveSimulation.curves(seed, trials, steps, noise), e.getValue(), parallel);
          saved.add(o.savedFraction());
          lost.add(o.relativeLoss());
        }
        out.printf(
            Locale.ROOT,
            "| %s | %.1f%% | %.1f%% | %.2f%% | %.2f%% |%n",
            e.getKey(), 100 * q(saved, 0.5), 100 * q(saved, 0.8), 100 * q(lost, 0.5),
            100 * q(lost, 0.8));
      }
      out.flush();
      return 0;
    }

    private static double q(List<Double> values, double p) {
      List<Double> s = new ArrayList<>(values);
      s.sort(null);
      return s.get((int) Math.min(s.size() - 1, Math.ceil(p * s.size()) - 1));
    }
  }
}
