/**
 * A synthetic object-detection dataset (coloured shapes on noisy backgrounds) in COCO format, for
 * tests, demos and benchmarks that must not depend on downloading real data. The same seed always
 * gives the same files.
 */
package dev.kiln.steps.synthetic;
