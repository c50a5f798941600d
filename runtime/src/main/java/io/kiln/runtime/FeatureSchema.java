package io.kiln.runtime;

import io.kiln.dsl.Encoding;
import io.kiln.dsl.Missing;
import io.kiln.dsl.Scaling;
import java.util.List;

/**
 * <b>Public API</b>. One declared feature, with every default resolved by the processor.
 *
 * @param name the spec field name
 * @param column the data column it is read from
 * @param kind numeric, boolean or categorical
 * @param levels declared categorical levels in order; empty means learnt from the training split
 * @param encoding one-hot or ordinal (categorical only)
 * @param scaling scaling of numeric and ordinal inputs
 * @param missing treatment of missing values
 * @param constant the replacement for {@link Missing#CONSTANT}
 * @param text the tokenization and encoding of a text feature; null for the other kinds
 * @param group the {@link FeatureGroup} whose columns this feature is one of (the spec's
 *     {@code @Features} field), or null for a feature declared on its own
 */
public record FeatureSchema(String name, String column, FeatureKind kind, List<String> levels, Encoding encoding,
        Scaling scaling, Missing missing, String constant, TextSettings text, String group) {

    public FeatureSchema {
        levels = List.copyOf(levels);
        if ((kind == FeatureKind.TEXT) != (text != null)) {
            throw new IllegalArgumentException("text settings go with text features only: " + name);
        }
    }

    public FeatureSchema(String name, String column, FeatureKind kind, List<String> levels, Encoding encoding,
            Scaling scaling, Missing missing, String constant, TextSettings text) {
        this(name, column, kind, levels, encoding, scaling, missing, constant, text, null);
    }

    public FeatureSchema(String name, String column, FeatureKind kind, List<String> levels, Encoding encoding,
            Scaling scaling, Missing missing, String constant) {
        this(name, column, kind, levels, encoding, scaling, missing, constant, null, null);
    }

    /** This feature's settings for one column of the group {@code group}, named after the column. */
    public FeatureSchema forColumn(String column, String group) {
        return new FeatureSchema(column, column, kind, levels, encoding, scaling, missing, constant, text, group);
    }

    /** A free-text feature; a missing value is an empty text. */
    public static FeatureSchema text(String name, String column, TextSettings text) {
        return new FeatureSchema(name, column, FeatureKind.TEXT, List.of(), Encoding.ONE_HOT, Scaling.NONE,
                Missing.CONSTANT, "", text);
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
