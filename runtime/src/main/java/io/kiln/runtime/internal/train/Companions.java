package io.kiln.runtime.internal.train;

import io.kiln.runtime.KilnModel;
import io.kiln.runtime.internal.data.LabeledData;
import java.util.List;

/**
 * What trained beside a run's model, to be scored on the same held-out rows: an ensemble's members,
 * and a distilled student's teacher and the same student trained on the labels alone.
 *
 * @param members the networks an ensemble averages, each a model of its own (empty for one network)
 * @param teacher the teacher (null without distillation)
 * @param hardOnly the student trained on the labels alone (null without distillation or comparison)
 */
public record Companions(List<KilnModel> members, Teacher teacher, Run hardOnly) {
    public static final Companions NONE = new Companions(List.of(), null, null);

    /** These with {@code others}' members. */
    Companions withMembers(List<KilnModel> others) {
        return new Companions(List.copyOf(others), teacher, hardOnly);
    }

    /**
     * A teacher: its model, and its view of the data (its own columns of the student's rows, in the
     * same order), on which it is scored.
     *
     * @param described what the report says of it: its spec's model name or its file
     */
    public record Teacher(KilnModel model, LabeledData view, String described) {
        /** Its outputs (probabilities, or values) for {@code rows}, in data units. */
        public double[][] outputs(int[] rows) {
            return model.output(model.preprocessor().matrix(view, rows));
        }
    }
}
