package io.kiln.runtime.internal.report;

import io.kiln.dsl.Task;
import io.kiln.runtime.Report;
import java.util.Locale;
import java.util.Map;

/** Text on the report page: escaping, and numbers, shares, counts and durations as the report writes them. */
final class Html {
    private Html() {}

    /** Which rows the confusion matrix, outcomes, curves and residuals come from. */
    static String rowsEvaluated(Report r) {
        return "cross-validation".equals(r.evaluatedOn()) ? "out-of-fold predictions, all folds pooled"
                : r.evaluatedOn() == null ? "evaluated rows" : esc(r.evaluatedOn()) + " set";
    }

    static Double get(Map<String, Double> m, String k) {
        return m == null ? null : m.get(k);
    }

    static void dl(StringBuilder h, String term, String html) {
        h.append("<dt>").append(esc(term)).append("</dt><dd>").append(html).append("</dd>\n");
    }

    static String taskName(Task task) {
        return task.name().toLowerCase(Locale.ROOT).replace('_', ' ');
    }

    /** Escapes text for HTML content and attribute values. */
    static String esc(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder b = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            switch (ch) {
                case '&' -> b.append("&amp;");
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(ch);
            }
        }
        return b.toString();
    }

    static String truncate(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max - 1) + "\u2026";
    }

    static String fmt(double v, int decimals) {
        return String.format(Locale.ROOT, "%." + decimals + "f", v);
    }

    /** A metric value (or dash when missing or not finite). */
    static String metric(Double v) {
        return v == null || !Double.isFinite(v) ? "&mdash;" : metricValue(v);
    }

    static String metricValue(double v) {
        double a = Math.abs(v);
        if (a != 0 && (a < 1e-3 || a >= 1e6)) {
            return String.format(Locale.ROOT, "%.3e", v);
        }
        return fmt(v, a >= 1000 ? 1 : 4);
    }

    static String plusMinus(double mean, Double std) {
        if (!Double.isFinite(mean)) {
            return "&mdash;";
        }
        return metricValue(mean) + (std == null || !Double.isFinite(std) ? "" : " &plusmn; " + metricValue(std));
    }

    static String pct(double share) {
        return fmt(100 * share, Math.abs(share) < 0.1 && share != 0 ? 1 : 0).replace(".0", "") + "%";
    }

    static String rate(double share) {
        return Double.isFinite(share) ? fmt(100 * share, 1) + "%" : "&mdash;";
    }

    static String perCases(double v) {
        return Double.isFinite(v) ? fmt(v, 1) : "&mdash;";
    }

    static String threshold(double t) {
        if (!Double.isFinite(t)) {
            return "&mdash;";
        }
        return io.kiln.runtime.ThresholdTuning.format(t);
    }

    static String area(double a) {
        return Double.isFinite(a) ? fmt(a, 3) : "n/a";
    }

    static String count(long n) {
        // digits grouped with thin spaces from 10 000 up, as in "1000 cases" but "12 500 rows"
        return Math.abs(n) < 10_000 ? Long.toString(n) : String.format(Locale.ROOT, "%,d", n).replace(",", "\u2009");
    }

    static String duration(double seconds) {
        if (!Double.isFinite(seconds) || seconds < 0) {
            return "&mdash;";
        }
        if (seconds < 60) {
            return fmt(seconds, 1) + " s";
        }
        long s = Math.round(seconds);
        if (s < 3600) {
            return (s / 60) + " min " + (s % 60) + " s";
        }
        return (s / 3600) + " h " + (s % 3600 / 60) + " min";
    }

    /** A compact number: plain between 0.001 and 100000, else like 1e-5. */
    static String compact(double v) {
        double a = Math.abs(v);
        if (a == 0 || (a >= 1e-3 && a < 1e5)) {
            String s = String.format(Locale.ROOT, "%.6f", v).replaceAll("0+$", "");
            return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
        }
        String s = String.format(Locale.ROOT, "%.2g", v);
        s = s.replaceAll("\\.?0+e", "e").replace("e+0", "e").replace("e-0", "e-").replace("e+", "e");
        return s;
    }

    /** A page's start, up to its heading: {@code <title>title</title>}, the stylesheet, {@code <h1>heading</h1>}. */
    static StringBuilder page(String title, String heading) {
        return new StringBuilder(64 * 1024).append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                .append("<title>").append(esc(title)).append("</title>\n<style>\n")
                .append(Stylesheet.CSS).append("</style>\n</head>\n<body>\n<main>\n")
                .append("<h1>").append(esc(heading)).append("</h1>\n");
    }

    /** A page's end. */
    static String close(StringBuilder h) {
        return h.append("<footer>Generated by Kiln</footer>\n</main>\n</body>\n</html>\n").toString();
    }
}
