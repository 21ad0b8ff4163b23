/**
 * Turning input URIs (local paths and globs, {@code file://}, {@code http(s)://}, {@code s3://}
 * keys, prefixes and globs, {@code datum://}) into files for an execution's {@code inputs/}
 * folder, with their checksums.
 */
package dev.kiln.runner.inputs;
