#!/usr/bin/env python3
"""One Optuna sampler on one test function for several seeds, for `kiln bench tune`.

Usage: optuna_tune.py PROBLEM SAMPLER SEEDS TRIALS NOISE_SD
  PROBLEM   branin | hartmann6 | noisy-branin
  SAMPLER   tpe (Optuna's default TPESampler) | tpe-multivariate | random
  SEEDS     comma-separated integers; each seeds the sampler and the noise
  TRIALS    trials per seed
  NOISE_SD  standard deviation of the Gaussian noise of noisy-branin

Prints one JSON object on stdout: {"optuna": VERSION, "problem", "sampler",
"runs": [{"seed", "x": [[...] per trial], "values": [observed value per trial]}]},
and a line per finished seed on stderr. The functions and the noise are the same as
dev.kiln.bench.tune.Problem and Noise on the Java side, which checks every value it gets back.
"""
import json
import math
import sys
import time
import warnings

M64 = (1 << 64) - 1


def mix(z):
    """SplitMix64's finaliser, as Noise.mix in Java."""
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M64
    return z ^ (z >> 31)


def noise(seed, trial):
    """A standard normal draw fixed by (seed, 1-based trial number), as Noise.gaussian."""
    base = (seed * 0x9E3779B97F4A7C15) & M64
    a = mix((base + 2 * trial) & M64)
    b = mix((base + 2 * trial + 1) & M64)
    u1 = ((a >> 11) + 1) * 2.0 ** -53
    u2 = (b >> 11) * 2.0 ** -53
    return math.sqrt(-2.0 * math.log(u1)) * math.cos(2.0 * math.pi * u2)


def branin(x):
    x1, x2 = x
    b = 5.1 / (4 * math.pi ** 2)
    c = 5 / math.pi
    t = 1 / (8 * math.pi)
    return (x2 - b * x1 ** 2 + c * x1 - 6) ** 2 + 10 * (1 - t) * math.cos(x1) + 10


ALPHA = [1.0, 1.2, 3.0, 3.2]
A = [
    [10, 3, 17, 3.5, 1.7, 8],
    [0.05, 10, 17, 0.1, 8, 14],
    [3, 3.5, 1.7, 10, 17, 8],
    [17, 8, 0.05, 10, 0.1, 14],
]
P = [
    [1312, 1696, 5569, 124, 8283, 5886],
    [2329, 4135, 8307, 3736, 1004, 9991],
    [2348, 1451, 3522, 2883, 3047, 6650],
    [4047, 8828, 8732, 5743, 1091, 381],
]


def hartmann6(x):
    total = 0.0
    for i in range(4):
        inner = 0.0
        for j in range(6):
            inner += A[i][j] * (x[j] - P[i][j] * 1e-4) ** 2
        total += ALPHA[i] * math.exp(-inner)
    return -total


def space(problem):
    if problem in ("branin", "noisy-branin"):
        return [("x1", -5.0, 10.0), ("x2", 0.0, 15.0)]
    if problem == "hartmann6":
        return [("x%d" % (j + 1), 0.0, 1.0) for j in range(6)]
    raise SystemExit("unknown problem %r (known: branin, hartmann6, noisy-branin)" % problem)


def make_sampler(optuna, name, seed):
    if name == "tpe":
        return optuna.samplers.TPESampler(seed=seed)
    if name == "tpe-multivariate":
        return optuna.samplers.TPESampler(seed=seed, multivariate=True)
    if name == "random":
        return optuna.samplers.RandomSampler(seed=seed)
    raise SystemExit("unknown sampler %r (known: tpe, tpe-multivariate, random)" % name)


def main(argv):
    if len(argv) != 6:
        raise SystemExit(__doc__)
    problem, sampler_name, seeds, trials, noise_sd = argv[1:]
    seeds = [int(s) for s in seeds.split(",")]
    trials = int(trials)
    noise_sd = float(noise_sd)
    dims = space(problem)
    f = hartmann6 if problem == "hartmann6" else branin
    import optuna

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    warnings.simplefilter("ignore")
    runs = []
    for seed in seeds:
        start = time.time()
        xs = []
        values = []

        def objective(trial):
            x = [trial.suggest_float(name, lo, hi) for name, lo, hi in dims]
            v = f(x)
            if problem == "noisy-branin":
                v += noise_sd * noise(seed, trial.number + 1)
            xs.append(x)
            values.append(v)
            return v

        study = optuna.create_study(
            direction="minimize", sampler=make_sampler(optuna, sampler_name, seed)
        )
        study.optimize(objective, n_trials=trials)
        runs.append({"seed": seed, "x": xs, "values": values})
        print(
            "optuna %s %s seed %d: %d trials in %.1f s"
            % (sampler_name, problem, seed, trials, time.time() - start),
            file=sys.stderr,
            flush=True,
        )
    json.dump(
        {"optuna": optuna.__version__, "problem": problem, "sampler": sampler_name, "runs": runs},
        sys.stdout,
    )
    sys.stdout.write("\n")


if __name__ == "__main__":
    main(sys.argv)
