/**
 * The object detector behind the {@code weights}, {@code train} and {@code detect} steps: a YOLO
 * network built from a Darknet cfg as a DJL block, Darknet {@code .weights} reading and writing,
 * the YOLO loss and target assignment, decoding with non-maximum suppression, and the saved-model
 * layout the three steps hand to each other. Everything runs on the CPU when no GPU is present.
 */
package dev.kiln.steps.detector;
