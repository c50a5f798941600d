package io.kiln.runtime;

import io.kiln.runtime.internal.data.LabeledData;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * <b>Public API</b>. Many columns declared at once (the spec's {@code @Features} field): every
 * column a selection finds in the data's header becomes one feature with the settings of
 * {@code template}, named after its column. The selection is resolved when training reads the
 * header of its data, and the resolved columns are saved in the model file.
 *
 * <p>The candidates are the header's columns from {@code from} to {@code to} (both included; empty:
 * from the first, through the last), without the columns the label and the other features read;
 * of those, the ones whose whole name matches {@code matching} (empty: all), then every
 * {@code every}-th of them starting with the first. A group with no selection at all takes every
 * column no other declaration takes.
 *
 * @param template the settings every column gets (kind, levels, encoding, scaling, missing values);
 *     its name is the group's (the spec field's) name; its column is unused
 * @param matching a regular expression the whole column name must match, or empty
 * @param from the first column of the range, or empty for the header's first
 * @param to the last column of the range, or empty for the header's last
 * @param every take every n-th selected column (1: all, 2: every other); positive
 * @param count how many columns the selection must find, or 0 for any positive number; a file
 *     without a header needs it (its columns are then taken by position)
 */
public record FeatureGroup(FeatureSchema template, String matching, String from, String to, int every, int count) {

    public FeatureGroup {
        Objects.requireNonNull(template, "template");
        matching = matching == null ? "" : matching;
        from = from == null ? "" : from;
        to = to == null ? "" : to;
        if (every < 1) {
            throw new IllegalArgumentException("[kiln.positive] every must be positive, was " + every
                    + ". Set e.g. every = 2 for every other column.");
        }
        if (count < 0) {
            throw new IllegalArgumentException("[kiln.positive] count must be 0 (any) or positive, was " + count);
        }
        if (template.kind() == FeatureKind.TEXT) {
            throw new IllegalArgumentException("a group of columns holds numeric, boolean or categorical features,"
                    + " not text: " + template.name());
        }
        if (!matching.isEmpty()) {
            Pattern.compile(matching); // a bad pattern fails here, not at the first header
        }
    }

    /** All numeric columns of a selection, with one scaling and missing-value treatment. */
    public static FeatureGroup numeric(String name, String matching, String from, String to, int every, int count,
            io.kiln.dsl.Scaling scaling, io.kiln.dsl.Missing missing, String constant) {
        return new FeatureGroup(FeatureSchema.numeric(name, "", scaling, missing, constant), matching, from, to,
                every, count);
    }

    /** The group's name: the spec field's. */
    public String name() {
        return template.name();
    }

    /** Whether it declares no selection, and so takes every column nothing else takes. */
    public boolean takesTheRest() {
        return matching.isEmpty() && from.isEmpty() && to.isEmpty();
    }

    /** The selection in words, for messages: "columns matching 'px.*' from 'a' to 'b', every 2nd". */
    public String describe() {
        if (takesTheRest()) {
            return every == 1 ? "every column no other declaration reads"
                    : "every " + ordinal(every) + " column no other declaration reads";
        }
        StringBuilder b = new StringBuilder("columns");
        if (!matching.isEmpty()) {
            b.append(" matching '").append(matching).append('\'');
        }
        if (!from.isEmpty()) {
            b.append(" from '").append(from).append('\'');
        }
        if (!to.isEmpty()) {
            b.append(from.isEmpty() ? " up to '" : " to '").append(to).append('\'');
        }
        if (every > 1) {
            b.append(", every ").append(ordinal(every));
        }
        return b.toString();
    }

    private static String ordinal(int n) {
        String suffix = n % 100 >= 11 && n % 100 <= 13 ? "th" : switch (n % 10) {
            case 1 -> "st";
            case 2 -> "nd";
            case 3 -> "rd";
            default -> "th";
        };
        return n + suffix;
    }

    /**
     * The header positions this group selects, in file order.
     *
     * @param source the data file's name, for errors
     * @param header the data's column names (not empty)
     * @param taken positions the label, the other features and groups read; never selected
     */
    public List<Integer> select(String source, List<String> header, Set<Integer> taken, char delimiter) {
        int first = from.isEmpty() ? 0 : LabeledData.requireHeaderPosition(source, header, from, delimiter);
        int last = to.isEmpty() ? header.size() - 1 : LabeledData.requireHeaderPosition(source, header, to, delimiter);
        if (first > last) {
            throw new DataException(source, 1, "'" + from + "'", "@Features '" + name() + "' reads from '" + from
                    + "' (column " + (first + 1) + ") to '" + to + "' (column " + (last + 1)
                    + "), but the first comes after the last. Swap from and to.");
        }
        Pattern pattern = matching.isEmpty() ? null : Pattern.compile(matching);
        List<Integer> candidates = new ArrayList<>();
        for (int i = first; i <= last; i++) {
            if (!taken.contains(i) && (pattern == null || pattern.matcher(header.get(i)).matches())) {
                candidates.add(i);
            }
        }
        List<Integer> selected = new ArrayList<>();
        for (int k = 0; k < candidates.size(); k += every) {
            selected.add(candidates.get(k));
        }
        if (selected.isEmpty()) {
            throw new DataException(source, 1, null, "@Features '" + name() + "' selects " + describe()
                    + ", and the header has none of them: it has " + LabeledData.showHeader(header)
                    + ". Change the selection, or check the file.");
        }
        requireCount(source, selected.size(), "the header");
        return selected;
    }

    /** Fails unless {@code found} columns is what {@link #count} asks for. */
    void requireCount(String source, int found, String where) {
        if (count > 0 && found != count) {
            throw new DataException(source, 1, null, "@Features '" + name() + "' expects " + count + " columns ("
                    + describe() + "; its count, or under @Image the pixels the other features leave), and " + where
                    + " gives " + found + ". Check the file, or the count.");
        }
    }

    /** The features of the selected columns, named after them. */
    public List<FeatureSchema> features(List<String> columns) {
        List<FeatureSchema> features = new ArrayList<>(columns.size());
        for (String column : columns) {
            features.add(template.forColumn(column, name()));
        }
        return features;
    }
}
