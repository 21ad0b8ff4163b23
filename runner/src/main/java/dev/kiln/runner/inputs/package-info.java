/**
 * Turning input URIs (local paths and globs, {@code file://}, {@code http(s)://}, {@code
 * datum://}) into files for an execution's {@code inputs/} folder, with their checksums.
 */
package dev.kiln.runner.inputs;
