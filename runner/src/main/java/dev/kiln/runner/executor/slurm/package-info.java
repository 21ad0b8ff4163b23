/**
 * The Slurm executor: a command step submitted to a Slurm cluster with {@code sbatch}, followed
 * with {@code scontrol}/{@code sacct}, its output files tailed into the lineage store while it
 * runs, and cancelled with {@code scancel}. The execution folder must be on a filesystem the
 * compute nodes mount (docs/slurm.md).
 */
package dev.kiln.runner.executor.slurm;
