/** What other modules plug into the {@code kiln} command line: benchmarks. */
package dev.kiln.runner.cli.spi;
