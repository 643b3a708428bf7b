import ArgumentParser

/// The workloads `--method` can name. Adding one (Embed, Classify, Tokenize) is a case here
/// and a `Workload` type.
enum WorkloadKind: String, CaseIterable, ExpressibleByArgument {
    case health
    case echo

    /// The workload, configured from the command's options.
    func makeWorkload(options: WorkloadOptions) -> any Workload {
        switch self {
        case .health: HealthCheckWorkload(service: options.healthService)
        case .echo: EchoWorkload(payloadBytes: options.payloadBytes)
        }
    }
}

/// Options that shape the requests of the workloads.
struct WorkloadOptions: ParsableArguments {
    @Option(help: "Service name for --method health (empty: the server as a whole).")
    var healthService = ""

    @Option(help: "Payload bytes per request for --method echo.")
    var payloadBytes = 0
}
