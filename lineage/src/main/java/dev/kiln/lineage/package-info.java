/**
 * The lineage store: the record of every run, execution, parameter, input, output, log line and
 * metadata entry, on JDBC (embedded H2 by default, PostgreSQL for a shared store). Entry point:
 * {@link dev.kiln.lineage.LineageStore#open(dev.kiln.lineage.StoreConfig)}.
 *
 * <p>The orchestrator writes every state change here in a transaction before it acts on it, so that
 * a killed orchestrator can resume; the CLI and the viewer read from here. Everything in the public
 * API is plain Java (records, strings, JSON text), so no engine type crosses it. Classes that are
 * not public are the JDBC implementation.
 */
package dev.kiln.lineage;
