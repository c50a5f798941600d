package io.kiln.dsl;

/** The networks an {@link Ensemble} averages. */
public enum Members {
    /**
     * {@link Ensemble#seeds()} networks trained on the same rows from different seeds (initial
     * weights, shuffling, dropout). Works with every protocol: under k-fold each fold trains its own
     * ensemble, so the cross-validated scores are the ensemble's.
     */
    SEEDS,
    /**
     * The k fold models of a {@link KFold} cross-validation (k × repeats), each trained on all
     * cross-validated rows but its fold, instead of one final model trained on all of them. They share
     * one preprocessing, fitted on all cross-validated rows, so that the ensemble is one network. Needs
     * a test set ({@link KFold#test()}), which no member trained on.
     */
    FOLDS
}
