/**
 * The {@code evaluate} step's metrics: COCO bounding-box AP/AR with pycocotools' exact semantics,
 * and accuracy / macro precision / macro recall / macro F1 for classification.
 *
 * <p>Detection numbers must equal pycocotools' ({@code COCOeval(gt, dt, 'bbox')}) because that is
 * what papers and leaderboards report; {@link dev.kiln.steps.evaluate.CocoEvaluator} documents
 * every pycocotools quirk it reproduces on purpose. Entry points: {@link
 * dev.kiln.steps.evaluate.CocoGroundTruth#read}, {@link
 * dev.kiln.steps.evaluate.CocoDetections#read}, {@link
 * dev.kiln.steps.evaluate.CocoEvaluator#evaluate(CocoGroundTruth, CocoDetections)}, the CLI adapter
 * {@link dev.kiln.steps.evaluate.CocoEvalCommand} and {@link
 * dev.kiln.steps.evaluate.ClassificationMetrics}.
 */
package dev.kiln.steps.evaluate;
