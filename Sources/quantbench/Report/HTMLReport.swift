import Foundation

/// A run's report as one self-contained HTML page: inline CSS and inline SVG, no scripts,
/// no fonts, nothing fetched, so the file can be mailed, archived or opened offline.
///
/// The page has the title, the headline figures, three charts (`<svg>` elements with the ids
/// in `ChartID`) and, when calls failed, a table of failures by status.
enum HTMLReport {
    /// The `id` of each chart's `<svg>` element.
    enum ChartID {
        static let percentileCurve = "percentile-curve"
        static let latencyOverTime = "latency-over-time"
        static let throughputOverTime = "throughput-over-time"
    }

    /// The stroke colour of each series; distinct, so each line can be told apart (and found in a screenshot).
    enum SeriesColor {
        static let percentileCurve = "#6a3d9a"
        static let p50 = "#1f77b4"
        static let p99 = "#d62728"
        static let sent = "#8c8c8c"
        static let completed = "#2ca02c"
        static let errors = "#ff7f0e"
    }

    /// The whole page for `data`.
    static func render(_ data: ReportData) -> String {
        var page = """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>quantbench: \(data.title.htmlEscaped)</title>
            <style>\(stylesheet)</style>
            </head>
            <body>
            <header><p class="tool">quantbench report</p><h1>\(data.title.htmlEscaped)</h1></header>

            """
        page += figuresMarkup(data.figures)
        page += section(
            "Latency by percentile",
            note: "Successful calls only; failed calls are counted by status below, never as latencies.",
            chart: percentileChart(data.percentileCurve)
        )
        page += section(
            "Latency over time",
            note: "Per second of the run, the calls that succeeded in it. A gap is a second in which none did.",
            chart: latencyChart(data.timeline)
        )
        page += section(
            "Throughput over time",
            note: "Calls per second: sent (scheduled, in an open loop), succeeded, and failed.",
            chart: throughputChart(data.timeline)
        )
        page += failuresMarkup(data.failures)
        return page + "</body>\n</html>\n"
    }

    /// Latency (ms) against percentile on the nines axis, successful calls only.
    static func percentileChart(_ curve: [ReportData.PercentilePoint]) -> SVGChart {
        let points =
            curve
            .filter { $0.percentile.isFinite && $0.latencyMicroseconds.isFinite }
            .sorted { $0.percentile < $1.percentile }
            .map { (x: $0.percentile, y: $0.latencyMicroseconds / 1_000) }
        return SVGChart(
            id: ChartID.percentileCurve,
            title: "Latency by percentile",
            xAxis: .nines(reaching: points.last?.x ?? 0, title: "percentile (log scale of 1/(1 − p))"),
            yAxis: .linear(upTo: points.map(\.y).max() ?? 0, title: "latency (ms)"),
            series: [.init(name: "latency", color: SeriesColor.percentileCurve, segments: [points])],
            height: 340
        )
    }

    /// p50 and p99 latency (ms) of each second's successful calls.
    static func latencyChart(_ timeline: [ReportData.SecondSample]) -> SVGChart {
        let answered = { (sample: ReportData.SecondSample) in sample.completed > 0 }
        let p50 = segments(of: timeline, where: answered) { $0.p50Microseconds / 1_000 }
        let p99 = segments(of: timeline, where: answered) { $0.p99Microseconds / 1_000 }
        let highest =
            timeline.filter(answered).flatMap { [$0.p50Microseconds, $0.p99Microseconds] }
            .filter(\.isFinite).max().map { $0 / 1_000 } ?? 0
        return SVGChart(
            id: ChartID.latencyOverTime,
            title: "Latency over time",
            xAxis: secondsAxis(timeline),
            yAxis: .linear(upTo: highest, title: "latency (ms)"),
            series: [
                .init(name: "p50", color: SeriesColor.p50, segments: p50),
                .init(name: "p99", color: SeriesColor.p99, segments: p99),
            ],
            height: 280
        )
    }

    /// Calls sent, succeeded and failed in each second.
    static func throughputChart(_ timeline: [ReportData.SecondSample]) -> SVGChart {
        let everySecond = { (_: ReportData.SecondSample) in true }
        let highest = timeline.map { max($0.sent, $0.completed, $0.errors) }.max() ?? 0
        return SVGChart(
            id: ChartID.throughputOverTime,
            title: "Throughput over time",
            xAxis: secondsAxis(timeline),
            yAxis: .linear(upTo: Double(highest), title: "calls per second"),
            series: [
                .init(
                    name: "sent", color: SeriesColor.sent, dashed: true,
                    segments: segments(of: timeline, where: everySecond) { Double($0.sent) }),
                .init(
                    name: "succeeded", color: SeriesColor.completed,
                    segments: segments(of: timeline, where: everySecond) { Double($0.completed) }),
                .init(
                    name: "failed", color: SeriesColor.errors,
                    segments: segments(of: timeline, where: everySecond) { Double($0.errors) }),
            ],
            height: 280
        )
    }

