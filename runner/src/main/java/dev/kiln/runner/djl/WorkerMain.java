package dev.kiln.runner.djl;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.pipelines.ParamValue;
import dev.kiln.pipelines.spi.StepContext;
import dev.kiln.pipelines.spi.StepFunction;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The worker JVM's entry point: {@code WorkerMain REQUEST_JSON}. Runs one step and reports over
 * the protocol on the real standard output; {@code System.out} is pointed at standard error so a
 * library that prints cannot corrupt the protocol.
 */
public final class WorkerMain {
  private WorkerMain() {}

  /**
   * The executor keeps this worker's stdin open and never writes to it: its end means the
   * orchestrator died (even by kill -9), and the worker, with whatever it started, ends too.
   */
  static void watchParent() {
    Thread t =
        new Thread(
            () -> {
              try {
                while (System.in.read() >= 0) {
                  // nothing is ever sent
                }
              } catch (IOException e) {
                // closed: the same as its end
              }
              System.err.println("kiln: the orchestrator is gone; the DJL worker stops");
              Runtime.getRuntime().halt(137);
            },
            "kiln-parent-watch");
    t.setDaemon(true);
    t.start();
  }

  public static void main(String[] args) throws IOException {
    PrintStream protocol =
        new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
    System.setOut(System.err);
    if (args.length != 1) {
      System.err.println("usage: WorkerMain REQUEST_JSON");
      System.exit(2);
    }
    watchParent();
    WorkerProtocol.Request request =
        WorkerProtocol.decodeRequest(WorkerProtocol.JSON.readTree(Path.of(args[0]).toFile()));
    Channel channel = new Channel(protocol);
    int status = 0;
    try {
      Class<?> c = Class.forName(request.stepClass());
      StepFunction f = (StepFunction) c.getDeclaredConstructor().newInstance();
      f.run(new WorkerStepContext(request, channel));
      channel.result(true, null);
    } catch (Throwable t) {
      Throwable cause =
          t instanceof InvocationTargetException ite && ite.getCause() != null
              ? ite.getCause()
              : t;
      StringWriter trace = new StringWriter();
      cause.printStackTrace(new PrintWriter(trace));
      System.err.print(trace);
      String message = cause.getMessage() == null ? cause.toString() : cause.getMessage();
      if (t instanceof ClassNotFoundException) {
        message = "its class " + request.stepClass() + " is not on the worker's class path";
      }
      channel.result(false, message);
      status = 1;
    }
    protocol.flush();
    System.exit(status);
  }

  /** Writes protocol lines, one at a time. */
  static final class Channel {
    private final PrintStream out;

    Channel(PrintStream out) {
      this.out = out;
    }

    synchronized void send(ObjectNode message) {
      out.println(message.toString());
    }

    void log(String line) {
      ObjectNode m = WorkerProtocol.JSON.createObjectNode();
      m.put(WorkerProtocol.TAG, "log");
      m.put("line", line);
      send(m);
    }

    void result(boolean ok, String error) {
      ObjectNode m = WorkerProtocol.JSON.createObjectNode();
      m.put(WorkerProtocol.TAG, "result");
      m.put("ok", ok);
      if (error != null) {
        m.put("error", error);
      }
      send(m);
    }
  }

  /** The step's view of the execution, reporting through the channel. */
  static final class WorkerStepContext implements StepContext {
    private final WorkerProtocol.Request request;
    private final Channel channel;

    WorkerStepContext(WorkerProtocol.Request request, Channel channel) {
      this.request = request;
      this.channel = channel;
    }

    @Override
    public String executionId() {
      return request.executionId();
    }

    @Override
    public Optional<ParamValue> parameter(String name) {
      return Optional.ofNullable(request.parameters().get(name));
    }

    @Override
    public List<Path> inputFiles(String inputName) {
      Path dir = inputDir(inputName);
      if (!Files.isDirectory(dir)) {
        return List.of();
      }
      try (Stream<Path> s = Files.walk(dir)) {
        return s.filter(Files::isRegularFile).sorted().toList();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot list input " + inputName + " in " + dir, e);
      }
    }

    @Override
    public Path inputDir(String inputName) {
      return Path.of(request.inputsDir()).resolve(inputName);
    }

    @Override
    public Path outputDir() {
      return Path.of(request.outputsDir());
    }

    @Override
    public void logMetrics(Map<String, ?> values) {
      ObjectNode entry = WorkerProtocol.JSON.valueToTree(values);
      if (!entry.has("_time")) {
        entry.put("_time", Instant.now().toString());
      }
      ObjectNode m = WorkerProtocol.JSON.createObjectNode();
      m.put(WorkerProtocol.TAG, "metrics");
      m.set("entry", entry);
      channel.send(m);
    }

    @Override
    public void log(String line) {
      channel.log(line);
    }

    @Override
    public Map<String, String> engineOptions() {
      return request.engineOptions();
    }

    @Override
    public void reportDevice(String device) {
      log("device: " + device);
      ObjectNode m = WorkerProtocol.JSON.createObjectNode();
      m.put(WorkerProtocol.TAG, "device");
      m.put("device", device);
      channel.send(m);
    }
  }
}
