/**
 * Early stopping of tuning trials: rules that look at a running trial's intermediate objective
 * values (one per step, from the JSON metadata lines it prints) beside those of the other trials
 * and say whether to stop it now. {@link MedianStoppingRule} is the median stopping rule as
 * Google Vizier and Katib define it; {@link SuccessiveHalvingRule} is asynchronous successive
 * halving (ASHA). Rules are pure functions of the recorded curves, so a resumed tuning job decides
 * as the first one would have.
 */
package dev.kiln.runner.tuning.stopping;
