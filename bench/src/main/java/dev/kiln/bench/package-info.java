/**
 * The benchmarks behind {@code ./kiln bench}, outside the production jars. Each is a {@link
 * dev.kiln.runner.cli.spi.BenchmarkCommand} listed in META-INF/services; results go to
 * docs/benchmarks.md with the machine, the date and the load.
 */
package dev.kiln.bench;
