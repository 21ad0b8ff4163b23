/**
 * Builds the shell command lines of a command step as Valohai does: {@code {parameters}}, {@code
 * {parameter:NAME}} and {@code {parameter-value:NAME}} expand with each parameter's pass-as rules
 * and POSIX shell quoting, exactly like the reference parser ({@code valohai-yaml}), so that
 * commands written for Valohai run unchanged.
 */
package dev.kiln.pipelines.command;
