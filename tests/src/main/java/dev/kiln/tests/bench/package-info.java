/**
 * Benchmarks that need several modules at once. {@link dev.kiln.tests.bench.ConvertBench} measures
 * {@code convert-labels} on the DirectRunner and on the embedded Flink against the plain
 * single-process writer on the same data, in the same run; {@code docs/benchmarks.md} holds its
 * results and the command.
 */
package dev.kiln.tests.bench;
