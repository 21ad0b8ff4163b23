/**
 * Valohai's command interpolation: {@code {parameters}}, {@code {parameter:NAME}} and {@code
 * {parameter-value:NAME}} in a step's command, with pass-as templates and shell quoting exactly as
 * the reference implementation ({@code valohai-yaml}) does them.
 */
package dev.kiln.pipelines.command;
