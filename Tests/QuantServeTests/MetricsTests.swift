import Foundation
import Logging
import QuantServe
import QuantServeAPI
import QuantServeGRPC
import QuantServeGRPCHTTP2
import QuantServeHTTP
import QuantServeTestSupport
import Testing

/// `/metrics` of a real server after a known load, scraped over HTTP and parsed by the Python
/// Prometheus client's own parser (Tests/Python/metrics_check.py): calls counted per method and
/// status code, histograms' counts equal to the requests computed, version states through a
/// hot swap, a failed load and an unload.
@Suite("Prometheus metrics", .tags(.subprocess))
struct MetricsTests {
    @Test(.timeLimit(.minutes(2)))
    func scrapeCountsTheCallsMadeAndFollowsAHotSwap() async throws {
        let repository = try ModelTestServer.temporaryRepository()
        try TinyModel.write(name: "tiny", version: 1, seed: 1, into: repository)
        let exposition = PrometheusExposition()
        let server = try await ModelTestServer.start(repository: repository, defaultModel: "tiny", metrics: exposition)
        await server.models.loadRepository()
        var routes = HTTPRouter()
        exposition.addRoute(to: &routes)
        let endpoint = HTTPServer(
            router: routes, configuration: HTTPServerConfiguration(host: "127.0.0.1", port: 0),
            logger: Logger(label: "quantserve.tests"))
        try await endpoint.start()
        let client = try await server.client()
        var calls = CallTally()

        // The known load on version 1: successes (one and two texts), and two kinds of failure.
        for texts in [
            ["where is my order"], ["refund please", "hello world"], ["help"], ["cancel it"], ["late parcel"],
        ] {
            await calls.make(InferenceMethods.embed, expecting: .ok) { try await client.embed(texts) }
        }
        await calls.make(InferenceMethods.classify, expecting: .ok) {
            try await client.unary(
                InferenceMethods.classify, request: ClassifyRequest(texts: ["where is my parcel"], topK: 2),
                responseType: ClassifyResponse.self)
        }
        for _ in 0..<3 {
            await calls.make(InferenceMethods.embed, expecting: .invalidArgument) { try await client.embed([]) }
        }
        for _ in 0..<2 {
            await calls.make(InferenceMethods.embed, expecting: .notFound) {
                try await client.embed(["hi"], model: ModelRef(name: "absent"))
            }
        }
        await calls.make(InferenceMethods.tokenize, expecting: .notFound) {
            try await client.unary(
                InferenceMethods.tokenize, request: TokenizeRequest(model: ModelRef(name: "absent"), texts: ["hi"]),
                responseType: TokenizeResponse.self)
        }
        let version1 = ["model": "tiny", "version": "1"]
        try await check(
            endpoint, calls, versions: [version1.with(state: "serving", computed: 6, sequences: 7)],
            hotSwaps: 0, failedLoads: 0)

        // Version 2 loads beside it and is promoted; version 3's folder is broken and fails to load.
        try TinyModel.write(name: "tiny", version: 2, seed: 2, into: repository)
        let broken = repository.appendingPathComponent("tiny/3")
        try FileManager.default.createDirectory(at: broken, withIntermediateDirectories: true)
        try Data("{ not a manifest".utf8).write(to: broken.appendingPathComponent("quantserve.json"))
        await calls.make(ModelRegistryMethods.loadModel, expecting: .ok) {
            try await client.admin(
                ModelRegistryMethods.loadModel, LoadModelRequest(name: "tiny", version: 2), LoadModelResponse.self)
        }
        await calls.make(ModelRegistryMethods.serveVersion, expecting: .ok) {
            try await client.admin(
                ModelRegistryMethods.serveVersion, ServeVersionRequest(name: "tiny", version: 2),
                ServeVersionResponse.self)
        }
        await calls.make(ModelRegistryMethods.loadModel, expecting: .invalidArgument) {
            try await client.admin(
                ModelRegistryMethods.loadModel, LoadModelRequest(name: "tiny", version: 3), LoadModelResponse.self)
        }
        for _ in 0..<4 {
            await calls.make(InferenceMethods.embed, expecting: .ok) { try await client.embed(["password reset"]) }
        }
        let version2 = ["model": "tiny", "version": "2"]
        try await check(
            endpoint, calls,
            versions: [
                version1.with(state: "ready", computed: 6, sequences: 7),
                version2.with(state: "serving", computed: 4, sequences: 4),
            ],
            failedVersion: ["model": "tiny", "version": "3", "state": "failed"],
            hotSwaps: 1, failedLoads: 1)

        // Unloaded, version 1 leaves the exposition.
        await calls.make(ModelRegistryMethods.unloadModel, expecting: .ok) {
            try await client.admin(
                ModelRegistryMethods.unloadModel, UnloadModelRequest(name: "tiny", version: 1), UnloadModelResponse.self
            )
        }
        try await check(
            endpoint, calls, versions: [version2.with(state: "serving", computed: 4, sequences: 4)],
            absent: [version1], hotSwaps: 1, failedLoads: 1)

        await client.close()
        await endpoint.shutdown(gracePeriod: .seconds(1))
        await server.stop()
        #expect(calls.unexpected.isEmpty, "calls that did not end as the load meant: \(calls.unexpected)")
    }

