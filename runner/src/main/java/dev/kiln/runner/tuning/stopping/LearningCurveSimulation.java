package dev.kiln.runner.tuning.stopping;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Simulated tuning jobs for measuring a stopping rule: each trial's accuracy climbs towards its own
 * final value, {@code final * (1 - exp(-step / tau))} plus Gaussian noise, with the final value
 * uniform in [0.5, 0.95] and tau uniform in [5, 25] steps. Trials run {@code parallel} at a time in
 * lock step; the rule is asked after every step of every running trial, seeing the others' curves
 * as recorded so far. The result compares the steps run and the best final value (the best last
 * value of any trial) with running every trial to the end.
 */
public final class LearningCurveSimulation {
  private LearningCurveSimulation() {}

  /** What one simulated job cost and found, with the rule and without. */
  public record Outcome(long stepsWithRule, long stepsWithout, double bestWithRule, double bestWithout) {
    /** The share of trial steps the rule saved, 0..1. */
    public double savedFraction() {
      return 1.0 - (double) stepsWithRule / stepsWithout;
    }

    /** How far the best final value fell below the one found without stopping, 0..1. */
    public double relativeLoss() {
      return (bestWithout - bestWithRule) / Math.abs(bestWithout);
    }
  }

  /** {@code trials} curves of {@code steps} steps each, from {@code seed}. */
  public static double[][] curves(long seed, int trials, int steps, double noise) {
    SplittableRandom random = new SplittableRandom(seed);
    double[][] c = new double[trials][steps];
    for (int t = 0; t < trials; t++) {
      double fin = 0.5 + 0.45 * random.nextDouble();
      double tau = 5 + 20 * random.nextDouble();
      for (int s = 0; s < steps; s++) {
        double gauss = gaussian(random);
        c[t][s] = fin * (1 - Math.exp(-(s + 1) / tau)) + noise * gauss;
      }
    }
    return c;
  }

  private static double gaussian(SplittableRandom random) {
    double u = 1 - random.nextDouble();
    double v = random.nextDouble();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** Runs the job on these curves (maximising) with the rule, and without it. */
  public static Outcome run(double[][] curves, StoppingRule rule, int parallel) {
    int trials = curves.length;
    int steps = curves[0].length;
    double bestWithout = Double.NEGATIVE_INFINITY;
    for (double[] c : curves) {
      bestWithout = Math.max(bestWithout, c[steps - 1]);
    }
    List<List<Curve.Point>> seen = new ArrayList<>();
    boolean[] finished = new boolean[trials];
    for (int t = 0; t < trials; t++) {
      seen.add(new ArrayList<>());
    }
    long stepsRun = 0;
    double best = Double.NEGATIVE_INFINITY;
    int next = 0;
    List<Integer> running = new ArrayList<>();
    while (next < trials || !running.isEmpty()) {
      while (running.size() < parallel && next < trials) {
        running.add(next++);
      }
      List<Integer> still = new ArrayList<>();
      for (int t : running) {
        List<Curve.Point> points = seen.get(t);
        int s = points.size();
        points.add(new Curve.Point(s + 1, curves[t][s]));
        stepsRun++;
        boolean end = s + 1 == steps;
        boolean stop = false;
        if (!end) {
          List<Curve> others = new ArrayList<>();
          for (int o = 0; o < trials; o++) {
            if (o != t && !seen.get(o).isEmpty()) {
              others.add(new Curve(o + 1, seen.get(o), finished[o]));
            }
          }
          stop = rule.shouldStop(new Curve(t + 1, points, false), others, true).isPresent();
        }
        if (end || stop) {
          finished[t] = true;
          best = Math.max(best, curves[t][s]);
        } else {
          still.add(t);
        }
      }
      running = still;
    }
    return new Outcome(stepsRun, (long) trials * steps, best, bestWithout);
  }
}
