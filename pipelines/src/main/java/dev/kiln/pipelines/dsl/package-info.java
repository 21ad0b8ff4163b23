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
 */
package dev.kiln.pipelines.dsl;
