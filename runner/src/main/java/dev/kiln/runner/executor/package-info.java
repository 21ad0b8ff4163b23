/**
 * Executors: what runs one execution. {@code process} runs shell commands; Java steps run in
 * process ({@code beam}, with the orchestrator's long-lived engine) or in a worker JVM ({@code djl}).
 * Every executor reports log lines and metadata the same way, so the orchestrator records them
 * without knowing which one ran.
 */
package dev.kiln.runner.executor;
