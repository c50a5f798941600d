package io.kiln.runtime.internal.data;

import io.kiln.runtime.DataException;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Reads Weka's ARFF format into a {@link CsvTable}: the {@code @attribute} names (quoted or not)
 * become the header, each {@code @data} line a row. Values are separated by commas and may be
 * quoted with {@code '} or {@code "}, with backslash escapes ({@code \n}, {@code \'}, {@code \\},
 * ...) inside; {@code %} starts a comment line. Sparse rows ({@code {...}}) are not supported and
 * are an error naming their line. A byte-order mark at the start is skipped.
 */
public final class ArffReader {
    private ArffReader() {}

    public static CsvTable parse(String source, Reader in) throws IOException {
        BufferedReader reader = new BufferedReader(in);
        List<String> header = new ArrayList<>();
        List<CsvTable.Row> rows = new ArrayList<>();
        boolean data = false;
        String line;
        long number = 0;
        while ((line = reader.readLine()) != null) {
            number++;
            if (number == 1 && line.startsWith("\uFEFF")) {
                line = line.substring(1); // a byte-order mark
            }
            String trimmed = line.strip();
            if (trimmed.isEmpty() || trimmed.startsWith("%")) {
                continue;
            }
            if (!data) {
                String lower = trimmed.toLowerCase(Locale.ROOT);
                if (lower.startsWith("@attribute")) {
                    List<String> parts = split(source, number, trimmed.substring("@attribute".length()).strip(), ' ');
                    if (parts.isEmpty()) {
                        throw new DataException(source, number, "(header)", "An @attribute line names no attribute");
                    }
                    header.add(parts.get(0));
                } else if (lower.startsWith("@data")) {
                    data = true;
                    if (header.isEmpty()) {
                        throw new DataException(source, number, "(header)", "@data comes before any @attribute");
                    }
                }
                continue; // @relation and other declarations
            }
            if (trimmed.startsWith("{")) {
                throw new DataException(source, number, "(row)", "Sparse ARFF rows ({index value, ...}) are not "
                        + "supported; write the data densely");
            }
            List<String> cells = split(source, number, trimmed, ',');
            if (cells.size() != header.size()) {
                throw CsvTable.fieldCountError(source, number, header.size(), true, cells.size(), ',');
            }
            rows.add(new CsvTable.Row(number, cells.toArray(String[]::new)));
        }
        if (!data) {
            throw new DataException(source, Math.max(1, number), "(header)", "The ARFF file has no @data section");
        }
        return new CsvTable(source, header, rows, "");
    }

    /**
     * Splits on {@code separator} (a space also splits on tabs; runs of them count once) outside
     * quotes, unquoting and unescaping quoted values; unquoted values are trimmed.
     */
    static List<String> split(String source, long line, String text, char separator) {
        List<String> out = new ArrayList<>();
        int i = 0;
        int n = text.length();
        while (i < n) {
            while (i < n && (text.charAt(i) == ' ' || text.charAt(i) == '\t')) {
                i++;
            }
            if (i >= n) {
                break;
            }
            char c = text.charAt(i);
            String value;
            if (c == '\'' || c == '"') {
                StringBuilder b = new StringBuilder();
                int j = i + 1;
                boolean closed = false;
                while (j < n) {
                    char d = text.charAt(j);
                    if (d == '\\' && j + 1 < n) {
                        char e = text.charAt(j + 1);
                        b.append(switch (e) {
                            case 'n' -> '\n';
                            case 't' -> '\t';
                            case 'r' -> '\r';
                            default -> e;
                        });
                        j += 2;
                    } else if (d == c) {
                        closed = true;
                        j++;
                        break;
                    } else {
                        b.append(d);
                        j++;
                    }
                }
                if (!closed) {
                    throw new DataException(source, line, "(row)", "A value opened with " + c
                            + " is not closed on its line");
                }
                value = b.toString();
                i = j;
                while (separator == ',' && i < n && (text.charAt(i) == ' ' || text.charAt(i) == '\t')) {
                    i++; // spaces between a closing quote and the comma
                }
            } else {
                int j = i;
                while (j < n && !isSeparator(text.charAt(j), separator)) {
                    j++;
                }
                value = text.substring(i, j).strip();
                i = j;
            }
            out.add(value);
            if (i < n) {
                if (!isSeparator(text.charAt(i), separator)) {
                    throw new DataException(source, line, "(row)", "Expected '" + separator + "' after value "
                            + out.size() + ", found '" + text.charAt(i) + "'");
                }
                i++;
                if (separator == ',' && i >= n) {
                    out.add(""); // a trailing comma: an empty last value
                }
            }
            if (separator == ' ' && out.size() == 2) {
                break; // an @attribute line: the name and the start of the type are all it needs
            }
        }
        return out;
    }

    private static boolean isSeparator(char c, char separator) {
        return separator == ' ' ? c == ' ' || c == '\t' : c == separator;
    }
}
