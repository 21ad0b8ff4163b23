/**
 * The {@code djl} executor: runs a Java step in a worker JVM of its own, so that native memory,
 * threads and the device a DJL step takes are released when it ends, and a stuck step can be
 * killed without taking the orchestrator down. The worker speaks a line protocol of JSON objects
 * on its standard output ({@link WorkerProtocol}).
 */
package dev.kiln.runner.djl;
