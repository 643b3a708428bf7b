extension CallRecording {
    /// The recording's seconds as an HdrHistogram interval log: one 1-second interval per
    /// second of measurement, holding the latencies of the calls that succeeded in it.
    var intervalLog: IntervalLog {
        IntervalLog(
            startTime: measurementStartSince1970,
            intervals: seconds.map {
                IntervalLog.Interval(start: Double($0.second), length: 1, histogram: $0.latencies)
            }
        )
    }
}
