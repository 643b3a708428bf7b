import ArgumentParser
import Foundation
import QuantServeAPI
import QuantServeSeededRandom

/// `quantbench generate`: streams of Generate calls, closed or open loop, reporting time to
/// first token, inter-token latency p50/p99, tokens/s per stream and in all.
struct GenerateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Drive Generate (server streaming) and report time to first token, inter-token latency and tokens/s.",
        discussion: """
            Each call sends a chat whose user turn is drawn from the corpus (--texts-per-prompt \
            texts joined, to make longer prompts) and reads the stream to its end. Closed loop \
            (--concurrency N): N streams at all times, the usual way to measure aggregate decode \
            throughput with N concurrent streams. Open loop (--rate R): R new streams per second.
            """
    )

    @Argument(help: "The server, host:port.")
    var target = "127.0.0.1:50051"

    @Option(help: "Model name (empty: the server's default model).")
    var model = "smollm2"

    @Option(
        help:
            "Texts for the prompts: a file with one JSON string per line (default: the bundled customer-service corpus)."
    )
    var corpus: String?

    @Option(help: "Corpus texts joined into one user turn.")
    var textsPerPrompt = 1

    @Option(help: "Tokens to generate per stream.")
    var maxTokens: UInt32 = 128

    @Option(help: "Sampling temperature (0: greedy).")
    var temperature: Float = 0

    @Option(
        help: "Seed of the prompt draws and, with a temperature, of each stream's sampler (stream k gets seed + k).")
    var seed: UInt64 = 1

    @Flag(
        help:
            "Ignore the model's end of turn: send a raw prompt and stop only at --max-tokens (needs a model that keeps going)."
    )
    var rawPrompt = false

    @OptionGroup(title: "Load") var loadOptions: LoadOptions

    @Flag(help: "Print the summary as one JSON object instead of text.")
    var json = false

    func validate() throws {
        guard QuantBench.split(target) != nil else { throw ValidationError("target must be host:port, got \(target)") }
        guard textsPerPrompt > 0, maxTokens > 0 else {
            throw ValidationError("--texts-per-prompt and --max-tokens must be positive")
        }
    }

    func run() async throws {
        guard let (host, port) = QuantBench.split(target) else { return }
        let texts = try corpus.map(Corpus.init(contentsOfFile:)) ?? Corpus.bundled()
        let prompts = TextRequests(corpus: texts, textsPerRequest: textsPerPrompt, seed: seed).batches.map {
            $0.joined(separator: " ")
        }
        let requests = prompts.enumerated().map { index, prompt in
            GenerateRequest(
                model: ModelRef(name: model), messages: rawPrompt ? [] : [ChatMessage(role: "user", content: prompt)],
                prompt: rawPrompt ? prompt : "", maxTokens: maxTokens, temperature: temperature,
                seed: temperature > 0 ? seed &+ UInt64(index) : 0)
        }
        let measuringFrom = ContinuousClock.now + .seconds(loadOptions.warmup)
        let statistics = GenerationStatistics(measuringFrom: measuringFrom)
        let issuer = try await GenerateCallIssuer(
            host: host, port: port, connectionCount: loadOptions.connections,
            requests: requests, timeout: loadOptions.callTimeout, statistics: statistics)
        let load = loadOptions.loadModel(seed: seed)
        let runner = BenchmarkRun(
            warmup: .seconds(loadOptions.warmup), duration: .seconds(loadOptions.duration), showsProgress: false)
        _ = await runner.measure(load, through: issuer)
        await issuer.close()
        let state = statistics.snapshot
        let measured = measuringFrom.duration(to: state.lastFinish ?? measuringFrom)
        let summary = GenerationSummary(statistics: state, target: target, load: load.description, measured: measured)
        print(json ? try summary.json() : summary.text)
    }
}
