/**
 * Artifact types: what flows along an edge. Each type is a marker class, so the Java DSL can refuse
 * a wrong wiring at compile time, and has a name ({@link dev.kiln.pipelines.types.ArtifactType}),
 * so valohai.yaml wiring can be checked at load time. {@link dev.kiln.pipelines.types.Files} is
 * untyped and matches anything, as every input does in Valohai.
 */
package dev.kiln.pipelines.types;
