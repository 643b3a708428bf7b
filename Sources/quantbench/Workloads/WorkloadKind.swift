import ArgumentParser

/// The workloads `--method` can name.
enum WorkloadKind: String, CaseIterable, ExpressibleByArgument {
    case health
    case echo
    case embed
    case classify
    case tokenize

    /// The workload, configured from the command's options.
    func makeWorkload(options: WorkloadOptions) throws -> any Workload {
        switch self {
        case .health: return HealthCheckWorkload(service: options.healthService)
        case .echo: return EchoWorkload(payloadBytes: options.payloadBytes)
        case .embed:
            return EmbedWorkload(requests: try options.textRequests(), model: options.model, truncate: options.truncate)
        case .classify:
            return ClassifyWorkload(requests: try options.textRequests(), model: options.model, topK: options.topK)
        case .tokenize: return TokenizeWorkload(requests: try options.textRequests(), model: options.model)
        }
    }
}
