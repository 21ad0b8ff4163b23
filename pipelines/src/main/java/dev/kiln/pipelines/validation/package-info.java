/**
 * Validation of whole projects: every problem found in one pass, each with a code, a path in the
 * user's terms, a message and a hint, so a file can be fixed in one go. Loaders attach source
 * locations to the paths.
 */
package dev.kiln.pipelines.validation;
