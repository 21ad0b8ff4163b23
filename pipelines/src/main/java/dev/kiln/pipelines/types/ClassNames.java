package dev.kiln.pipelines.types;

/** A classes.txt: one class name a line, label 1 first. */
public abstract class ClassNames extends Files {
  private ClassNames() {}
}
