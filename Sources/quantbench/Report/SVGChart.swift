import Foundation

/// A line chart drawn as inline SVG: axes with ticks and titles, grid lines, a legend, and
/// one polyline per unbroken run of each series. Points outside an axis are drawn at its edge.
struct SVGChart: Sendable {
    /// One line of the chart; its points are in data units.
    struct Series: Sendable {
        /// Shown in the legend; also the `data-series` attribute of its group.
        var name: String
        /// Stroke colour, a CSS colour.
        var color: String
        var dashed = false
        /// Runs of points drawn as separate polylines, so that missing data shows as a gap.
        var segments: [[(x: Double, y: Double)]]
    }

    /// The `id` of the `<svg>` element, unique in the page.
    var id: String
    /// The accessible name of the chart (the `<title>` child of the `<svg>`).
    var title: String
    var xAxis: ChartAxis
    var yAxis: ChartAxis
    var series: [Series]
    let width = 1080.0
    var height: Double

    private let left = 72.0, right = 24.0, top = 34.0, bottom = 52.0

    init(id: String, title: String, xAxis: ChartAxis, yAxis: ChartAxis, series: [Series], height: Double) {
        self.id = id
        self.title = title
        self.xAxis = xAxis
        self.yAxis = yAxis
        self.series = series
        self.height = height
    }

    /// The chart as one `<svg>` element.
    func render() -> String {
        var svg = """
            <svg id="\(id.htmlEscaped)" class="chart" xmlns="http://www.w3.org/2000/svg" \
            viewBox="0 0 \(coordinate(width)) \(coordinate(height))" width="\(coordinate(width))" \
            height="\(coordinate(height))" role="img" aria-labelledby="\(id.htmlEscaped)-title">
            <title id="\(id.htmlEscaped)-title">\(title.htmlEscaped)</title>
            <rect class="plot-area" x="\(coordinate(left))" y="\(coordinate(top))" \
            width="\(coordinate(plotWidth))" height="\(coordinate(plotHeight))"/>

            """
        svg += xAxisMarkup() + yAxisMarkup()
        for line in series {
            svg += seriesMarkup(line)
        }
        if series.allSatisfy({ $0.segments.allSatisfy(\.isEmpty) }) {
            svg += """
                <text class="no-data" x="\(coordinate(left + plotWidth / 2))" y="\(coordinate(top + plotHeight / 2))" \
                text-anchor="middle">No data</text>

                """
        }
        svg += legendMarkup()
        return svg + "</svg>\n"
    }

    private var plotWidth: Double { width - left - right }
    private var plotHeight: Double { height - top - bottom }

    private func x(_ value: Double) -> Double { left + xAxis.fraction(value) * plotWidth }
    private func y(_ value: Double) -> Double { top + (1 - yAxis.fraction(value)) * plotHeight }
    /// The pixel position of a tick, which is already in scaled units.
    private func tickX(_ tick: ChartAxis.Tick) -> Double {
        left + min(max((tick.position - xAxis.lower) / (xAxis.upper - xAxis.lower), 0), 1) * plotWidth
    }
    private func tickY(_ tick: ChartAxis.Tick) -> Double {
        top + (1 - min(max((tick.position - yAxis.lower) / (yAxis.upper - yAxis.lower), 0), 1)) * plotHeight
    }

    private func xAxisMarkup() -> String {
        let baseline = top + plotHeight
        var markup = "<g class=\"axis x-axis\">\n"
        markup += line(x1: left, y1: baseline, x2: left + plotWidth, y2: baseline, cssClass: "axis-line")
        for tick in xAxis.ticks {
            let position = tickX(tick)
            markup += "<g class=\"tick x-tick\">"
            markup += line(x1: position, y1: top, x2: position, y2: baseline, cssClass: "grid-line")
            markup += line(x1: position, y1: baseline, x2: position, y2: baseline + 5, cssClass: "tick-mark")
            markup += "<text x=\"\(coordinate(position))\" y=\"\(coordinate(baseline + 19))\" text-anchor=\"middle\">"
            markup += "\(tick.label.htmlEscaped)</text></g>\n"
        }
        markup +=
            "<text class=\"axis-title\" x=\"\(coordinate(left + plotWidth / 2))\" y=\"\(coordinate(height - 10))\" "
        markup += "text-anchor=\"middle\">\(xAxis.title.htmlEscaped)</text>\n"
        return markup + "</g>\n"
    }

