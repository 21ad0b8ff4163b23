package dev.kiln.lineage.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The transition tables, written out in full so that a change to them is a visible decision. */
class StateMachineTest {
  private static List<String> table(Enum<?>[] states, Enum<?>[] events, Transition t) {
    List<String> rows = new ArrayList<>();
    for (Enum<?> state : states) {
      for (Enum<?> event : events) {
        t.after(state, event).ifPresent(next -> rows.add(state + " " + event + " -> " + next));
      }
    }
    return rows;
  }

  interface Transition {
    java.util.Optional<?> after(Enum<?> state, Enum<?> event);
  }

  @Test
  void runTransitions() {
    assertThat(
            table(
                RunStatus.values(),
                RunEvent.values(),
                (s, e) -> ((RunStatus) s).after((RunEvent) e)))
        .containsExactly(
            "CREATED START -> RUNNING",
            "CREATED FAIL -> FAILED",
            "CREATED STOP -> STOPPED",
            "RUNNING SUCCEED -> SUCCEEDED",
            "RUNNING FAIL -> FAILED",
            "RUNNING STOP -> STOPPED",
            "RUNNING RESUME -> RUNNING",
            "FAILED RESUME -> RUNNING",
            "STOPPED RESUME -> RUNNING");
    assertThat(RunStatus.SUCCEEDED.isFinished()).isTrue();
    assertThat(RunStatus.RUNNING.isFinished()).isFalse();
  }

  @Test
  void executionTransitions() {
    assertThat(
            table(
                ExecutionStatus.values(),
                ExecutionEvent.values(),
                (s, e) -> ((ExecutionStatus) s).after((ExecutionEvent) e)))
        .containsExactly(
            "CREATED QUEUE -> QUEUED",
            "CREATED START -> RUNNING",
            "CREATED FAIL -> FAILED",
            "CREATED STOP -> STOPPED",
            "CREATED REUSE -> REUSED",
            "CREATED SKIP -> SKIPPED",
            "QUEUED START -> RUNNING",
            "QUEUED FAIL -> FAILED",
            "QUEUED STOP -> STOPPED",
            "QUEUED REUSE -> REUSED",
            "QUEUED SKIP -> SKIPPED",
            "RUNNING SUCCEED -> SUCCEEDED",
            "RUNNING FAIL -> FAILED",
            "RUNNING STOP -> STOPPED",
            "RUNNING STOP_EARLY -> STOPPED_EARLY",
            "RUNNING INTERRUPT -> QUEUED",
            "FAILED RETRY -> QUEUED",
            "STOPPED RETRY -> QUEUED",
            "SKIPPED RETRY -> QUEUED");
    assertThat(ExecutionStatus.REUSED.hasUsableOutputs()).isTrue();
    assertThat(ExecutionStatus.SKIPPED.isFinished()).isTrue();
    assertThat(ExecutionStatus.QUEUED.isFinished()).isFalse();
    assertThat(ExecutionStatus.STOPPED_EARLY.isFinished()).isTrue();
    assertThat(ExecutionStatus.STOPPED_EARLY.hasUsableOutputs()).isFalse();
  }

  @Test
  void recordsCheckTheirValues() {
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> NewRun.of("p").withParamsJson("{\"a\": "))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("run parameters of pipeline \"p\" is not valid JSON: ");
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> new OutputFile("../escape.txt", 1, "a".repeat(64), "datum://x"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("output path must be relative to outputs/ and stay inside it: '../escape.txt'");
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> new InputFile("in", "s3://b/k", "k", 1L, "XYZ", null, null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("sha256 of input \"in\" must be 64 lower-case hex digits, got 'XYZ'");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> new RunQuery(null, null, 0, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("limit must be 1..1000, got 0");
  }
}
