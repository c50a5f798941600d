package io.kiln.runtime.internal.report;

import static io.kiln.runtime.internal.report.Html.esc;

import io.kiln.runtime.Report;

/** Data and training warnings. */
final class WarningsSection implements Section {
    @Override
    public void render(StringBuilder h, Report r) {
        if (r.warnings() == null || r.warnings().isEmpty()) {
            return;
        }
        h.append("<section id=\"warnings\">\n<h2>Warnings</h2>\n<ul>\n");
        for (Report.Warning w : r.warnings()) {
            h.append("<li><code>").append(esc(w.code())).append("</code> ").append(esc(w.message())).append("</li>\n");
        }
        h.append("</ul>\n</section>\n");
    }
}
