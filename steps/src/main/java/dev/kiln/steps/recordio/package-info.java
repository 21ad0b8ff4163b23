/**
 * MXNet RecordIO ({@code .rec} with its {@code .idx}) without MXNet on the classpath.
 *
 * <p>SageMaker's built-in object detector trains from RecordIO files packed by MXNet's {@code
 * im2rec}, so Kiln reads and writes them byte for byte as dmlc-core does: the record framing
 * ({@link dev.kiln.steps.recordio.RecordIoFraming}), the image record header MXNet's {@code
 * recordio.pack} puts in front of each image ({@link dev.kiln.steps.recordio.ImageRecord}) and
 * SageMaker's detection label layout ({@link dev.kiln.steps.recordio.DetectionLabel}). Damage is
 * reported with the file and the byte offset of the record, so that one bad record costs that
 * record only.
 */
package dev.kiln.steps.recordio;
