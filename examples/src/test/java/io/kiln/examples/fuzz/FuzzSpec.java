package io.kiln.examples.fuzz;

import io.kiln.dsl.Task;
import java.util.List;

/**
 * One generated spec: the Java source of a class {@code fuzz.<className>} and what its data looks
 * like, so that {@link FuzzHarness} can write a table (or IDX files) the spec can read. For a
 * rejected spec the description may be inconsistent (that is what got it rejected); it is only
 * used for accepted ones.
 *
 * @param index the try's number, from which {@link SpecGenerator#generate} drew it
 * @param features the {@code @Feature} and {@code @Text} fields in declaration order (none for IDX)
 * @param window the {@code @Series} window, 0 when the spec has none
 * @param image {@code {height, width, channels}} of {@code @Image}, or null
 * @param orderBy the column that orders the rows ({@code @TemporalSplit}), or null
 * @param orderByDates whether that column holds ISO dates rather than numbers (when it is no feature's)
 */
public record FuzzSpec(long index, String className, String source, Task task, List<Column> features,
        Label label, boolean idx, int window, int horizon, int[] image, String orderBy, boolean orderByDates,
        boolean header, char delimiter, String transferSource) {

    /** A spec without a transfer source. */
    public FuzzSpec(long index, String className, String source, Task task, List<Column> features, Label label,
            boolean idx, int window, int horizon, int[] image, String orderBy, boolean orderByDates, boolean header,
            char delimiter) {
        this(index, className, source, task, features, label, idx, window, horizon, image, orderBy, orderByDates,
                header, delimiter, null);
    }

    /** What a feature's cells hold, by field type (REAL: double, float and boxed; INTEGER: int, long and boxed). */
    public enum Type { REAL, INTEGER, BOOLEAN, STRING, ENUM, TEXT }

    /** A feature: its field, its data column, its type and, for String and enum features, its levels. */
    public record Column(String field, String column, Type type, List<String> levels) {}

    /** How a label's cells are written. */
    public enum Coding { BOOLEAN, INDEX, NAME, MULTI_HOT, VALUES }

    /** The label: its field, its data columns (one per label or target) and its classes. */
    public record Label(String field, Coding coding, List<String> columns, List<String> classes) {}

    /** The pixels of one image, or 0 without {@code @Image}. */
    public int pixels() {
        return image == null ? 0 : image[0] * image[1] * image[2];
    }

    public String qualifiedName() {
        return "fuzz." + className;
    }

    /** The class name only: jqwik prints the sample, and the failure message already holds the source. */
    @Override
    public String toString() {
        return className;
    }
}
