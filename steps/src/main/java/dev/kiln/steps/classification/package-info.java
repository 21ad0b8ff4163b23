/**
 * Image classification, EasyMaker's built-in algorithm: one family, laid out so a further
 * algorithm can copy it file for file.
 *
 * <ul>
 *   <li>{@link dev.kiln.steps.classification.ImageFolderDataset}: the dataset reader ({@code
 *       {label}/image.png|jpg} per split) with its bad-input report;
 *   <li>{@link dev.kiln.steps.classification.ClassifierNetworks}: the networks ({@code resnet50},
 *       {@code resnet18}, {@code simple-cnn}) as DJL blocks;
 *   <li>{@link dev.kiln.steps.classification.TrainClassificationFunction}: the training loop
 *       (AdamW, checkpoints every {@code save_steps}, the best by validation accuracy kept);
 *   <li>{@link dev.kiln.steps.classification.ClassificationEvaluation}: metrics and the confusion
 *       matrix;
 *   <li>{@link dev.kiln.steps.classification.Classifier} and {@link
 *       dev.kiln.steps.classification.ClassifyFunction}: inference and the batch step;
 *   <li>{@link dev.kiln.steps.classification.ClassificationSteps}: the step declarations and the
 *       {@code image-classification} reference pipeline.
 * </ul>
 */
package dev.kiln.steps.classification;
