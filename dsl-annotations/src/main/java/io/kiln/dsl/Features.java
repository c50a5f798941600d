package io.kiln.dsl;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Declares many input features at once: every data column a selection finds becomes one feature
 * with the settings given here, named after its column. The field is an array whose element type
 * decides the kind of every column, as {@link Feature}'s field type does: {@code double[]},
 * {@code float[]}, {@code int[]}, {@code long[]} or their boxed arrays ({@code Double[]}, whose
 * nulls are missing values in the typed predictor) numeric; {@code boolean[]} or {@code Boolean[]}
 * boolean; {@code String[]} or an enum array categorical.
 *
 * <pre>{@code
 * @Features double[] pixels;                                  // every column no other declaration reads
 * @Features(matching = "pixel\\d+") double[] pixels;          // the columns named pixel0, pixel1, ...
 * @Features(from = "sensor_1", to = "sensor_40") double[] s;   // a range of the header, both ends included
 * @Features(from = "x0", every = 2) double[] evens;            // every other column from x0 on
 * }</pre>
 *
 * <p>The columns are found when training reads the data's header: the header's columns from
 * {@link #from()} to {@link #to()}, without those the label and the other features read, whose
 * whole name matches {@link #matching()}, then every {@link #every()}-th of them. A field with no
 * selection takes every column no other declaration takes. The columns found are saved in the
 * model file, so prediction and serving read the same ones, and the generated predictor's
 * {@code Input} takes the group as one array in the order of its columns. A file without a header
 * has its columns taken by position (features and groups in declaration order, then the label):
 * {@link #count()} then says how many columns each group but one takes.
 *
 * <p>With {@link Image}, the image's pixels are the features (declared ones and groups, in order),
 * so a CSV image needs one {@code @Features double[] pixels} and no field per pixel.
 */
@Documented
@Retention(RetentionPolicy.SOURCE)
@Target(ElementType.FIELD)
public @interface Features {
    /** A regular expression the whole column name must match; empty: no condition on the name. */
    String matching() default "";

    /** The first column of the range, by header name (included); empty: the header's first column. */
    String from() default "";

    /** The last column of the range, by header name (included); empty: the header's last column. */
    String to() default "";

    /** Take every n-th of the selected columns, starting with the first: 1 all, 2 every other. */
    int every() default 1;

    /**
     * How many columns the selection must find; 0 accepts any number but none. Training stops with
     * an error naming the file when the header gives another number. With {@link Image}, the
     * image's pixel count fixes it when not declared.
     */
    int count() default 0;

    /** The levels of categorical ({@code String[]}) columns, as {@link Feature#levels()}. */
    String[] levels() default {};

    /** Scaling of numeric columns, each scaled on its own; {@link Scaling#DEFAULT} uses {@link Preprocessing#scaling()}. */
    Scaling scaling() default Scaling.DEFAULT;

    /** Treatment of missing values; {@link Missing#DEFAULT} uses the {@link Preprocessing} default for the kind. */
    Missing missing() default Missing.DEFAULT;

    /** The replacement value when {@link #missing()} is {@link Missing#CONSTANT}. */
    String constant() default "";

    /** Encoding of categorical columns. */
    Encoding encoding() default Encoding.ONE_HOT;
}