    private func yAxisMarkup() -> String {
        var markup = "<g class=\"axis y-axis\">\n"
        markup += line(x1: left, y1: top, x2: left, y2: top + plotHeight, cssClass: "axis-line")
        for tick in yAxis.ticks {
            let position = tickY(tick)
            markup += "<g class=\"tick y-tick\">"
            markup += line(x1: left, y1: position, x2: left + plotWidth, y2: position, cssClass: "grid-line")
            markup += line(x1: left - 5, y1: position, x2: left, y2: position, cssClass: "tick-mark")
            markup += "<text x=\"\(coordinate(left - 8))\" y=\"\(coordinate(position + 4))\" text-anchor=\"end\">"
            markup += "\(tick.label.htmlEscaped)</text></g>\n"
        }
        let middle = top + plotHeight / 2
        markup += "<text class=\"axis-title\" x=\"16\" y=\"\(coordinate(middle))\" text-anchor=\"middle\" "
        markup += "transform=\"rotate(-90 16 \(coordinate(middle)))\">\(yAxis.title.htmlEscaped)</text>\n"
        return markup + "</g>\n"
    }

    private func seriesMarkup(_ line: Series) -> String {
        var markup = "<g class=\"series\" data-series=\"\(line.name.htmlEscaped)\">\n"
        let dash = line.dashed ? " stroke-dasharray=\"6 4\"" : ""
        for segment in line.segments where !segment.isEmpty {
            let points = segment.map { "\(coordinate(x($0.x))),\(coordinate(y($0.y)))" }.joined(separator: " ")
            markup += "<polyline class=\"series-line\" points=\"\(points)\" fill=\"none\" "
            markup += "stroke=\"\(line.color.htmlEscaped)\" stroke-width=\"2\" stroke-linejoin=\"round\"\(dash)/>\n"
            if segment.count == 1, let point = segment.first {
                // A lone point draws no line; mark it so it can be seen.
                markup +=
                    "<circle class=\"series-point\" cx=\"\(coordinate(x(point.x)))\" cy=\"\(coordinate(y(point.y)))\" "
                markup += "r=\"3\" fill=\"\(line.color.htmlEscaped)\"/>\n"
            }
        }
        return markup + "</g>\n"
    }

    private func legendMarkup() -> String {
        var markup = "<g class=\"legend\">\n"
        var position = left + plotWidth
        for line in series.reversed() {
            let textWidth = Double(line.name.count) * 7 + 8
            position -= textWidth
            markup += "<text x=\"\(coordinate(position))\" y=\"20\">\(line.name.htmlEscaped)</text>"
            position -= 24
            let dash = line.dashed ? " stroke-dasharray=\"6 4\"" : ""
            markup += "<line x1=\"\(coordinate(position))\" y1=\"16\" x2=\"\(coordinate(position + 18))\" y2=\"16\" "
            markup += "stroke=\"\(line.color.htmlEscaped)\" stroke-width=\"3\"\(dash)/>\n"
            position -= 16
        }
        return markup + "</g>\n"
    }

    private func line(x1: Double, y1: Double, x2: Double, y2: Double, cssClass: String) -> String {
        "<line class=\"\(cssClass)\" x1=\"\(coordinate(x1))\" y1=\"\(coordinate(y1))\" "
            + "x2=\"\(coordinate(x2))\" y2=\"\(coordinate(y2))\"/>"
    }

    /// A pixel coordinate with one decimal. The axes keep every position finite; should one
    /// ever not be, it prints as 0 rather than as `nan`, which would break the whole drawing.
    private func coordinate(_ value: Double) -> String {
        String(format: "%.1f", value.isFinite ? value : 0)
    }
}
