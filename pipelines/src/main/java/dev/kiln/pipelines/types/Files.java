package dev.kiln.pipelines.types;

/**
 * Untyped files, the root of all artifact types: an input of this type accepts any output. Marker
 * classes are never instantiated; they exist for the DSL's generics.
 */
public abstract class Files {
  protected Files() {}
}
