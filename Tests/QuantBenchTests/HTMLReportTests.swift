import Foundation
import Testing

@testable import quantbench

/// The HTML report's markup: escaping, self-containment, chart geometry and edge cases.
@Suite struct HTMLReportTests {
    // MARK: - Helpers

    static func second(
        _ second: Int, sent: Int = 100, completed: Int = 100, errors: Int = 0, p50: Double = 4_000, p99: Double = 9_000
    ) -> ReportData.SecondSample {
        .init(
            second: second, sent: sent, completed: completed, errors: errors, p50Microseconds: p50, p99Microseconds: p99
        )
    }

    static func report(
        title: String = "health, closed loop 16, 127.0.0.1:50051",
        curve: [ReportData.PercentilePoint] = [],
        timeline: [ReportData.SecondSample] = [],
        failures: [String: Int] = [:]
    ) -> ReportData {
        ReportData(
            title: title, figures: [.init(label: "throughput", value: "100.0 calls/s")],
            percentileCurve: curve, timeline: timeline, failures: failures)
    }

    /// The `<svg id="…">…</svg>` element of a chart in a page.
    static func chart(_ id: String, in html: String) throws -> String {
        let start = try #require(html.range(of: "<svg id=\"\(id)\""), "no chart \(id)")
        let end = try #require(html.range(of: "</svg>", range: start.upperBound..<html.endIndex))
        return String(html[start.lowerBound..<end.upperBound])
    }

