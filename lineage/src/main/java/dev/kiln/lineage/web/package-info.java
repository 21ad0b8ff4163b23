/**
 * The REST API and web viewer of the lineage store: {@link dev.kiln.lineage.web.LineageServer} serves
 * JSON under {@code /api} and a single-page viewer (plain JavaScript, Chart.js from a WebJar, no
 * CDN) from the classpath. It takes an already-open {@link dev.kiln.lineage.LineageStore}, so it
 * can run inside the process that is running a pipeline: embedded H2 admits one process at a time.
 */
package dev.kiln.lineage.web;
