package io.kiln.runtime.internal.report;

import io.kiln.runtime.Report;

/**
 * One section of the HTML report. A section appends its HTML, or nothing when the report lacks its data;
 * {@link HtmlReport#SECTIONS} lists them in page order.
 */
interface Section {
    void render(StringBuilder h, Report r);
}
