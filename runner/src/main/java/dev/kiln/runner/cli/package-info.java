/** The {@code kiln} command line (picocli). Errors a user can fix are printed without stack traces. */
package dev.kiln.runner.cli;
