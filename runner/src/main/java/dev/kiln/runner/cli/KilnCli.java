package dev.kiln.runner.cli;

import dev.kiln.lineage.LineageStoreException;
import dev.kiln.lineage.artifact.ArtifactStoreException;
import java.io.PrintWriter;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code kiln} command. */
@Command(
    name = "kiln",
    mixinStandardHelpOptions = true,
    versionProvider = KilnCli.Version.class,
    description = "Kiln: ML pipelines from valohai.yaml or a Java DSL, with lineage.",
    subcommands = {
      DemoCommand.class,
      LintCommand.class,
      RunCommand.class,
      WatchCommand.class,
      ExecCommand.class,
      TuneCommand.class,
      ResumeCommand.class,
      ShowCommand.class,
      LineageCommand.class,
      EvalCommand.class,
      BenchCommand.class,
      ServeCommand.class,
      EndpointCommand.class,
      StepCommand.class,
      CommandLine.HelpCommand.class
    })
public final class KilnCli implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  private static final CountDownLatch MAIN_DONE =
      new CountDownLatch(1);
  private static volatile int mainExitCode = 1;

  public static void main(String[] args) {
    int code = execute(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true));
    mainExitCode = code;
    MAIN_DONE.countDown();
    System.exit(code);
  }

  /**
   * For a shutdown hook that has stopped a run on SIGTERM or Ctrl-C: waits until the command has
   * returned (its store closed) and ends the JVM with the command's exit code (1 for a stopped
   * run, as docs/running.md says) instead of the JVM's 143 or 130. Returns when the command did
   * not finish in time, or when Kiln runs inside another program (tests): then nothing is ended.
   */
  static void exitWithCommandStatus(long timeoutSeconds) {
    try {
      if (MAIN_DONE.await(timeoutSeconds, TimeUnit.SECONDS)) {
        System.out.flush();
        System.err.flush();
        Runtime.getRuntime().halt(mainExitCode);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Runs a command line and returns the exit code; used by {@link #main} and by tests. */
  public static int execute(String[] args, PrintWriter out, PrintWriter err) {
    CommandLine cli = new CommandLine(new KilnCli());
    BenchCommand.withBenchmarks(cli.getSubcommands().get("bench"));
    cli.setOut(out);
    cli.setErr(err);
    cli.setExecutionExceptionHandler(
        (ex, commandLine, parseResult) -> {
          if (ex instanceof UserException
              || ex instanceof LineageStoreException
              || ex instanceof ArtifactStoreException) {
            // Problems a user can act on: the message says what and where, no stack trace.
            commandLine.getErr().println("kiln: " + ex.getMessage());
          } else {
            commandLine.getErr().println("kiln: internal error: " + ex);
            if (System.getenv("KILN_DEBUG") != null) {
              ex.printStackTrace(commandLine.getErr());
            } else {
              commandLine.getErr().println("(set KILN_DEBUG=1 to see the stack trace)");
            }
          }
          return 2;
        });
    return cli.execute(args);
  }

  /** The version from the jar manifest, or "dev" when run from classes. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = KilnCli.class.getPackage().getImplementationVersion();
      return new String[] {"kiln " + (v == null ? "0.1.0-SNAPSHOT" : v)};
    }
  }
}
