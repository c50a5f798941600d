package io.kiln.runtime;

import io.kiln.runtime.internal.data.CsvTable;
import io.kiln.runtime.internal.data.LabeledData;
import io.kiln.runtime.internal.data.Splits;
import io.kiln.runtime.internal.data.TemporalKeys;
import io.kiln.runtime.internal.train.EpochProgress;
import io.kiln.runtime.internal.train.ProtocolRun;
import java.util.Locale;

/**
 * <b>Public API</b>. A holdout ordered by a column: training rows strictly before validation rows, strictly before
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
    public String orderColumn() {
        return orderBy;
    }

    @Override
    public Splits.Holdout split(CsvTable table, LabeledData data, long seed) {
        return Splits.temporal(TemporalKeys.read(table, orderBy), validation, test);
    }

    @Override
    public ProtocolRun run(io.kiln.runtime.internal.train.Units units, Splits.Holdout split, FitSettings fit,
            EpochProgress progress) {
        return ProtocolRun.holdout(units, split, fit, false, progress);
    }

    @Override
    public String describe() {
        return String.format(Locale.ROOT, "temporal split by '%s' (validation %.2f, test %.2f, no shuffling)", orderBy,
                validation, test);
    }
}
