package io.kiln.runtime;

import java.util.List;

/**
 * <b>Public API</b>. The declared label.
 *
 * @param name the spec field name
 * @param coding how its values are written in the data
 * @param columns the data columns (one, or one per label or target)
 * @param classes class names in output-unit order (classification); empty for regression
 */
public record LabelSchema(String name, LabelCoding coding, List<String> columns, List<String> classes) {
    public LabelSchema {
        columns = List.copyOf(columns);
        classes = List.copyOf(classes);
    }
}
