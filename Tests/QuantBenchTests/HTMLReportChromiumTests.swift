import Foundation
import QuantServeTestSupport
import Testing

@testable import quantbench

/// The report opened in headless Chromium (Debian package `chromium`, installed by
/// scripts/bootstrap.sh): its charts lay out with real geometry and the screenshot shows them.
@Suite(.tags(.subprocess)) struct HTMLReportChromiumTests {
    static let windowSize = (width: 1200, height: 1600)

    @Test func reportRendersItsChartsInHeadlessChromium() throws {
        let chromium = try Prerequisite.chromium.require()
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("quantbench-report-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }

        let data = SampleReport.data()
        let html = HTMLReport.render(data)
        let report = directory.appendingPathComponent("report.html")
        try html.write(to: report, atomically: true, encoding: .utf8)
        // The same page with a probe script that writes each chart's layout into the DOM.
        let probed = directory.appendingPathComponent("probed.html")
        try html.replacingOccurrences(of: "</body>", with: Self.probeScript + "</body>")
            .write(to: probed, atomically: true, encoding: .utf8)

        let dom = try Self.runChromium(chromium, arguments: ["--dump-dom", probed.absoluteString], in: directory)
        let layout = try Self.probeResult(in: dom)
        for id in [
            HTMLReport.ChartID.percentileCurve, HTMLReport.ChartID.latencyOverTime,
            HTMLReport.ChartID.throughputOverTime,
        ] {
            let chart = try #require(layout[id], "chart \(id) missing from the rendered page")
            #expect(chart.svg.width > 600 && chart.svg.height > 200, "\(id) laid out at \(chart.svg)")
            #expect(chart.svg.y + chart.svg.height <= Double(Self.windowSize.height), "\(id) below the screenshot")
            #expect(chart.lines.count >= 1, "\(id) has no polyline")
            for line in chart.lines {
                #expect(
                    line.width > chart.plot.width * 0.9, "\(id) polyline spans \(line.width) of \(chart.plot.width) px")
            }
            #expect(
                chart.lines.contains { $0.height > chart.plot.height * 0.3 },
                "\(id) has only flat lines: \(chart.lines)")
            #expect(
                chart.tickLabels.allSatisfy { $0.width > 0 && $0.height > 0 }, "\(id) has tick labels without extent")
            #expect(chart.tickLabels.count >= 6, "\(id) has \(chart.tickLabels.count) tick labels")
        }

        let screenshot = directory.appendingPathComponent("report.png")
        _ = try Self.runChromium(
            chromium, arguments: ["--screenshot=\(screenshot.path)", report.absoluteString], in: directory)
        var inkArguments = [screenshot.path]
        for (id, chart) in layout {
            inkArguments +=
                ["--rect", id] + [chart.plot.x, chart.plot.y, chart.plot.width, chart.plot.height].map { "\($0)" }
        }
        inkArguments += ["--color", "curve", HTMLReport.SeriesColor.percentileCurve]
        inkArguments += ["--color", "p99", HTMLReport.SeriesColor.p99]
        inkArguments += ["--color", "succeeded", HTMLReport.SeriesColor.completed]
        let ink = try Self.measureInk(arguments: inkArguments)
        #expect(ink.width == Self.windowSize.width && ink.height == Self.windowSize.height)
        #expect(ink.background == [255, 255, 255], "the page background should be white, got \(ink.background)")
        #expect(ink.inkedFraction > 0.03, "screenshot is almost blank: \(ink.inkedFraction) of pixels drawn")
        for (id, chart) in layout {
            let area = chart.plot.width * chart.plot.height
            let drawn = Double(ink.rects[id] ?? 0)
            #expect(drawn > area * 0.9, "\(id): only \(drawn) of \(area) plot pixels differ from the page background")
        }
        // The lines themselves, by their stroke colours: each is a 2 px line across ~1000 px of
        // plot (its legend swatch alone is 54 px).
        #expect(ink.colors["curve", default: 0] > 1_000, "percentile curve barely visible: \(ink.colors)")
        #expect(ink.colors["p99", default: 0] > 1_000, "p99 line barely visible: \(ink.colors)")
        #expect(ink.colors["succeeded", default: 0] > 1_000, "throughput line barely visible: \(ink.colors)")
    }

    // MARK: - Chromium

    /// Runs headless Chromium on a page and returns what it printed; fails after 60 s.
    static func runChromium(_ chromium: URL, arguments: [String], in directory: URL) throws -> String {
        let profile = directory.appendingPathComponent("profile-\(UUID().uuidString)")
        let flags = [
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--hide-scrollbars",
            "--no-first-run", "--disable-extensions", "--force-device-scale-factor=1",
            "--user-data-dir=\(profile.path)", "--window-size=\(windowSize.width),\(windowSize.height)",
        ]
        return try run(chromium, arguments: flags + arguments, in: directory, timeout: 60)
    }

    /// The script added to the page before `</body>`: for each chart, the page rectangles of the
    /// `<svg>`, its plot area, every polyline and every tick label, as JSON in `<pre id="probe">`.
    static let probeScript = """
        <pre id="probe"></pre><script>
        const box = (element) => { const r = element.getBoundingClientRect();
          return {x: r.left + scrollX, y: r.top + scrollY, width: r.width, height: r.height}; };
        const charts = {};
        for (const svg of document.querySelectorAll("svg.chart")) {
          charts[svg.id] = {
            svg: box(svg),
            plot: box(svg.querySelector(".plot-area")),
            lines: [...svg.querySelectorAll("polyline")].map(box),
            tickLabels: [...svg.querySelectorAll(".tick text")].map(box),
          };
        }
        document.getElementById("probe").textContent = JSON.stringify(charts);
        </script>

        """

    struct Box: Decodable, CustomStringConvertible {
        var x, y, width, height: Double
        var description: String { "\(width)×\(height) at (\(x), \(y))" }
    }

    struct ChartLayout: Decodable {
        var svg: Box
        var plot: Box
        var lines: [Box]
        var tickLabels: [Box]
    }

    static func probeResult(in dom: String) throws -> [String: ChartLayout] {
        let start = try #require(
            dom.range(of: "<pre id=\"probe\">"), "no probe in Chromium's DOM dump:\n\(dom.prefix(500))")
        let end = try #require(dom.range(of: "</pre>", range: start.upperBound..<dom.endIndex))
        let json = String(dom[start.upperBound..<end.lowerBound])
        #expect(!json.isEmpty, "the probe script did not run")
        return try JSONDecoder().decode([String: ChartLayout].self, from: Data(json.utf8))
    }

    // MARK: - Screenshot pixels

    struct Ink: Decodable {
        var width: Int
        var height: Int
        var background: [Int]
        var inkedFraction: Double
        var rects: [String: Int]
        var colors: [String: Int]
    }

    static func measureInk(arguments: [String]) throws -> Ink {
        let python = try Prerequisite.python.require()
        let script = Repository.pythonScript("png_ink.py")
        let output = try run(python, arguments: [script.path] + arguments, in: Repository.root, timeout: 60)
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return try decoder.decode(Ink.self, from: Data(output.utf8))
    }

    struct CommandFailure: Error, CustomStringConvertible {
        var description: String
    }

    /// Runs a program with its output in files (a DOM dump overflows a pipe), killing it after `timeout` seconds.
    static func run(_ executable: URL, arguments: [String], in directory: URL, timeout: Double) throws -> String {
        let stdout = directory.appendingPathComponent("stdout-\(UUID().uuidString)")
        let stderr = directory.appendingPathComponent("stderr-\(UUID().uuidString)")
        try Data().write(to: stdout)
        try Data().write(to: stderr)
        defer {
            try? FileManager.default.removeItem(at: stdout)
            try? FileManager.default.removeItem(at: stderr)
        }
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.currentDirectoryURL = directory
        process.standardOutput = try FileHandle(forWritingTo: stdout)
        process.standardError = try FileHandle(forWritingTo: stderr)
        let exited = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in exited.signal() }
        try process.run()
        let finished = exited.wait(timeout: .now() + timeout) == .success
        let errors = { String(decoding: (try? Data(contentsOf: stderr)) ?? Data(), as: UTF8.self).suffix(2_000) }
        if !finished {
            process.terminate()
            process.waitUntilExit()
            throw CommandFailure(description: "\(executable.lastPathComponent) ran over \(timeout) s:\n\(errors())")
        }
        guard process.terminationStatus == 0 else {
            throw CommandFailure(
                description: "\(executable.lastPathComponent) exited with \(process.terminationStatus):\n\(errors())")
        }
        return String(decoding: try Data(contentsOf: stdout), as: UTF8.self)
    }
}