    /// The points of each polyline, in order.
    static func polylines(in svg: String) -> [[(x: Double, y: Double)]] {
        svg.matches(of: /<polyline[^>]* points="([^"]*)"/).map { match in
            match.output.1.split(separator: " ").map { pair in
                let parts = pair.split(separator: ",")
                return (x: Double(parts[0]) ?? .nan, y: Double(parts[1]) ?? .nan)
            }
        }
    }

    /// The polylines of one series of a chart.
    static func polylines(ofSeries name: String, in svg: String) throws -> [[(x: Double, y: Double)]] {
        let start = try #require(svg.range(of: "data-series=\"\(name)\""), "no series \(name)")
        let end = try #require(svg.range(of: "</g>", range: start.upperBound..<svg.endIndex))
        return polylines(in: String(svg[start.lowerBound..<end.upperBound]))
    }

    /// Tick labels of an axis (`x` or `y`) with their pixel positions along it.
    static func ticks(_ axis: String, in svg: String) -> [(position: Double, label: String)] {
        svg.matches(of: /<g class="tick (x|y)-tick">.*?<text x="([^"]*)" y="([^"]*)"[^>]*>([^<]*)<\/text>/).compactMap {
            match in
            guard match.output.1 == axis else { return nil }
            let position = Double(axis == "x" ? match.output.2 : match.output.3) ?? .nan
            return (position: position, label: String(match.output.4))
        }
    }

    /// Every numeric geometry attribute and polyline coordinate of a page parses as a finite number.
    static func expectFiniteGeometry(_ html: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let attributes = html.matches(of: /\s(x|y|x1|y1|x2|y2|cx|cy|r|width|height)="([^"]*)"/)
        #expect(!attributes.isEmpty, sourceLocation: sourceLocation)
        for match in attributes {
            let value = Double(match.output.2)
            #expect(value?.isFinite == true, "\(match.output.1)=\"\(match.output.2)\"", sourceLocation: sourceLocation)
        }
        for line in polylines(in: html) {
            #expect(
                line.allSatisfy { $0.x.isFinite && $0.y.isFinite }, "polyline \(line)", sourceLocation: sourceLocation)
        }
        for viewBox in html.matches(of: /viewBox="([^"]*)"/) {
            #expect(
                viewBox.output.1.split(separator: " ").allSatisfy { Double($0)?.isFinite == true },
                sourceLocation: sourceLocation)
        }
    }

    // MARK: - Text

    @Test func escapesMarkupCharactersAndControls() {
        #expect(
            "<a href=\"x\">Tom & 'Jerry'</a>".htmlEscaped
                == "&lt;a href=&quot;x&quot;&gt;Tom &amp; &#39;Jerry&#39;&lt;/a&gt;")
        #expect("tab\tline\nnul\u{0}bell\u{7}".htmlEscaped == "tab\tline\nnul\u{FFFD}bell\u{FFFD}")
        #expect("ÿ 東京 ×4 😀".htmlEscaped == "ÿ 東京 ×4 😀")
    }

    @Test func escapesEveryUserSuppliedText() {
        let hostile = "<script>alert('x')</script>&\"<img src=x onerror=alert(1)>"
        var data = Self.report(title: hostile, timeline: [Self.second(0)], failures: [hostile: 2])
        data.figures = [.init(label: hostile, value: hostile)]
        let html = HTMLReport.render(data)
        #expect(!html.contains("<script"))
        #expect(!html.contains("<img"))
        #expect(!html.contains("alert('x')"))
        let escaped = hostile.htmlEscaped
        #expect(
            html.components(separatedBy: escaped).count - 1 == 5,
            "title (twice), figure label and value, failure status")
    }

    @Test func pageIsSelfContained() {
        let html = HTMLReport.render(SampleReport.data())
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        #expect(html.contains("<meta charset=\"utf-8\">"))
        for external in ["<script", "<link", "src=", "@import", "url(", "<iframe", "<object"] {
            #expect(!html.contains(external), "found \(external)")
        }
        let addresses = html.matches(of: /https?:\/\/[^"\s<]*/).map { String($0.output) }
        #expect(addresses.allSatisfy { $0 == "http://www.w3.org/2000/svg" }, "\(addresses)")
    }

    @Test func headlineFiguresInOrder() throws {
        let html = HTMLReport.render(SampleReport.data())
        let labels = html.matches(of: /<dt>([^<]*)<\/dt>/).map { String($0.output.1) }
        #expect(labels == SampleReport.data().figures.map(\.label))
    }

    // MARK: - Charts

    @Test func everyChartIsPresentWithItsId() throws {
        let html = HTMLReport.render(SampleReport.data())
        for id in [
            HTMLReport.ChartID.percentileCurve, HTMLReport.ChartID.latencyOverTime,
            HTMLReport.ChartID.throughputOverTime,
        ] {
            let svg = try Self.chart(id, in: html)
            #expect(svg.contains("class=\"chart\""))
            #expect(!Self.polylines(in: svg).isEmpty, "\(id) has no line")
        }
        Self.expectFiniteGeometry(html)
    }

    @Test func percentileAxisIsTickedInNines() throws {
        let curve: [ReportData.PercentilePoint] = [0, 50, 90, 99, 99.9, 99.99, 99.999, 100].map {
            .init(percentile: $0, latencyMicroseconds: 1_000 + $0 * 10)
        }
        let svg = HTMLReport.percentileChart(curve).render()
        let xTicks = Self.ticks("x", in: svg)
        #expect(xTicks.map(\.label) == ["0", "90", "99", "99.9", "99.99", "99.999", "99.9999"])
        let spacing = zip(xTicks.dropFirst(), xTicks).map { $0.position - $1.position }
        #expect(spacing.allSatisfy { abs($0 - spacing[0]) < 0.2 && $0 > 50 }, "one nine per equal step: \(spacing)")

        // Each point at p = 90, 99, 99.9, ... sits exactly on its tick.
        let points = try #require(Self.polylines(in: svg).first)
        #expect(points.count == curve.count)
        for (index, percentile) in [(2, "90"), (3, "99"), (4, "99.9"), (5, "99.99"), (6, "99.999")] {
            let tick = try #require(xTicks.first { $0.label == percentile })
            #expect(
                abs(points[index].x - tick.position) < 0.2,
                "p\(percentile) at \(points[index].x), tick at \(tick.position)")
        }
        #expect(abs(points[7].x - xTicks.last!.position) < 0.2, "percentile 100 at the right edge")
        #expect(zip(points.dropFirst(), points).allSatisfy { $0.x > $1.x && $0.y <= $1.y }, "rising to the right")
    }

    @Test func percentileAxisStopsAtTheNinesTheCurveReaches() {
        let curve: [ReportData.PercentilePoint] = [50, 90, 99, 99.9, 99.95].map {
            .init(percentile: $0, latencyMicroseconds: 5_000)
        }
        let labels = Self.ticks("x", in: HTMLReport.percentileChart(curve).render()).map(\.label)
        #expect(labels == ["0", "90", "99", "99.9", "99.99"])
        let short: [ReportData.PercentilePoint] = [.init(percentile: 50, latencyMicroseconds: 5_000)]
        #expect(
            Self.ticks("x", in: HTMLReport.percentileChart(short).render()).map(\.label) == ["0", "90", "99", "99.9"])
    }

    @Test func latencyAxisInMillisecondsCoversTheHighestValue() throws {
        let curve: [ReportData.PercentilePoint] = [
            .init(percentile: 50, latencyMicroseconds: 4_000),
            .init(percentile: 100, latencyMicroseconds: 23_400),
        ]
        let svg = HTMLReport.percentileChart(curve).render()
        let yTicks = Self.ticks("y", in: svg)
        #expect(yTicks.map(\.label) == ["0", "5", "10", "15", "20", "25"])
        #expect(zip(yTicks.dropFirst(), yTicks).allSatisfy { $0.position < $1.position }, "values rise up the page")
        // The maximum, 23.4 ms, is 23.4/25 of the way from the 0 tick to the 25 tick.
        let points = try #require(Self.polylines(in: svg).first)
        let expected = yTicks[0].position - 4 + (yTicks[5].position - yTicks[0].position) * 23.4 / 25
        #expect(abs(points[1].y - expected) < 0.2, "\(points[1].y) vs \(expected)")
        #expect(svg.contains(">latency (ms)</text>"))
    }

    @Test func timelineChartsHaveOnePointPerSecond() throws {
        let timeline = (0..<10).map { Self.second($0, completed: 90 + $0, errors: $0 % 3) }
        let html = HTMLReport.render(Self.report(timeline: timeline))
        let latency = try Self.chart(HTMLReport.ChartID.latencyOverTime, in: html)
        let throughput = try Self.chart(HTMLReport.ChartID.throughputOverTime, in: html)
        for series in ["p50", "p99"] {
            #expect(try Self.polylines(ofSeries: series, in: latency).map(\.count) == [10])
        }
        for series in ["sent", "succeeded", "failed"] {
            #expect(try Self.polylines(ofSeries: series, in: throughput).map(\.count) == [10])
        }
        // Each second is drawn in the middle of its slot, between the ticks of its start and end.
        let xTicks = Self.ticks("x", in: throughput)
        #expect(xTicks.first?.label == "0" && xTicks.last?.label == "10")
        let points = try #require(try Self.polylines(ofSeries: "succeeded", in: throughput).first)
        let secondWidth = (xTicks.last!.position - xTicks.first!.position) / 10
        #expect(abs(points[0].x - (xTicks[0].position + secondWidth / 2)) < 0.2)
        #expect(points.map(\.y) == points.map(\.y).sorted(by: >), "completions rise each second")
    }

    @Test func secondsWithoutSuccessesBreakTheLatencyLine() throws {
        var timeline = (0..<10).map { Self.second($0) }
        timeline[4] = Self.second(4, completed: 0, errors: 100, p50: 0, p99: 0)
        timeline.remove(at: 7)  // a second missing altogether also breaks it
        let html = HTMLReport.render(Self.report(timeline: timeline))
        let latency = try Self.chart(HTMLReport.ChartID.latencyOverTime, in: html)
        #expect(try Self.polylines(ofSeries: "p99", in: latency).map(\.count) == [4, 2, 2])
        let throughput = try Self.chart(HTMLReport.ChartID.throughputOverTime, in: html)
        #expect(
            try Self.polylines(ofSeries: "failed", in: throughput).map(\.count) == [7, 2],
            "zero is a count; only the missing second breaks it")
    }

    // MARK: - Edge cases

    @Test func emptyReportDrawsChartFramesSayingNoData() throws {
        let html = HTMLReport.render(Self.report())
        for id in [
            HTMLReport.ChartID.percentileCurve, HTMLReport.ChartID.latencyOverTime,
            HTMLReport.ChartID.throughputOverTime,
        ] {
            let svg = try Self.chart(id, in: html)
            #expect(Self.polylines(in: svg).isEmpty)
            #expect(svg.contains(">No data</text>"))
            #expect(Self.ticks("x", in: svg).count >= 2 && Self.ticks("y", in: svg).count >= 2, "\(id) keeps its axes")
        }
        Self.expectFiniteGeometry(html)
    }

    @Test func aSingleSecondIsMarkedWithADot() throws {
        let html = HTMLReport.render(
            Self.report(
                curve: [.init(percentile: 50, latencyMicroseconds: 3_000)],
                timeline: [Self.second(0)]))
        let latency = try Self.chart(HTMLReport.ChartID.latencyOverTime, in: html)
        #expect(try Self.polylines(ofSeries: "p50", in: latency).map(\.count) == [1])
        #expect(latency.matches(of: /<circle class="series-point"/).count == 2, "one dot each for p50 and p99")
        #expect(!latency.contains("No data"))
        #expect(Self.ticks("x", in: latency).map(\.label) == ["0", "1"])
        Self.expectFiniteGeometry(html)
    }

    @Test(arguments: [
        (
            "all latencies zero",
            report(
                curve: [.init(percentile: 0, latencyMicroseconds: 0), .init(percentile: 100, latencyMicroseconds: 0)],
                timeline: [second(0, p50: 0, p99: 0), second(1, p50: 0, p99: 0)])
        ),
        ("only percentile 100", report(curve: [.init(percentile: 100, latencyMicroseconds: 7_000)])),
        (
            "huge values",
            report(
                curve: [
                    .init(percentile: 50, latencyMicroseconds: 1e12),
                    .init(percentile: 100, latencyMicroseconds: .greatestFiniteMagnitude),
                ],
                timeline: [
                    second(0, sent: .max, completed: Int.max / 2, p50: 1e300, p99: .greatestFiniteMagnitude), second(1),
                ])
        ),
        (
            "non-finite inputs",
            report(
                curve: [
                    .init(percentile: .nan, latencyMicroseconds: 1),
                    .init(percentile: 99, latencyMicroseconds: .infinity),
                    .init(percentile: 50, latencyMicroseconds: .nan), .init(percentile: 90, latencyMicroseconds: 2_000),
                ],
                timeline: [second(0, p50: .nan, p99: .infinity), second(1)])
        ),
        (
            "out-of-range percentiles and a late start",
            report(
                curve: [
                    .init(percentile: -5, latencyMicroseconds: 10), .init(percentile: 250, latencyMicroseconds: 20),
                ],
                timeline: [second(3_600, errors: 5)])
        ),
        (
            "tiny latencies",
            report(curve: [
                .init(percentile: 50, latencyMicroseconds: 1e-9), .init(percentile: 99, latencyMicroseconds: 2e-9),
            ])
        ),
    ])
    func edgeCasesKeepTheGeometryFinite(_ name: String, _ data: ReportData) throws {
        let html = HTMLReport.render(data)
        Self.expectFiniteGeometry(html)
        for id in [
            HTMLReport.ChartID.percentileCurve, HTMLReport.ChartID.latencyOverTime,
            HTMLReport.ChartID.throughputOverTime,
        ] {
            let svg = try Self.chart(id, in: html)
            let xTicks = Self.ticks("x", in: svg)
            let yTicks = Self.ticks("y", in: svg)
            #expect(
                xTicks.count >= 2 && yTicks.count >= 2,
                "\(name): \(id) ticks \(xTicks.map(\.label)) \(yTicks.map(\.label))")
            #expect(
                Set(yTicks.map(\.label)).count == yTicks.count,
                "\(name): \(id) repeats a y label: \(yTicks.map(\.label))")
            // Every point lies inside the plot area.
            let plot = try #require(
                svg.firstMatch(of: /class="plot-area" x="([^"]*)" y="([^"]*)" width="([^"]*)" height="([^"]*)"/))
            let (left, top) = (Double(plot.output.1)!, Double(plot.output.2)!)
            let (right, bottom) = (left + Double(plot.output.3)!, top + Double(plot.output.4)!)
            for point in Self.polylines(in: svg).joined() {
                #expect(
                    (left...right).contains(point.x) && (top...bottom).contains(point.y),
                    "\(name): \(id) point \(point)")
            }
        }
    }

    // MARK: - Failures

    @Test func failuresTableListsStatusesByCount() throws {
        let html = HTMLReport.render(Self.report(failures: ["UNAVAILABLE": 3, "DEADLINE_EXCEEDED": 12, "INTERNAL": 3]))
        let rows = html.matches(of: /<tr><td>([^<]*)<\/td><td>([^<]*)<\/td><td>([^<]*)<\/td><\/tr>/)
            .map { [String($0.output.1), String($0.output.2), String($0.output.3)] }
        #expect(
            rows == [
                ["DEADLINE_EXCEEDED", "12", "66.7 %"],
                ["INTERNAL", "3", "16.7 %"],
                ["UNAVAILABLE", "3", "16.7 %"],
                ["total", "18", ""],
            ])
    }

    @Test func noFailuresNoTable() {
        let html = HTMLReport.render(Self.report(timeline: [Self.second(0)]))
        #expect(!html.contains("<table"))
        #expect(html.contains("No call failed."))
    }

    // MARK: - Axes

    @Test func linearAxisRoundsUpToANiceTop() {
        let axis = ChartAxis.linear(upTo: 0.37, title: "ms")
        #expect(axis.ticks.map(\.label) == ["0.0", "0.1", "0.2", "0.3", "0.4"])
        #expect(axis.upper == 0.4)
        #expect(
            ChartAxis.linear(upTo: 0, title: "ms").ticks.map(\.label) == ["0.0", "0.2", "0.4", "0.6", "0.8", "1.0"])
        #expect(ChartAxis.linear(upTo: 1_234, title: "calls").ticks.map(\.label) == ["0", "500", "1000", "1500"])
        #expect(
            ChartAxis.linear(upTo: 8e9, title: "calls").ticks.map(\.label) == ["0", "2e+09", "4e+09", "6e+09", "8e+09"])
    }

    @Test func secondsAxisTicksWholeSeconds() {
        #expect(ChartAxis.seconds(from: 0, to: 3, title: "s").ticks.map(\.label) == ["0", "1", "2", "3"])
        #expect(
            ChartAxis.seconds(from: 0, to: 61, title: "s").ticks.map(\.label) == [
                "0", "10", "20", "30", "40", "50", "60",
            ])
        #expect(
            ChartAxis.seconds(from: 0, to: 600, title: "s").ticks.map(\.label) == [
                "0", "100", "200", "300", "400", "500", "600",
            ])
        #expect(ChartAxis.seconds(from: 5, to: 5, title: "s").ticks.map(\.label) == ["5", "6"])
    }
}
