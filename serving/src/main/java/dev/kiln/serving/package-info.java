/**
 * Model endpoints: a model loaded once behind a dynamic batcher, answered over the prediction APIs
 * users already have clients for (KServe Open Inference Protocol v2, TF Serving / AI Platform
 * Prediction, EasyMaker, SageMaker's inference container contract), with Prometheus metrics. The
 * protocol adapters only translate JSON; every one reaches the same {@link
 * dev.kiln.pipelines.spi.Predictor} the {@code detect} step uses.
 */
package dev.kiln.serving;
