package io.kiln.runtime.internal.preprocess;

import io.kiln.runtime.FeatureKind;
import io.kiln.runtime.TextSettings;

import io.kiln.dsl.Encoding;
import io.kiln.dsl.Missing;
import io.kiln.dsl.Scaling;
import java.util.List;

/**
 * The fitted preprocessing of one feature, saved with the model so prediction applies exactly the
 * training transform. A numeric input becomes {@code (value - center) / scale} after missing values
 * are replaced by {@code fill}; a one-hot categorical becomes one input per level.
 *
 * @param name feature name
 * @param column data column
 * @param kind feature kind
 * @param encoding categorical encoding
 * @param scaling the scaling that produced center and scale
 * @param missing the missing-value strategy that produced the fill
 * @param fillNumber replacement of a missing numeric, boolean (0/1) or ordinal value
 * @param fillLevel replacement level of a missing categorical value (null: use the missing level or zeros)
 * @param center subtracted from numeric inputs
 * @param scale divides numeric inputs (never 0)
 * @param levels categorical levels, in input order; includes {@link #MISSING_LEVEL} for {@link Missing#MISSING_CATEGORY}
 * @param declaredLevels whether the levels were declared (an unknown level is then an error, not zeros)
 * @param text a text feature's settings, whose fitted vocabulary is {@code levels} (most frequent
 *     first; token id {@code i + 2}); null for the other kinds
 * @param group the {@code @Features} field whose columns this feature is one of; null for a
 *     feature declared on its own (and in model files written before groups existed)
 */
public record FeatureTransform(String name, String column, FeatureKind kind, Encoding encoding, Scaling scaling,
        Missing missing, double fillNumber, String fillLevel, double center, double scale, List<String> levels,
        boolean declaredLevels, TextSettings text,
        @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
        String group) {

    public FeatureTransform(String name, String column, FeatureKind kind, Encoding encoding, Scaling scaling,
            Missing missing, double fillNumber, String fillLevel, double center, double scale, List<String> levels,
            boolean declaredLevels, TextSettings text) {
        this(name, column, kind, encoding, scaling, missing, fillNumber, fillLevel, center, scale, levels,
                declaredLevels, text, null);
    }

    /** This transform as part of the group {@code group}. */
    public FeatureTransform inGroup(String group) {
        return new FeatureTransform(name, column, kind, encoding, scaling, missing, fillNumber, fillLevel, center,
                scale, levels, declaredLevels, text, group);
    }

    public FeatureTransform(String name, String column, FeatureKind kind, Encoding encoding, Scaling scaling,
            Missing missing, double fillNumber, String fillLevel, double center, double scale, List<String> levels,
            boolean declaredLevels) {
        this(name, column, kind, encoding, scaling, missing, fillNumber, fillLevel, center, scale, levels,
                declaredLevels, null);
    }

    /** The level that stands for "missing" under {@link Missing#MISSING_CATEGORY}. */
    public static final String MISSING_LEVEL = "<missing>";

    /** Number of network inputs this feature takes. */
    public int width() {
        if (kind == FeatureKind.TEXT) {
            return text.width();
        }
        return kind == FeatureKind.CATEGORICAL && encoding == Encoding.ONE_HOT ? levels.size() : 1;
    }
}
