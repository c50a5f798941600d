package io.kiln.runtime.internal.report;

/** The report page's inline CSS, and the font stack its charts share. */
final class Stylesheet {
    private Stylesheet() {}

    static final String FONT =
            "system-ui, -apple-system, 'Segoe UI', Roboto, 'DejaVu Sans', 'Liberation Sans', sans-serif";

    static final String CSS = """
            :root { color-scheme: light; }
            * { box-sizing: border-box; }
            body { margin: 0; background: #f3f4f6; color: #1d2330;
              font: 14px/1.5 %s; }
            main { max-width: 1200px; margin: 0 auto; padding: 24px; }
            header.top { margin: 8px 0 16px; }
            h1 { font-size: 26px; margin: 0 0 2px; font-weight: 650; }
            h2 { font-size: 18px; margin: 0 0 12px; font-weight: 600; }
            h3 { font-size: 14px; margin: 0 0 8px; font-weight: 600; color: #3a4150; }
            .subtitle, .muted { color: #5b6270; }
            section { background: #fff; border: 1px solid #dfe2e7; border-radius: 8px; padding: 16px 20px;
              margin: 16px 0; }
            .cards { display: grid; grid-template-columns: repeat(3, minmax(0, 1fr)); gap: 16px; }
            .card { border: 1px solid #e6e8ec; border-radius: 6px; padding: 12px 14px; }
            dl { display: grid; grid-template-columns: max-content 1fr; gap: 3px 12px; margin: 0; }
            dt { color: #5b6270; }
            dd { margin: 0; overflow-wrap: anywhere; }
            .table-scroll { overflow-x: auto; }
            #folds { font-size: 12px; }
            #folds th, #folds td { padding: 4px 6px; }
            table { border-collapse: collapse; font-variant-numeric: tabular-nums; }
            th, td { padding: 5px 10px; border-bottom: 1px solid #e9ecef; text-align: left; vertical-align: top; }
            th { color: #3a4150; font-weight: 600; background: #f8f9fa; }
            .num { text-align: right; white-space: nowrap; }
            tr.primary td { background: #fff6d9; font-weight: 600; }
            tfoot td { font-weight: 600; background: #f8f9fa; }
            .tag { display: inline-block; font-size: 11px; line-height: 16px; padding: 0 6px; border-radius: 8px;
              background: #f1e3b5; color: #5e4a00; margin-left: 6px; font-weight: 500; }
            .better { color: #1e6b1e; }
            .worse { color: #a51d1d; }
            .charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(440px, 1fr)); gap: 16px;
              align-items: start; }
            .row { display: flex; flex-wrap: wrap; gap: 24px; align-items: flex-start; }
            svg.kiln-chart { display: block; width: 100%%; height: auto; }
            .badge { display: inline-block; padding: 2px 10px; border-radius: 12px; font-weight: 600; }
            .verdict-good-fit { background: #e3f4e1; color: #1e6b1e; }
            .verdict-overfitting { background: #fde2e1; color: #a51d1d; }
            .verdict-underfitting { background: #fff0d4; color: #7a4f00; }
            .verdict-still-improving { background: #e1ecf7; color: #1d4f80; }
            .verdict-not-learning { background: #ececec; color: #3d3d3d; }
            .bar { display: inline-block; height: 8px; border-radius: 4px; background: #b9bec8;
              vertical-align: middle; }
            .statement { font-size: 15px; margin: 0 0 10px; }
            ul { margin: 6px 0 0; padding-left: 22px; }
            li { margin: 2px 0; }
            code { font-family: ui-monospace, 'DejaVu Sans Mono', monospace; font-size: 12px; background: #f1f3f5;
              padding: 1px 5px; border-radius: 4px; }
            footer { color: #8a909c; font-size: 12px; text-align: center; margin: 24px 0 8px; }
            """.formatted(FONT);
}
