/**
 * The Java DSL: pipelines written as code, wired through typed ports so that a wrong wiring does
 * not compile, and validated as a whole (every problem at once) when built.
 *
 * <pre>{@code
 * var p = PipelineBuilder.named("train-superbai");
 * var convert = p.execution("convert", ConvertLabels.STEP);
 * var train = p.execution("train", Train.STEP);
 * convert.output(ConvertLabels.TRAIN).to(train.input(Train.TRAIN));
 * Pipeline pipeline = p.build();
 * }</pre>
 *
 * <p>A node is tuned with a typed search space, checked against its step when the pipeline is
 * built; the tuned node becomes a task node whose outputs are the best trial's:
 *
 * <pre>{@code
 * p.tune(train)
 *     .logUniform("initial_learning_rate", 1e-3, 1e-1)
 *     .maximize("val_ap")
 *     .maxTrials(6)
 *     .maxParallelTrials(2);
 * Project project = p.project(); // project.tuning(task node) is the spec
 * }</pre>
 */
package dev.kiln.pipelines.dsl;
