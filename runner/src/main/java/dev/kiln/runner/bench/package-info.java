/** Benchmarks of Kiln's own overhead, run with {@code ./kiln bench}. */
package dev.kiln.runner.bench;
