package io.kiln.runtime;

import java.util.Locale;

/**
 * A holdout ordered by a column: training rows strictly before validation rows, strictly before
 * test rows; never shuffled.
 *
 * @param orderBy the column that orders the rows (numbers or ISO-8601 dates / date-times)
 * @param validation fraction of rows for validation, in [0, 1)
 * @param test fraction of rows for the final test, in (0, 1)
 */
public record TemporalProtocol(String orderBy, double validation, double test) implements EvaluationProtocol {

    @Override
    public boolean hasValidation() {
        return validation > 0;
    }

    @Override
    public String describe() {
        return String.format(Locale.ROOT, "temporal split by '%s' (validation %.2f, test %.2f, no shuffling)", orderBy,
                validation, test);
    }
}
