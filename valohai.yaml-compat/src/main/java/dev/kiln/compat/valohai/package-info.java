/**
 * Reading, linting and writing {@code valohai.yaml}: the entry points are {@link
 * dev.kiln.compat.valohai.ValohaiYaml} and {@link dev.kiln.compat.valohai.Linter}. Every problem
 * is a {@link dev.kiln.compat.valohai.Diagnostic} located by line and column in the user's file.
 */
package dev.kiln.compat.valohai;
