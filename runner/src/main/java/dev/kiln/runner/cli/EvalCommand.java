package dev.kiln.runner.cli;

import dev.kiln.steps.evaluate.CocoEvalCommand;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code kiln eval}: evaluation tools that work on files alone. */
@Command(
    name = "eval",
    description = "Evaluate predictions against ground truth.",
    subcommands = {EvalCommand.Coco.class})
public final class EvalCommand implements Runnable {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** {@code kiln eval coco --gt GT.json --dt DT.json [--json]}. */
  @Command(
      name = "coco",
      description =
          "COCO box AP with pycocotools' semantics: the 12 standard numbers (AP, AP50, AP75,"
              + " APs/m/l, AR1/10/100, ARs/m/l) and AP per category.")
  static final class Coco implements Callable<Integer> {
    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--gt", required = true, description = "ground truth, COCO JSON")
    Path gt;

    @Option(names = "--dt", required = true, description = "detections, COCO results JSON list")
    Path dt;

    @Option(names = "--json", description = "print one JSON object instead of the table")
    boolean json;

    @Override
    public Integer call() {
      PrintStream out = CliStreams.printStream(spec.commandLine().getOut());
      PrintStream err = CliStreams.printStream(spec.commandLine().getErr());
      int code = CocoEvalCommand.run(gt, dt, json, out, err);
      out.flush();
      err.flush();
      return code;
    }
  }
}
