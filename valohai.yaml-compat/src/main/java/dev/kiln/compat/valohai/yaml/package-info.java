/**
 * A YAML reader that keeps the line and column of every key and value. Jackson's exception
 * locations can be off, and Jackson's trees forget positions, so this package builds its own small
 * tree ({@link dev.kiln.compat.valohai.yaml.YamlNode}) from Jackson's streaming YAML parser and
 * resolves plain scalars the way PyYAML (the reference parser's loader) does.
 */
package dev.kiln.compat.valohai.yaml;
