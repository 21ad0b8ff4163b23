/**
 * Planning a run: which step each node runs, with which parameter values, in which order, and what
 * each node waits for. Everything a user can get wrong is reported before anything runs.
 */
package dev.kiln.runner.plan;
