package dev.kiln.pipelines.dsl;

import static com.google.common.base.Preconditions.checkArgument;

import dev.kiln.pipelines.EdgeEnd;
import dev.kiln.pipelines.EdgeMergeMode;
import dev.kiln.pipelines.InputPort;
import dev.kiln.pipelines.Node;
import dev.kiln.pipelines.NodeAction;
import dev.kiln.pipelines.OnError;
import dev.kiln.pipelines.OutputPort;
import dev.kiln.pipelines.ParamValue;
import dev.kiln.pipelines.ParameterPatch;
import dev.kiln.pipelines.PortKind;
import dev.kiln.pipelines.Step;
import dev.kiln.pipelines.StepOverride;
import dev.kiln.pipelines.types.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A node being built. Its typed {@link #output} and {@link #input} handles are what edges are made
 * of; parameter values set here become the node's override of its step.
 */
public final class NodeHandle {
  final PipelineBuilder owner;
  private final String name;
  private final Step step;
  private final boolean task;
  private final List<ParameterPatch> parameterPatches = new ArrayList<>();
  private final List<NodeAction> actions = new ArrayList<>();
  private OnError onError = OnError.STOP_ALL;
  private EdgeMergeMode edgeMergeMode = EdgeMergeMode.REPLACE;
  private TuneHandle tuning;

  NodeHandle(PipelineBuilder owner, String name, Step step, boolean task) {
    checkArgument(name != null && !name.isEmpty(), "a node needs a name");
    checkArgument(step != null, "node %s needs a step", name);
    this.owner = owner;
    this.name = name;
    this.step = step;
    this.task = task;
  }

  public String name() {
    return name;
  }

  public Step step() {
    return step;
  }

  /** The node's files for an output port of its step. */
  public <T extends Files> OutputHandle<T> output(OutputPort<T> port) {
    return new OutputHandle<>(PipelineBuilder.end(this, PortKind.OUTPUT, port.path()));
  }

  /** The node's input for an input port of its step. */
  public <T extends Files> InputHandle<T> input(InputPort<T> port) {
    return new InputHandle<>(PipelineBuilder.end(this, PortKind.INPUT, port.name()));
  }

  /** A parameter of the node, as the source or target of a parameter edge. */
  public ParameterRef parameter(String parameterName) {
    return new ParameterRef(this, PipelineBuilder.end(this, PortKind.PARAMETER, parameterName));
  }

  /** A metadata key the node prints, as the source of an edge into a parameter. */
  public MetadataRef metadata(String key) {
    return new MetadataRef(PipelineBuilder.end(this, PortKind.METADATA, key));
  }

  /** Sets a parameter's value for this node only (an override of the step's default). */
  public NodeHandle set(String parameterName, ParamValue value) {
    parameterPatches.add(ParameterPatch.defaultValue(parameterName, value));
    return this;
  }

  public NodeHandle set(String parameterName, long value) {
    return set(parameterName, ParamValue.of(value));
  }

  public NodeHandle set(String parameterName, double value) {
    return set(parameterName, ParamValue.of(value));
  }

  public NodeHandle set(String parameterName, String value) {
    return set(parameterName, ParamValue.of(value));
  }

  public NodeHandle set(String parameterName, boolean value) {
    return set(parameterName, ParamValue.of(value));
  }

  public NodeHandle onError(OnError policy) {
    this.onError = policy;
    return this;
  }

  public NodeHandle edgeMergeMode(EdgeMergeMode mode) {
    this.edgeMergeMode = mode;
    return this;
  }

  /**
   * Tunes this node: its step runs as several trials searching the parameters given on the
   * returned handle, and edges out of it carry the best trial's outputs. Calling it again returns
   * the same handle.
   */
  public TuneHandle tune() {
    if (tuning == null) {
      tuning = new TuneHandle(this);
    }
    return tuning;
  }

  /** The node's search space, if it is tuned. */
  Optional<TuneHandle> tuning() {
    return Optional.ofNullable(tuning);
  }

  public NodeHandle action(NodeAction action) {
    actions.add(action);
    return this;
  }

  Node toNode() {
    StepOverride override =
        parameterPatches.isEmpty()
            ? StepOverride.NONE
            : new StepOverride(
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Map.of(),
                List.of(),
                parameterPatches,
                Map.of());
    if (task || tuning != null) {
      // A tuned node names the blueprint PipelineBuilder adds under the node's own name.
      return new Node.Task(
          name,
          Optional.of(step.name()),
          tuning == null ? Optional.empty() : Optional.of(name),
          override,
          onError,
          edgeMergeMode,
          actions,
          Map.of());
    }
    return new Node.Execution(
        name, step.name(), override, onError, edgeMergeMode, actions, Map.of());
  }

  /** Files produced by a node, of type {@code T}. */
  public final class OutputHandle<T extends Files> {
    private final EdgeEnd end;

    private OutputHandle(EdgeEnd end) {
      this.end = end;
    }

    /** Wires these files into an input that accepts {@code T}. */
    public void to(InputHandle<? super T> input) {
      owner.addEdge(end, input.end(owner));
    }
  }

  /** A node's input, of type {@code T}. */
  public final class InputHandle<T extends Files> {
    private final EdgeEnd end;

    private InputHandle(EdgeEnd end) {
      this.end = end;
    }

    EdgeEnd end(PipelineBuilder pipeline) {
      checkArgument(pipeline == owner, "input %s belongs to another pipeline", end);
      return end;
    }

    /** Passes the files this input received on to another node's input. */
    public void to(InputHandle<? super T> input) {
      owner.addEdge(end, input.end(owner));
    }
  }

  /** A node parameter. */
  public record ParameterRef(NodeHandle node, EdgeEnd end) {
    /** Passes this parameter's value to another node's parameter. */
    public void to(ParameterRef target) {
      checkArgument(target.node.owner == node.owner, "%s belongs to another pipeline", target);
      node.owner.addEdge(end, target.end);
    }
  }

  /** A metadata key printed by a node. */
  public final class MetadataRef {
    private final EdgeEnd end;

    private MetadataRef(EdgeEnd end) {
      this.end = end;
    }

    /** Sets a later node's parameter from the last value of this metadata key. */
    public void to(ParameterRef target) {
      checkArgument(target.node.owner == owner, "%s belongs to another pipeline", target);
      owner.addEdge(end, target.end);
    }
  }
}
