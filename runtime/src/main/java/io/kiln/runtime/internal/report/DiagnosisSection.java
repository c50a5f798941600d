package io.kiln.runtime.internal.report;

import static io.kiln.runtime.internal.report.Html.dl;
import static io.kiln.runtime.internal.report.Html.esc;
import static io.kiln.runtime.internal.report.Html.metric;
import static io.kiln.runtime.internal.report.Html.pct;

import io.kiln.runtime.Report;
import java.util.Locale;

/** The fit diagnosis: the verdict, the losses, the gap and what to try. */
final class DiagnosisSection implements Section {
    @Override
    public void render(StringBuilder h, Report r) {
        Report.Diagnosis d = r.diagnosis();
        if (d == null) {
            return;
        }
        String verdict = d.verdict() == null ? "unknown" : d.verdict();
        h.append("<section id=\"diagnosis\">\n<h2>Diagnosis</h2>\n<p><span class=\"badge verdict-")
                .append(esc(verdict.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-"))).append("\">")
                .append(esc(verdict)).append("</span></p>\n<dl>\n");
        if (d.bestEpoch() > 0) {
            dl(h, "best epoch", d.bestEpoch() + " (validation loss " + metric(d.bestValidationLoss()) + ")");
        }
        dl(h, "final losses", "train " + metric(d.finalTrainLoss()) + ", validation " + metric(d.finalValidationLoss()));
        dl(h, "gap", (Double.isFinite(d.gap()) ? pct(d.gap()) : "&mdash;")
                + " <span class=\"muted\">(validation loss above training loss at the best epoch, relative)</span>");
        h.append("</dl>\n");
        if (d.advice() != null && !d.advice().isEmpty()) {
            h.append("<h3 style=\"margin-top:12px\">What to try</h3>\n<ul class=\"advice\">\n");
            for (String a : d.advice()) {
                h.append("<li>").append(esc(a)).append("</li>\n");
            }
            h.append("</ul>\n");
        }
        h.append("</section>\n");
    }
}
