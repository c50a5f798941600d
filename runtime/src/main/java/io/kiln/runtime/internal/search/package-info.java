/**
 * Internal: how a hyperparameter search trains and scores one configuration on validation rows
 * ({@link io.kiln.runtime.internal.search.TrialScorer}) and keeps what it finished
 * ({@link io.kiln.runtime.internal.search.Journal}). The public entry point is
 * {@link io.kiln.runtime.Search}.
 */
package io.kiln.runtime.internal.search;
