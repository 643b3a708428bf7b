import ArgumentParser

/// Options that shape the requests of the workloads.
struct WorkloadOptions: ParsableArguments {
    @Option(help: "What to call: \(WorkloadKind.allCases.map(\.rawValue).joined(separator: ", ")).")
    var method = WorkloadKind.health

    @Option(
        help:
            "Texts for embed/classify/tokenize: a file with one JSON string per line (default: the bundled customer-service corpus)."
    )
    var corpus: String?

    @Option(help: "Texts per embed/classify/tokenize request, drawn at random from the corpus.")
    var textsPerRequest = 1

    @Option(help: "Seed of the random draws (texts, Poisson gaps): the same seed sends the same requests.")
    var seed: UInt64 = 1

    @Option(help: "Model name sent with embed/classify/tokenize requests (empty: the server's default model).")
    var model = "minilm"

    @Flag(
        inversion: .prefixedNo,
        help: "Embed: ask the server to truncate texts longer than the model's maximum sequence.")
    var truncate = true

    @Option(help: "Classify: labels per text, best first.")
    var topK: UInt32 = 1

    @Option(help: "Service name for --method health (empty: the server as a whole).")
    var healthService = ""

    @Option(help: "Payload bytes per request for --method echo.")
    var payloadBytes = 0

    func validate() throws {
        guard textsPerRequest > 0 else { throw ValidationError("--texts-per-request must be positive") }
        guard payloadBytes >= 0 else { throw ValidationError("--payload-bytes must not be negative") }
    }

    /// The requests of a text workload, drawn from the corpus with the seed.
    func textRequests() throws -> TextRequests {
        let texts = try corpus.map(Corpus.init(contentsOfFile:)) ?? Corpus.bundled()
        return TextRequests(corpus: texts, textsPerRequest: textsPerRequest, seed: seed)
    }
}
