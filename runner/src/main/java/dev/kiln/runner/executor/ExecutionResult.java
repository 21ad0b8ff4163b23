package dev.kiln.runner.executor;

import java.util.Optional;

/**
 * How an execution ended.
 *
 * @param exitCode the process's exit status, empty for Java steps and killed processes
 * @param detail a sentence for the log and the record ("exited with 0", "time limit reached")
 * @param device what it ran on ("cpu", "cuda:0")
 */
public record ExecutionResult(
    boolean succeeded, boolean stopped, Optional<Integer> exitCode, String detail, String device) {}
