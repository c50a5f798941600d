/**
 * Internal: the run's {@link io.kiln.runtime.Report} assembled from a training run ({@link
 * io.kiln.runtime.internal.report.Reports}) and rendered as one self-contained HTML page ({@link
 * io.kiln.runtime.internal.report.HtmlReport}). The page is a list of sections, one class each behind
 * {@code Section} and registered in one place, {@code HtmlReport.SECTIONS}; they share the SVG chart
 * engine ({@code SvgChart}), the colours ({@code Palette}), the CSS ({@code Stylesheet}) and the text
 * formats ({@code Html}). The rendered pages are kept byte for byte by {@code HtmlReportGoldenTest}.
 */
package io.kiln.runtime.internal.report;
