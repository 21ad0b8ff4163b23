/**
 * Records that mirror {@code valohai.yaml} key by key ({@link dev.kiln.compat.valohai.dto.ValohaiDto}),
 * the reader that fills them from a located YAML tree while checking the schema ({@link
 * dev.kiln.compat.valohai.dto.DtoReader}), the reference parser's lint rules ({@link
 * dev.kiln.compat.valohai.dto.ConfigLinter}) and the writer back to YAML ({@link
 * dev.kiln.compat.valohai.dto.DtoWriter}). They are not the domain model: the mapping package turns
 * them into {@code dev.kiln.pipelines} records and back.
 */
package dev.kiln.compat.valohai.dto;
