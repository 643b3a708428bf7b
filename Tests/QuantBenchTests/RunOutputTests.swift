import Foundation
import QuantServeTestSupport
import Testing

@testable import quantbench

/// The files a run writes: the per-second CSV, the interval log, and the command's wiring of both.
@Suite(.tags(.loopback)) struct RunOutputTests {
    @Test func csvHasOneSaneRowPerSecondAndTheIntervalLogParsesBackToTheSamePercentiles() async throws {
        let server = try await ScriptedServer.start(.delayed(.milliseconds(1), stall: .zero))
        let (recording, summary) = try await BenchHarness.measure(
            BenchHarness.openLoop(rate: 200), against: server, warmup: .milliseconds(200), duration: .seconds(3)
        )
        await server.stop()

        // CSV: seconds 0, 1, 2 (and a last one when calls ended after the third second).
        let report = ReportData(summary: summary, recording: recording)
        let lines = TimeSeriesCSV.text(report.timeline).split(separator: "\n").map(String.init)
        #expect(lines.first == "second,sent,completed,errors,p50_us,p99_us")
        let rows = lines.dropFirst().map { $0.split(separator: ",").map { Double($0)! } }
        #expect(rows.count == 3 || rows.count == 4, "\(rows.count) rows")
        #expect(rows.map { Int($0[0]) } == Array(0..<rows.count))
        for row in rows.prefix(3) {
            #expect(abs(row[1] - 200) <= 1, "sent \(row[1]) in second \(row[0])")
            #expect(abs(row[2] + row[3] - 200) <= 10, "ended \(row[2] + row[3]) in second \(row[0])")
            #expect(row[4] >= 1_000 && row[4] <= row[5], "p50 \(row[4]) µs, p99 \(row[5]) µs")
        }
        #expect(Int(rows.map { $0[1] }.reduce(0, +)) == summary.sent)
        #expect(Int(rows.map { $0[2] }.reduce(0, +)) == summary.succeeded)
        #expect(Int(rows.map { $0[3] }.reduce(0, +)) == summary.failed)

        // Interval log: written, parsed back, the same histograms.
        let parsed = try IntervalLog(parsing: try recording.intervalLog.text())
        #expect(parsed.intervals.count == recording.seconds.count)
        #expect(abs(parsed.startTime - recording.measurementStartSince1970) < 0.001)
        let total = parsed.total
        #expect(total.totalCount == recording.latencies.totalCount)
        #expect(RunSummary.Latency(total) == summary.latencyMicroseconds)
        #expect(
            summary.latencyMicroseconds.p50 > 0 && summary.latencyMicroseconds.max >= summary.latencyMicroseconds.p99)
        for (interval, second) in zip(parsed.intervals, recording.seconds) {
            #expect(interval.start == Double(second.second))
            #expect(interval.histogram.totalCount == UInt64(second.completed))
            #expect(
                interval.histogram.reportedValue(atPercentile: 99) == second.latencies.reportedValue(atPercentile: 99))
        }
    }

    /// `quantbench <target> --rate ...` (run is the default subcommand) writes every file it is asked for.
    @Test func theCommandWritesCSVIntervalLogAndHTML() async throws {
        let server = try await ScriptedServer.start(.immediate)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "quantbench-\(UInt64.random(in: 0...UInt64.max))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let csv = folder.appendingPathComponent("run.csv").path
        let log = folder.appendingPathComponent("run.hlog").path
        let html = folder.appendingPathComponent("run.html").path
        let parsed = try QuantBench.parseAsRoot([
            server.target, "--rate", "100", "--duration", "2", "--warmup", "0", "--quiet",
            "--csv", csv, "--histogram-log", log, "--html", html,
        ])
        let command = try #require(parsed as? RunCommand)
        try await command.run()
        await server.stop()

        let rows = try String(contentsOfFile: csv, encoding: .utf8).split(separator: "\n").dropFirst()
        let completed = rows.map { Int($0.split(separator: ",")[2])! }.reduce(0, +)
        #expect(completed == 200)
        let intervalLog = try IntervalLog(parsing: try String(contentsOfFile: log, encoding: .utf8))
        #expect(intervalLog.total.totalCount == 200)
        let page = try String(contentsOfFile: html, encoding: .utf8)
        #expect(page.contains("<svg"))
        #expect(page.contains("id=\"\(HTMLReport.ChartID.percentileCurve)\""))
    }
}
