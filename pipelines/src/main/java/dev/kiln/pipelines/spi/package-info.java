/**
 * The API Java steps are written against. It gives a Java step the same things the execution
 * contract gives a shell command (parameters, input files, an output folder, metrics), so a step
 * does not care which executor runs it.
 */
package dev.kiln.pipelines.spi;
