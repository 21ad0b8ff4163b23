package dev.kiln.steps;

import dev.kiln.pipelines.Project;
import dev.kiln.pipelines.Step;
import dev.kiln.pipelines.spi.StepProvider;
import dev.kiln.steps.classification.ClassificationSteps;
import java.util.List;

/** Registers Kiln's built-in steps and the reference pipeline with the runner. */
public final class BuiltInSteps implements StepProvider {
  @Override
  public List<Step> steps() {
    return List.of(
        ConvertLabels.STEP,
        ConvertLabels.SUPERBAI,
        Weights.STEP,
        Train.STEP,
        Detect.STEP,
        Evaluate.STEP,
        ClassificationSteps.TRAIN_STEP,
        ClassificationSteps.CLASSIFY_STEP);
  }

  @Override
  public List<Project> pipelines() {
    return List.of(TrainSuperbai.project(), ShapesDemo.project(), ShapesDemo.tunedProject(),
        ClassificationSteps.project());
  }
}
