import ArgumentParser

/// What a run writes besides its summary on standard output.
struct OutputOptions: ParsableArguments {
    @Flag(help: "Print the summary as one JSON object instead of text.")
    var json = false

    @Option(help: "Write the run second by second as CSV: second,sent,completed,errors,p50_us,p99_us.")
    var csv: String?

    @Option(
        help:
            "Write every second's latency histogram in HdrHistogram's interval-log format (V2 compressed, nanoseconds)."
    )
    var histogramLog: String?

    @Option(help: "Write a self-contained HTML report (percentile curve, latency and throughput over time).")
    var html: String?

    @Flag(help: "No progress line on standard error.")
    var quiet = false
}