    /// Seconds from the start of the first sample to the end of the last; each sample is drawn
    /// at the middle of its second.
    private static func secondsAxis(_ timeline: [ReportData.SecondSample]) -> ChartAxis {
        let first = timeline.map(\.second).min() ?? 0
        let last = timeline.map(\.second).max() ?? 0
        return .seconds(from: Double(first), to: Double(last) + 1, title: "seconds since measurement started")
    }

    /// The samples that pass `include`, as (middle of the second, value) points, broken into
    /// runs of consecutive seconds.
    private static func segments(
        of timeline: [ReportData.SecondSample],
        where include: (ReportData.SecondSample) -> Bool,
        value: (ReportData.SecondSample) -> Double
    ) -> [[(x: Double, y: Double)]] {
        var runs: [[(x: Double, y: Double)]] = []
        var current: [(x: Double, y: Double)] = []
        var previousSecond: Int?
        for sample in timeline.sorted(by: { $0.second < $1.second }) {
            let continues = previousSecond.map { sample.second == $0 + 1 } ?? false
            if !continues || !include(sample), !current.isEmpty {
                runs.append(current)
                current = []
            }
            if include(sample) {
                current.append((x: Double(sample.second) + 0.5, y: value(sample)))
            }
            previousSecond = sample.second
        }
        if !current.isEmpty { runs.append(current) }
        return runs
    }

    private static func figuresMarkup(_ figures: [ReportData.Figure]) -> String {
        guard !figures.isEmpty else { return "" }
        var markup = "<dl class=\"figures\">\n"
        for figure in figures {
            markup +=
                "<div class=\"figure\"><dt>\(figure.label.htmlEscaped)</dt><dd>\(figure.value.htmlEscaped)</dd></div>\n"
        }
        return markup + "</dl>\n"
    }

    private static func section(_ heading: String, note: String, chart: SVGChart) -> String {
        """
        <section>
        <h2>\(heading.htmlEscaped)</h2>
        <p class="note">\(note.htmlEscaped)</p>
        \(chart.render())</section>

        """
    }

    private static func failuresMarkup(_ failures: [String: Int]) -> String {
        let total = failures.values.reduce(0, +)
        guard total > 0 else {
            return
                "<section id=\"failures\">\n<h2>Failures by status</h2>\n<p class=\"note\">No call failed.</p>\n</section>\n"
        }
        var markup = """
            <section id="failures">
            <h2>Failures by status</h2>
            <table class="failures">
            <thead><tr><th>status</th><th>calls</th><th>share of failures</th></tr></thead>
            <tbody>

            """
        for (status, count) in failures.sorted(by: { ($1.value, $0.key) < ($0.value, $1.key) }) {
            let share = String(format: "%.1f %%", Double(count) / Double(total) * 100)
            markup += "<tr><td>\(status.htmlEscaped)</td><td>\(count)</td><td>\(share)</td></tr>\n"
        }
        return markup
            + "</tbody>\n<tfoot><tr><td>total</td><td>\(total)</td><td></td></tr></tfoot>\n</table>\n</section>\n"
    }

    private static let stylesheet = """

        body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif;
               color: #1d1d1f; background: #fff; margin: 24px auto; max-width: 1100px; padding: 0 16px; }
        header .tool { margin: 0; color: #6e6e73; font-size: 12px; text-transform: uppercase; letter-spacing: .08em; }
        h1 { font-size: 22px; margin: 2px 0 16px; overflow-wrap: anywhere; }
        h2 { font-size: 16px; margin: 24px 0 2px; }
        .note { margin: 0 0 6px; color: #6e6e73; font-size: 12px; }
        .figures { display: flex; flex-wrap: wrap; gap: 8px; margin: 0; }
        .figure { border: 1px solid #d2d2d7; border-radius: 6px; padding: 6px 12px; min-width: 110px; }
        .figure dt { color: #6e6e73; font-size: 12px; }
        .figure dd { margin: 0; font-size: 17px; font-weight: 600; font-variant-numeric: tabular-nums; }
        svg.chart { display: block; max-width: 100%; height: auto; font-size: 12px; }
        svg.chart text { fill: #3a3a3c; }
        svg.chart .axis-title { fill: #6e6e73; }
        svg.chart .plot-area { fill: #fbfbfd; stroke: none; }
        svg.chart .axis-line, svg.chart .tick-mark { stroke: #86868b; stroke-width: 1; }
        svg.chart .grid-line { stroke: #e5e5ea; stroke-width: 1; }
        svg.chart .no-data { fill: #86868b; font-size: 16px; }
        table.failures { border-collapse: collapse; margin-top: 6px; font-variant-numeric: tabular-nums; }
        table.failures th, table.failures td { border-bottom: 1px solid #e5e5ea; padding: 4px 14px 4px 0; text-align: right; }
        table.failures th:first-child, table.failures td:first-child { text-align: left; }
        table.failures tfoot td { font-weight: 600; border-bottom: none; }

        """
}
