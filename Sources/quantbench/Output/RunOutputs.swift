import Foundation

/// Writes the files a run was asked for (`--csv`, `--histogram-log`, `--html`).
struct RunOutputs {
    let options: OutputOptions

    /// Writes each requested file for `recording` and its `summary`; `report` overrides the
    /// HTML report's contents (a sweep's adds its steps).
    func write(summary: RunSummary, recording: CallRecording, report: ReportData? = nil) throws {
        let report = report ?? ReportData(summary: summary, recording: recording)
        if let path = options.csv {
            try Self.write(TimeSeriesCSV.text(report.timeline), to: path)
        }
        if let path = options.histogramLog {
            try Self.write(try recording.intervalLog.text(), to: path)
        }
        if let path = options.html {
            try Self.write(HTMLReport.render(report), to: path)
        }
    }

    private static func write(_ text: String, to path: String) throws {
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
    }
}
