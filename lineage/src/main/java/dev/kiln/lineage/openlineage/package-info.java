/**
 * Export of runs as OpenLineage events (START, COMPLETE, FAIL, ABORT), so lineage tools such as
 * Marquez see Kiln's pipelines. Built with {@code openlineage-java}; its types stay inside this
 * package.
 */
package dev.kiln.lineage.openlineage;
