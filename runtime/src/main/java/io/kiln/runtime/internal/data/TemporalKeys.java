package io.kiln.runtime.internal.data;

import io.kiln.runtime.DataException;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * Reads the order column of a temporal split as comparable numbers: plain numbers (a year, a
 * timestamp, a row counter) or ISO-8601 dates, date-times or instants, all converted to seconds.
 * The first row decides the format; a cell in another format or empty names its file, line and
 * column.
 */
public final class TemporalKeys {
    private TemporalKeys() {}

    private record Format(String name, ToDoubleFunction<String> parse) {}

    private static final List<Format> FORMATS = List.of(
            new Format("a finite number", TemporalKeys::finite),
            new Format("an ISO-8601 date (2024-01-31)", s -> LocalDate.parse(s).toEpochDay() * 86400.0),
            new Format("an ISO-8601 date-time (2024-01-31T12:00)",
                    s -> LocalDateTime.parse(s).toEpochSecond(ZoneOffset.UTC)),
            new Format("an ISO-8601 date-time with offset (2024-01-31T12:00+01:00)",
                    s -> OffsetDateTime.parse(s).toEpochSecond()),
            new Format("an ISO-8601 instant (2024-01-31T12:00:00Z)", s -> Instant.parse(s).getEpochSecond()));

    private static double finite(String s) {
        if (!LabeledData.isDecimal(s)) { // plain decimals only, as every other number cell: not 4.5f or 0x1p2
            throw new NumberFormatException(s);
        }
        double v = Double.parseDouble(s);
        if (!Double.isFinite(v)) {
            throw new NumberFormatException(s);
        }
        return v;
    }

    public static List<Double> read(CsvTable table, String column) {
        int col = table.header().indexOf(column);
        if (col < 0) {
            throw new DataException(table.source(), 1, "'" + column + "'", "The temporal split orders rows by column '" + column
                    + "', which the header does not have. Columns: " + table.header());
        }
        Keys keys = new Keys(table.source(), column, col);
        List<Double> out = new ArrayList<>(table.rows().size());
        for (CsvTable.Row row : table.rows()) {
            out.add(keys.key(row.cells()[col], row.line()));
        }
        return out;
    }

    /**
     * Reads one order column cell by cell, as {@link #read} does for a whole table: the first cell
     * decides the format.
     */
    public static final class Keys {
        private final String source;
        private final String named;
        private Format format;

        /** For column {@code column}, the {@code index}-th (0-based) of file {@code source}. */
        public Keys(String source, String column, int index) {
            this.source = source;
            this.named = "'" + column + "' (" + (index + 1) + ")";
        }

        /** The column's name and position, as errors name it. */
        public String column() {
            return named;
        }

        /** The key of {@code cell}, on line {@code line}; a bad or empty cell is a {@link DataException} naming it. */
        public double key(String cell, long line) {
            String c = cell.trim();
            if (c.isEmpty()) {
                throw new DataException(source, line, named, "The order column of a temporal split cannot be empty");
            }
            if (format == null) {
                format = FORMATS.stream().filter(f -> parses(f, c)).findFirst().orElseThrow(() -> new DataException(
                        source, line, named, "'" + c + "' is neither a number nor an ISO-8601 date "
                        + "or date-time, so it cannot order a temporal split"));
            }
            try {
                double key = format.parse().applyAsDouble(c);
                if (!Double.isFinite(key)) {
                    throw new NumberFormatException(c);
                }
                return key;
            } catch (NumberFormatException | DateTimeParseException e) {
                throw new DataException(source, line, named, "'" + c + "' is not " + format.name()
                        + " like the column's first value");
            }
        }
    }

    private static boolean parses(Format f, String cell) {
        try {
            f.parse().applyAsDouble(cell);
            return true;
        } catch (NumberFormatException | DateTimeParseException e) {
            return false;
        }
    }
}
