package io.kiln.dsl;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The training data: a CSV file with one row per sample. The data can always be replaced at run
 * time ({@code train --data FILE}); this is the default the program uses without one.
 *
 * <p>Give exactly one of {@link #resource()} (a class-path resource, resolved against the spec
 * class, so a bare name is looked up in the spec package) and {@link #file()} (a file-system path).
 * A file whose name ends in {@code .arff} is read as Weka's ARFF format (its {@code @attribute}
 * names are the columns; quoted strings may hold commas and escaped quotes).
 *
 * <p>{@link #testFile()} (or {@link #testResource()}) names a separate, official test set in the same format: the model is then
 * tested on exactly its rows (with {@link Holdout}, whose {@code test} fraction is left unset), and
 * trained and validated on the main file's.
 */
@Documented
@Retention(RetentionPolicy.SOURCE)
@Target(ElementType.TYPE)
public @interface CsvData {
    /** A class-path resource, relative to the spec class package unless it starts with {@code /}. */
    String resource() default "";

    /** A file-system path, relative to the working directory unless absolute. */
    String file() default "";

    /** An official test set with the same columns (a file-system path); empty for none. */
    String testFile() default "";

    /**
     * An official test set on the class path, resolved like {@link #resource()}; empty for none. Not
     * together with {@link #testFile()}.
     */
    String testResource() default "";

    /**
     * Whether the first line names the columns. Without a header the columns are positional: the
     * features in the order their fields are declared, then the label's column(s).
     */
    boolean header() default true;

    /** The field delimiter. */
    char delimiter() default ',';

    /** Cell values that mean "missing", besides the empty cell. */
    String[] missingValues() default {"?", "NA", "NaN"};
}
