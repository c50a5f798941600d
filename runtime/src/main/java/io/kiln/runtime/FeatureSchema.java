package io.kiln.runtime;

import io.kiln.dsl.Encoding;
import io.kiln.dsl.Missing;
import io.kiln.dsl.Scaling;
import java.util.List;

/**
 * One declared feature, with every default resolved by the processor.
 *
 * @param name the spec field name
 * @param column the data column it is read from
 * @param kind numeric, boolean or categorical
 * @param levels declared categorical levels in order; empty means learnt from the training split
 * @param encoding one-hot or ordinal (categorical only)
 * @param scaling scaling of numeric and ordinal inputs
 * @param missing treatment of missing values
 * @param constant the replacement for {@link Missing#CONSTANT}
 */
public record FeatureSchema(String name, String column, FeatureKind kind, List<String> levels, Encoding encoding,
        Scaling scaling, Missing missing, String constant) {

    public FeatureSchema {
        levels = List.copyOf(levels);
    }

    public static FeatureSchema numeric(String name, String column, Scaling scaling, Missing missing,
            String constant) {
        return new FeatureSchema(name, column, FeatureKind.NUMERIC, List.of(), Encoding.ONE_HOT, scaling, missing,
                constant);
    }

    public static FeatureSchema bool(String name, String column, Missing missing, String constant) {
        return new FeatureSchema(name, column, FeatureKind.BOOLEAN, List.of(), Encoding.ONE_HOT, Scaling.NONE,
                missing, constant);
    }

    public static FeatureSchema categorical(String name, String column, List<String> levels, Encoding encoding,
            Scaling scaling, Missing missing, String constant) {
        return new FeatureSchema(name, column, FeatureKind.CATEGORICAL, levels, encoding, scaling, missing, constant);
    }
}
