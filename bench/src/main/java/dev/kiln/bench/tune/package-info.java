/**
 * {@code kiln bench tune}: Kiln's samplers against Optuna's on standard test functions (Branin,
 * Hartmann-6, a noisy Branin), as regret after a number of trials over many seeds. Optuna runs in
 * {@code /usr/bin/python3} from a script kept with these classes; both sides evaluate the same
 * functions with the same noise, and the Java side checks every value the script reports.
 */
package dev.kiln.bench.tune;
