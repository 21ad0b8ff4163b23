/**
 * The content-addressed artifact store: every output file is kept once under its SHA-256, so a
 * datum id names bytes, not a location, and identical outputs of different executions link in the
 * lineage graph. Independent of the database: it only needs a folder.
 */
package dev.kiln.lineage.artifact;
