/**
 * Between the {@code valohai.yaml} records and Kiln's domain ({@code dev.kiln.pipelines}): {@link
 * dev.kiln.compat.valohai.mapping.ProjectMapper} builds a {@code Project} and an index from the
 * domain's {@code ModelPath} keys to YAML locations (so the domain validator's problems can be
 * printed as {@code file:line:col}); {@link dev.kiln.compat.valohai.mapping.DomainToDto} goes back.
 */
package dev.kiln.compat.valohai.mapping;
