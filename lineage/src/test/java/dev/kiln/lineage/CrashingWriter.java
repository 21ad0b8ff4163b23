package dev.kiln.lineage;

import dev.kiln.lineage.model.ExecutionRecord;
import dev.kiln.lineage.model.NewExecution;
import dev.kiln.lineage.model.NewRun;
import dev.kiln.lineage.model.RunEvent;
import dev.kiln.lineage.model.RunRecord;
import java.nio.file.Path;

/**
 * An orchestrator that dies like {@code kill -9}: it records a running node, prints the ids, and
 * halts without closing anything (no shutdown hooks run).
 */
public final class CrashingWriter {
  private CrashingWriter() {}

  public static void main(String[] args) {
    LineageStore store = LineageStore.open(StoreConfig.ofHome(Path.of(args[0])));
    RunRecord run = store.createRun(NewRun.of("crash"));
    store.transitionRun(run.id(), RunEvent.START);
    ExecutionRecord execution = store.createExecution(NewExecution.of(run.id(), "train", "train"));
    store.start(execution.id(), "djl", "cuda:0");
    System.out.println(run.id() + " " + execution.id());
    System.out.flush();
    Runtime.getRuntime().halt(9);
  }
}
