/**
 * The orchestrator and everything that runs: scheduling, executors, Git triggers and the {@code
 * kiln} command line. The only module that sees engines (Beam, Flink, JGit).
 */
package dev.kiln.runner;
