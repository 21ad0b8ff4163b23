package dev.kiln.runner.beam;

import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.apache.flink.api.dag.Pipeline;
import org.apache.flink.api.java.ExecutionEnvironment;
import org.apache.flink.client.deployment.executors.PipelineExecutorUtils;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.DeploymentOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.PipelineExecutor;
import org.apache.flink.core.execution.PipelineExecutorFactory;
import org.apache.flink.core.execution.PipelineExecutorServiceLoader;
import org.apache.flink.runtime.jobgraph.JobGraph;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterJobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Hands Beam's Flink jobs straight to the embedded {@link MiniCluster}, in the same JVM.
 *
 * <p>Through its REST address (Beam's {@code --flinkMaster=host:port}) each job pays a REST
 * submission and then learns that it finished by polling, with waits that double from 10 ms to 2 s:
 * a job that ends at 3.3 s is seen at 5.3 s. That was most of the fixed cost of a Beam step on
 * Flink (docs/benchmarks.md, "convert-labels"). Here Beam runs with {@code --flinkMaster=[auto]},
 * which asks Flink for its context environment; this class installs one whose executor submits the
 * job graph to the cluster and completes when the cluster reports the job's end.
 *
 * <p>Flink's context environment is one per JVM and, while it is set, Flink refuses to reach a
 * cluster by its address. So it is set while at least one embedded cluster runs ({@link
 * #register}), and a job goes to the cluster whose engine handed the Beam arguments to the thread
 * that runs it, or to a thread that thread started ({@link #bindCurrentThread}; the beam executor
 * asks for them on the step's own thread), or else to the only one running. An engine for a separate cluster ({@code
 * KILN_FLINK_MASTER}) cannot run in the same JVM at the same time as an embedded one.
 */
// Beam's Flink runner runs bounded pipelines on Flink's deprecated DataSet API, so the batch
// context is a (deprecated) ExecutionEnvironment; StreamExecutionEnvironment is AutoCloseable but
// the subclass below is never instantiated.
@SuppressWarnings({"deprecation", "try"})
final class EmbeddedSubmission {
  static final String EXECUTOR_NAME = "kiln-embedded-minicluster";
  private static final Set<MiniCluster> LIVE = ConcurrentHashMap.newKeySet();
  // inheritable: a step may run its Beam pipeline on a thread of its own (convert-labels does)
  private static final ThreadLocal<MiniCluster> BOUND = new InheritableThreadLocal<>();

  private EmbeddedSubmission() {}

  /** A started cluster that {@code --flinkMaster=[auto]} may reach. */
  static synchronized void register(MiniCluster cluster) {
    if (LIVE.isEmpty()) {
      BatchContext.install();
      StreamContext.install();
    }
    LIVE.add(cluster);
  }

  /** A cluster about to stop; the context environment goes when the last one does. */
  static synchronized void unregister(MiniCluster cluster) {
    if (LIVE.remove(cluster) && LIVE.isEmpty()) {
      BatchContext.uninstall();
      StreamContext.uninstall();
    }
  }

  /** Jobs started on this thread from now on go to {@code cluster}. */
  static void bindCurrentThread(MiniCluster cluster) {
    BOUND.set(cluster);
  }

  private static MiniCluster clusterForThisThread() {
    MiniCluster bound = BOUND.get();
    if (bound != null && LIVE.contains(bound)) {
      return bound;
    }
    List<MiniCluster> live = List.copyOf(LIVE);
    if (live.size() == 1) {
      return live.get(0);
    }
    throw new IllegalStateException(
        live.isEmpty()
            ? "the embedded Flink has been stopped"
            : "a Beam job started on a thread no Kiln Beam engine gave its arguments to, while "
                + live.size()
                + " embedded Flink clusters run: cannot tell which one to use");
  }

  private static Configuration target(Configuration base) {
    Configuration c = new Configuration(base);
    c.set(DeploymentOptions.TARGET, EXECUTOR_NAME);
    c.set(DeploymentOptions.ATTACHED, true);
    return c;
  }

  private static ClassLoader classLoader() {
    ClassLoader context = Thread.currentThread().getContextClassLoader();
    return context != null ? context : EmbeddedSubmission.class.getClassLoader();
  }

  /** The one executor the context environments know. */
  private static final class Loader implements PipelineExecutorServiceLoader, PipelineExecutorFactory {
    @Override
    public PipelineExecutorFactory getExecutorFactory(Configuration configuration) {
      return this;
    }

    @Override
    public Stream<String> getExecutorNames() {
      return Stream.of(EXECUTOR_NAME);
    }

    @Override
    public String getName() {
      return EXECUTOR_NAME;
    }

    @Override
    public boolean isCompatibleWith(Configuration configuration) {
      return EXECUTOR_NAME.equals(configuration.get(DeploymentOptions.TARGET));
    }

    @Override
    public PipelineExecutor getExecutor(Configuration configuration) {
      return EmbeddedSubmission::execute;
    }
  }

  private static CompletableFuture<JobClient> execute(
      Pipeline pipeline, Configuration configuration, ClassLoader userClassLoader)
      throws Exception {
    MiniCluster cluster = clusterForThisThread();
    JobGraph job = PipelineExecutorUtils.getJobGraph(pipeline, configuration, userClassLoader);
    return cluster
        .submitJob(job)
        .thenApply(
            submitted ->
                new MiniClusterJobClient(
                    submitted.getJobID(),
                    cluster,
                    userClassLoader,
                    MiniClusterJobClient.JobFinalizationBehavior.NOTHING));
  }

  /** Reaches {@link ExecutionEnvironment}'s protected context hooks. */
  private static final class BatchContext extends ExecutionEnvironment {
    private BatchContext() {}

    static void install() {
      initializeContextEnvironment(
          () -> new ExecutionEnvironment(new Loader(), target(new Configuration()), classLoader()));
    }

    static void uninstall() {
      resetContextEnvironment();
    }
  }

  /** Reaches {@link StreamExecutionEnvironment}'s protected context hooks. */
  private static final class StreamContext extends StreamExecutionEnvironment {
    private StreamContext() {}

    static void install() {
      initializeContextEnvironment(
          conf -> new StreamExecutionEnvironment(new Loader(), target(conf), classLoader()));
    }

    static void uninstall() {
      resetContextEnvironment();
    }
  }
}