    /// Runs metrics_check.py against the endpoint with what the test knows, and expects it to pass.
    private func check(
        _ endpoint: HTTPServer, _ calls: CallTally, versions: [[String: Any]], failedVersion: [String: String]? = nil,
        absent: [[String: String]] = [], hotSwaps: Int, failedLoads: Int
    ) async throws {
        let python = try Prerequisite.python.require()
        var expected: [String: Any] = [
            "requests": calls.counts.map { ["method": $0.key.method, "code": $0.key.code, "count": $0.value] },
            "durations": calls.perMethod,
            "versions": versions,
            "absent_versions": absent,
            "hot_swaps": ["tiny": hotSwaps],
            "failed_loads": ["tiny": failedLoads],
        ]
        if let failedVersion { expected["failed_versions"] = [failedVersion] }
        let json = String(decoding: try JSONSerialization.data(withJSONObject: expected), as: UTF8.self)
        let script = Repository.root.appendingPathComponent("Tests/Python/metrics_check.py").path
        let checker = try ChildProcess(
            python, [script, "--url", "http://127.0.0.1:\(endpoint.port)/metrics", "--expect", json])
        var output: [String] = []
        for await line in checker.lines { output.append(line) }
        let status = await checker.exitStatus()
        let transcript = output.joined(separator: "\n")
        #expect(status == 0, "metrics_check.py failed:\n\(transcript)")
        #expect(output.contains { $0.hasPrefix("metrics: ") && $0.hasSuffix(" passed, 0 failed") }, "\(transcript)")
    }

    /// Every call the test made, by method path and the status code it ended with.
    struct CallTally {
        struct Key: Hashable {
            let method: String
            let code: String
        }

        private(set) var counts: [Key: Int] = [:]
        private(set) var unexpected: [String] = []

        /// Calls per method path, whatever their code.
        var perMethod: [String: Int] {
            counts.reduce(into: [:]) { $0[$1.key.method, default: 0] += $1.value }
        }

        /// Makes one call and counts the code it ended with; one other than `expected` is noted.
        mutating func make(
            _ method: MethodDescriptor, expecting expected: Status.Code, _ call: () async throws -> some Any
        ) async {
            let code = await statusCode(of: call) ?? .ok
            counts[Key(method: method.path, code: code.description), default: 0] += 1
            if code != expected { unexpected.append("\(method.path): \(code), not \(expected)") }
        }
    }
}

extension Dictionary where Key == String, Value == String {
    /// The labels of a version with what the check expects of it.
    func with(state: String, computed: Int, sequences: Int) -> [String: Any] {
        var version: [String: Any] = self
        version["state"] = state
        version["computed"] = computed
        version["sequences"] = sequences
        return version
    }
}
