package dev.kiln.steps.labels;

import java.util.List;

/**
 * What a reader found.
 *
 * @param declaredClasses classes in the order the source declares them (COCO categories by id,
 *     {@code classes.txt}, a class map); empty when the format has no class list
 * @param images every image that could be read
 * @param rejections annotation files, lines or annotations that could not be used
 */
public record ReadResult(
    List<String> declaredClasses, List<LabeledImage> images, List<Rejection> rejections) {
  public ReadResult {
    declaredClasses = List.copyOf(declaredClasses);
    images = List.copyOf(images);
    rejections = List.copyOf(rejections);
  }
}
