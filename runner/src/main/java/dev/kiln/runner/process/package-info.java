/**
 * The {@code process} executor's core: running a step's command lines in their execution
 * directory, streaming every output line with its time, and enforcing time limits.
 */
package dev.kiln.runner.process;
