/**
 * The Valohai execution contract: each execution's directory ({@code inputs/<name>/}, {@code
 * outputs/}, {@code config/*.json}) and its {@code VH_*} environment, so code written for Valohai
 * runs unchanged.
 */
package dev.kiln.runner.exec;
