package dev.kiln.pipelines.spi;

import dev.kiln.pipelines.Project;
import dev.kiln.pipelines.Step;
import dev.kiln.pipelines.validation.DidYouMean;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;

/** The steps and DSL pipelines of every {@link StepProvider} on the class path. */
public final class StepRegistry {
  private final Map<String, Step> steps = new LinkedHashMap<>();
  private final Map<String, Project> pipelines = new LinkedHashMap<>();

  private StepRegistry() {}

  /** Loads every provider visible to the given class loader. */
  public static StepRegistry load(ClassLoader loader) {
    StepRegistry r = new StepRegistry();
    List<String> clashes = new ArrayList<>();
    for (StepProvider provider : ServiceLoader.load(StepProvider.class, loader)) {
      for (Step s : provider.steps()) {
        Step old = r.steps.putIfAbsent(s.name(), s);
        if (old != null && !old.equals(s)) {
          clashes.add("step \"" + s.name() + "\" (" + provider.getClass().getName() + ")");
        }
      }
      for (Project p : provider.pipelines()) {
        r.pipelines.putIfAbsent(p.pipelines().get(0).name(), p);
      }
    }
    if (!clashes.isEmpty()) {
      throw new IllegalStateException(
          "two step libraries define different steps with one name: " + String.join(", ", clashes));
    }
    return r;
  }

  public static StepRegistry load() {
    return load(Thread.currentThread().getContextClassLoader());
  }

  public Optional<Step> step(String name) {
    return Optional.ofNullable(steps.get(name));
  }

  /** The step, or an exception that names the known ones and suggests the closest. */
  public Step require(String name) {
    Step s = steps.get(name);
    if (s == null) {
      throw new IllegalArgumentException(
          "no built-in step \"" + name + "\" " + DidYouMean.knownAndHint(name, steps.keySet()));
    }
    return s;
  }

  public List<Step> steps() {
    return List.copyOf(steps.values());
  }

  public Optional<Project> pipeline(String name) {
    return Optional.ofNullable(pipelines.get(name));
  }

  public List<String> pipelineNames() {
    return List.copyOf(pipelines.keySet());
  }
}
