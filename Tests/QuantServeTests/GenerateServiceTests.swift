import Foundation
import QuantServe
import QuantServeAPI
import QuantServeGRPC
import QuantServeGRPCHTTP2
import QuantServeTestSupport
import QuantServeTransformer
import Testing

/// `inference.v1.Inference/Generate` on a real server on a loopback port, through our Swift
/// client and Python grpcio. The decoder is the real `LlamaDecoder` on the tiny random llama of
/// `Tests/Python/llama_reference.py`, imported as a version folder and loaded by the loader
/// `quantserve serve` uses (`ModelServer.llamaLoader`), wrapped only to observe it (hold a step,
/// see sequences closed and the decoder freed). Expected tokens come from the same decoder run
/// directly on one sequence (`TinyLlama.greedy`); the decoder's numbers are checked against
/// numpy in `LlamaDecoderTests`.
@Suite struct GenerateServiceTests {
    /// KV cache of each version in the tests: 8 sequences of the whole context.
    static let kvCacheBytes = 8 * TinyLlama.contextLength * TinyLlama.kvBytesPerToken

    /// A server serving the tiny llama as `smol`, a client, and what the test watches of each
    /// version's decoder.
    struct Fixture {
        let server: ModelTestServer
        let client: GRPCClient
        let loads: ObservedLlamaLoads
        let observations: [UInt64: DecoderObservation]
        var repository: URL { server.models.registry.repository }

        /// Imports the tiny llama as `smol`/`version`, loads it and makes it serve.
        @discardableResult
        func load(version: UInt64) async throws -> DecoderObservation {
            let observation = loads.watch(version: version)
            try TinyLlama.write(name: "smol", version: version, into: repository)
            try await server.models.registry.load(name: "smol", version: version, serve: true)
            return observation
        }
    }

    /// Runs `body` against a fresh server whose model `smol` serves `versions` of the tiny llama
    /// (and, with `encoder`, the tiny BERT encoder as `tiny`), then stops the server.
    static func withServer(
        versions: [UInt64] = [1], encoder: Bool = false, _ body: (Fixture) async throws -> Void
    ) async throws {
        let repository = try ModelTestServer.temporaryRepository()
        defer { try? FileManager.default.removeItem(at: repository) }
        if encoder { try TinyModel.write(name: "tiny", version: 1, seed: 1, into: repository) }
        let loads = ObservedLlamaLoads(kvCacheBytes: kvCacheBytes)
        let server = try await ModelTestServer.start(
            repository: repository, defaultModel: "smol", generatorLoader: loads.loader)
        do {
            var fixture = Fixture(server: server, client: try await server.client(), loads: loads, observations: [:])
            var observations: [UInt64: DecoderObservation] = [:]
            for version in versions { observations[version] = try await fixture.load(version: version) }
            if encoder { try await server.models.registry.load(name: "tiny", version: 1, serve: true) }
            fixture = Fixture(server: server, client: fixture.client, loads: loads, observations: observations)
            try await body(fixture)
            await fixture.client.close()
        } catch {
            await server.stop()
            throw error
        }
        await server.stop()
    }

    /// A chat the tiny llama answers with more than 30 tokens (" f" again and again: a random
    /// model with a tied embedding tends to repeat a token), so every test sees a stream.
    static let messages = [ChatTemplate.Message(role: "user", content: "Hello there")]
    static let chat = [ChatMessage(role: "user", content: "Hello there")]
    /// The reference model (the tiny llama loaded once, outside any server).
    static let reference = Result { try TinyLlama.load() }

    @Test(.timeLimit(.minutes(1)))
    func streamsAChatGreedily() async throws {
        let model = try Self.reference.get()
        let prompt = try TinyLlama.chatPrompt(model, Self.messages)
        let expected = try TinyLlama.greedy(model, prompt: prompt, maxTokens: 30)
        try await Self.withServer { (fixture: Fixture) async throws in
            let client = fixture.client
            let chunks = try await client.generate(GenerateRequest(messages: Self.chat, maxTokens: 30))
            let ids = chunks.flatMap(\.tokenIds)
            #expect(ids == expected.tokens, "the served tokens are the decoder's own greedy ones")
            #expect(chunks.count == ids.count + (expected.stopped ? 1 : 0), "one chunk per token")
            #expect(chunks.map(\.text).joined() == model.tokenizer.decode(ids))
            #expect(chunks.allSatisfy { $0.model == ModelRef(name: "smol", version: 1) })
            #expect(chunks.dropLast().allSatisfy { $0.finishReason == .unspecified && $0.usage == nil })
            let last = try #require(chunks.last)
            #expect(last.finishReason == (expected.stopped ? .stop : .length))
            #expect(last.usage?.promptTokens == UInt32(prompt.count))
            #expect(last.usage?.generatedTokens == UInt32(ids.count + (expected.stopped ? 1 : 0)))
            #expect((last.usage?.timeToFirstTokenSeconds ?? 0) > 0)
            #expect(
                try await client.generate(GenerateRequest(messages: Self.chat, maxTokens: 30)).flatMap(\.tokenIds)
                    == ids, "greedy is deterministic")

            let sampled = GenerateRequest(
                prompt: "Hi there", maxTokens: 20, temperature: 20, topP: 0.9, topK: 50, seed: 7)
            let first = try await client.generate(sampled).flatMap(\.tokenIds)
            #expect(try await client.generate(sampled).flatMap(\.tokenIds) == first, "a seed repeats")
            var other = sampled
            other.seed = 8
            #expect(try await client.generate(other).flatMap(\.tokenIds) != first)

            let cut = try await client.generate(GenerateRequest(messages: Self.chat, maxTokens: 4))
            #expect(cut.flatMap(\.tokenIds) == Array(expected.tokens.prefix(4)))
            #expect(cut.last?.finishReason == .length)
            #expect(cut.last?.usage?.generatedTokens == 4)
            let text = model.tokenizer.decode(expected.tokens)
            let stop = String(text.dropFirst(2).prefix(3))
            let stopped = try await client.generate(GenerateRequest(messages: Self.chat, maxTokens: 30, stop: [stop]))
            #expect(stopped.map(\.text).joined() == String(text[..<text.range(of: stop)!.lowerBound]))
            #expect(stopped.last?.finishReason == .stop)
        }
    }

    /// Concurrent streams (decoding in shared steps as they overlap) each get the tokens they make alone.
    @Test(.timeLimit(.minutes(1)))
    func concurrentStreamsMatchTheirLoneRuns() async throws {
        let model = try Self.reference.get()
        let prompts = ["Hi", "Where is my parcel?", "abc def ghi jkl", "The order 42 never came"]
        let expected = try prompts.map {
            try TinyLlama.greedy(model, prompt: model.tokenizer.encode($0), maxTokens: 24)
        }
        try await Self.withServer { (fixture: Fixture) async throws in
            let client = fixture.client
            let calls = prompts.map { prompt in
                Task { try await client.generate(GenerateRequest(prompt: prompt, maxTokens: 24)).flatMap(\.tokenIds) }
            }
            for (index, call) in calls.enumerated() {
                let tokens = try await call.value
                #expect(
                    tokens == expected[index].tokens, "\(prompts[index]): \(tokens), alone \(expected[index].tokens)")
            }
            #expect(try #require(fixture.observations[1]).usedBlocks == 0, "every block returned")
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func refusesBadRequestsWithClearStatuses() async throws {
        try await Self.withServer(encoder: true) { (fixture: Fixture) async throws in
            try await Self.refusals(fixture.client)
        }
    }

    /// Each bad request gets its status and a message naming what is wrong (the tiny llama's
    /// context is 64 tokens; `tiny` is an encoder).
    static func refusals(_ client: GRPCClient) async throws {
        let cases: [(GenerateRequest, Status.Code, String)] = [
            (GenerateRequest(), .invalidArgument, "neither messages nor a prompt"),
            (GenerateRequest(messages: Self.chat, prompt: "x"), .invalidArgument, "both"),
            (GenerateRequest(messages: [ChatMessage(role: "wizard", content: "x")]), .invalidArgument, "role"),
            (GenerateRequest(prompt: "x", maxTokens: 65), .invalidArgument, "max_tokens 65"),
            (GenerateRequest(prompt: "x", temperature: -1), .invalidArgument, "temperature"),
            (GenerateRequest(prompt: "x", topP: 1.5), .invalidArgument, "top_p"),
            (GenerateRequest(prompt: "x", repetitionPenalty: -2), .invalidArgument, "repetition_penalty"),
            (GenerateRequest(prompt: "x", stop: [""]), .invalidArgument, "stop[0] is empty"),
            (GenerateRequest(prompt: String(repeating: "x", count: 40), maxTokens: 30), .resourceExhausted, "context"),
            (GenerateRequest(model: ModelRef(name: "tiny"), prompt: "x"), .failedPrecondition, "encoder"),
            (GenerateRequest(model: ModelRef(name: "nope"), prompt: "x"), .notFound, "nope"),
            (
                GenerateRequest(prompt: "x", stop: Array(repeating: "s", count: 17)), .resourceExhausted,
                "17 stop strings"
            ),
        ]
        for (request, code, mentioned) in cases {
            do {
                _ = try await client.generate(request)
                Issue.record("\(request) succeeded")
            } catch let error as RPCError {
                #expect(error.code == code, "\(request)")
                #expect(error.message.contains(mentioned), "\(error.message)")
            }
        }
        await #expect(throws: RPCError.self) { _ = try await client.embed(["x"], model: ModelRef(name: "smol")) }
        #expect(
            await statusCode { try await client.embed(["x"], model: ModelRef(name: "smol")) } == .failedPrecondition)
    }

    /// A client that resets its stream frees the sequence's blocks at the next step.
    @Test(.timeLimit(.minutes(1)))
    func resetStreamFreesItsBlocks() async throws {
        let model = try Self.reference.get()
        let expected = try TinyLlama.greedy(model, prompt: TinyLlama.chatPrompt(model, Self.messages), maxTokens: 30)
        try await Self.withServer { (fixture: Fixture) async throws in
            let observation = try #require(fixture.observations[1])
            observation.gate.hold(afterSteps: 1)
            var closed = observation.closed.makeAsyncIterator()
            let first = try await fixture.client.serverStreaming(
                InferenceMethods.generate, request: GenerateRequest(messages: Self.chat, maxTokens: 30),
                responseType: GenerateChunk.self
            ) { response in
                var iterator = response.messages.makeAsyncIterator()
                return try await iterator.next()
            }  // returning early resets the stream
            #expect(first?.tokenIds == Array(expected.tokens.prefix(1)))
            // Frames of one connection are handled in order: once this call is answered, the
            // server has handled the reset (and cancelled the generation's task).
            _ = try? await fixture.client.generate(GenerateRequest())
            observation.gate.release()
            _ = await closed.next()
            #expect(observation.usedBlocks == 0, "every block returned")
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func passedDeadlineEndsTheCallAndFreesBlocks() async throws {
        try await Self.withServer { (fixture: Fixture) async throws in
            let observation = try #require(fixture.observations[1])
            observation.gate.hold(afterSteps: 1)
            var closed = observation.closed.makeAsyncIterator()
            var blocked = observation.gate.blocked.makeAsyncIterator()
            let client = fixture.client
            let call = Task {
                await statusCode {
                    try await client.generate(GenerateRequest(messages: Self.chat, maxTokens: 30), timeout: .seconds(1))
                }
            }
            _ = await blocked.next()  // the sequence is generating; its second step waits
            #expect(await call.value == .deadlineExceeded)
            observation.gate.release()
            _ = await closed.next()
            #expect(observation.usedBlocks == 0)
        }
    }

    /// A generation keeps its version through a swap and an unload, to its last token; the
    /// unloaded version (its decoder and KV cache) is freed when that generation ends.
    @Test(.timeLimit(.minutes(1)))
    func hotSwapDuringGenerationFailsNoStream() async throws {
        let model = try Self.reference.get()
        let expected = try TinyLlama.greedy(model, prompt: TinyLlama.chatPrompt(model, Self.messages), maxTokens: 30)
        try await Self.withServer { (fixture: Fixture) async throws in
            let old = try #require(fixture.observations[1])
            old.gate.hold(afterSteps: 3)
            let client = fixture.client
            let running = Task { try await client.generate(GenerateRequest(messages: Self.chat, maxTokens: 30)) }
            var blocked = old.gate.blocked.makeAsyncIterator()
            _ = await blocked.next()
            try await fixture.load(version: 2)
            try fixture.server.models.registry.unload(name: "smol", version: 1)
            let fresh = try await client.generate(GenerateRequest(messages: Self.chat, maxTokens: 30))
            #expect(fresh.allSatisfy { $0.model?.version == 2 })
            #expect(fresh.flatMap(\.tokenIds) == expected.tokens)
            old.gate.release()
            let chunks = try await running.value
            #expect(chunks.allSatisfy { $0.model?.version == 1 })
            #expect(chunks.flatMap(\.tokenIds) == expected.tokens)
            #expect(chunks.last?.finishReason == (expected.stopped ? .stop : .length))
            for await _ in old.freed {}  // ends when the old decoder is freed
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func grpcioStreamsAGeneration() async throws {
        let model = try Self.reference.get()
        let expected = try TinyLlama.greedy(model, prompt: TinyLlama.chatPrompt(model, Self.messages), maxTokens: 30)
        try await Self.withServer { (fixture: Fixture) async throws in
            try await Self.expectGRPCIOGeneration(port: fixture.server.port, model: model, expected: expected)
        }
    }

    /// `quantserve serve` itself, on a repository holding the tiny llama imported by
    /// `quantserve import gguf`, streams the same generation to grpcio.
    @Test(.timeLimit(.minutes(1)), .tags(.subprocess))
    func quantserveServesAnImportedGGUF() async throws {
        let quantserve = try Prerequisite.quantserve.require()
        let model = try Self.reference.get()
        let expected = try TinyLlama.greedy(model, prompt: TinyLlama.chatPrompt(model, Self.messages), maxTokens: 30)
        let repository = try TemporaryDirectory(prefix: "serve-gguf")
        defer { repository.remove() }
        let imported = try ChildProcess(
            quantserve, ["import", "gguf", try TinyLlama.gguf().path, repository.appendingPathComponent("smol/1").path])
        for await _ in imported.lines {}
        #expect(await imported.exitStatus() == 0)
        let server = try ChildProcess(
            quantserve,
            [
                "serve", "--port", "0", "--model-repository", repository.url.path, "--default-model", "smol",
                "--generation-kv-cache-mib", "1", "--compute-threads", "2",
            ])
        defer { server.terminate() }
        var lines = server.lines.makeAsyncIterator()
        var port: Int?
        while port == nil, let line = await lines.next() { port = ServeCommandTests.port(inServingLine: line) }
        let servedPort = try #require(port, "quantserve never logged its address")
        try await Self.expectGRPCIOGeneration(port: servedPort, model: model, expected: expected)
        try await Self.expectQuantbenchGenerate(port: servedPort, model: model)
    }

    /// `quantbench generate` against the tiny llama served as `smol` on `port`: every stream
    /// completes, each of `maxTokens` tokens, and the prompt size it reports is the server's count
    /// of the raw prompt it sent (one corpus text).
    private static func expectQuantbenchGenerate(port: Int, model: GenerativeModel) async throws {
        let corpus = try TemporaryDirectory(prefix: "quantbench-corpus")
        defer { corpus.remove() }
        let text = "Where is my parcel?"
        let corpusFile = corpus.appendingPathComponent("corpus.jsonl")
        try Data("\"\(text)\"\n".utf8).write(to: corpusFile)
        let maxTokens = 6
        let promptTokens = model.tokenizer.encode(text)
        let greedy = try TinyLlama.greedy(model, prompt: promptTokens, maxTokens: maxTokens)
        try #require(!greedy.stopped, "the tiny llama ends its reply to \"\(text)\" early; pick another text")
        let process = try ChildProcess(
            try Prerequisite.quantbench.require(),
            [
                "generate", "127.0.0.1:\(port)", "--model", "smol", "--corpus", corpusFile.path, "--raw-prompt",
                "--max-tokens", "\(maxTokens)", "--concurrency", "2", "--duration", "0.5", "--warmup", "0", "--json",
            ])
        let (status, output) = await process.run()
        #expect(status == 0, "\(output)")
        let line = try #require(output.split(separator: "\n").last { $0.hasPrefix("{") }, "no JSON summary: \(output)")
        let summary = try JSONDecoder().decode(QuantbenchGenerateSummary.self, from: Data(line.utf8))
        #expect(summary.streams > 0)
        #expect(summary.failures.isEmpty)
        #expect(summary.tokens == summary.streams * maxTokens)
        let count = promptTokens.count
        #expect(summary.prompt_tokens == ["min": count, "p50": count, "max": count])
        #expect(summary.time_to_first_token_milliseconds["p99"] != nil)
    }

    /// The fields of `quantbench generate --json` this suite checks.
    private struct QuantbenchGenerateSummary: Decodable {
        let streams: Int
        let failures: [String: Int]
        let tokens: Int
        let prompt_tokens: [String: Int]
        let time_to_first_token_milliseconds: [String: Double]
    }

    /// A KV budget flag out of range stops `quantserve serve` before it loads anything, saying why.
    @Test(.timeLimit(.minutes(1)), .tags(.subprocess), arguments: ["0", "-5", "\(Int32.max)"])
    func quantserveRefusesAKVBudgetOutOfRange(mebibytes: String) async throws {
        let process = try ChildProcess(
            try Prerequisite.quantserve.require(), ["serve", "--port", "0", "--generation-kv-cache-mib=\(mebibytes)"])
        let (status, output) = await process.run()
        #expect(status != 0)
        #expect(output.contains("--generation-kv-cache-mib must be between 1 and this machine's memory"), "\(output)")
    }

    /// Runs `interop_generate.py` (grpcio) against the tiny llama served as `smol` on `port`
    /// and checks its report against `expected`.
    static func expectGRPCIOGeneration(
        port: Int, model: GenerativeModel, expected: (tokens: [UInt32], stopped: Bool)
    ) async throws {
        let process = try PythonScript.start(
            "interop_generate.py",
            arguments: [
                "--port", "\(port)", "--model", "smol", "--max-tokens", "30", "--content", messages[0].content,
            ])
        var output: [String] = []
        for await line in process.lines { output.append(line) }
        #expect(await process.exitStatus() == 0, "\(output.joined(separator: "\n"))")
        let lastLine = try #require(output.last)
        let report = try #require(try JSONSerialization.jsonObject(with: Data(lastLine.utf8)) as? [String: Any])
        let texts = try #require(report["texts"] as? [String])
        #expect(texts.joined() == model.tokenizer.decode(expected.tokens))
        #expect(report["tokens"] as? Int == expected.tokens.count)
        #expect(
            report["finish_reason"] as? String == (expected.stopped ? "FINISH_REASON_STOP" : "FINISH_REASON_LENGTH"))
        #expect(report["unset_before_last"] as? Bool == true)
        #expect(report["generated_tokens"] as? Int == expected.tokens.count + (expected.stopped ? 1 : 0))
        #expect(report["versions"] as? [Int] == [1])
        #expect(report["empty_status"] as? String == "INVALID_ARGUMENT")
    }

    /// A KV budget that cannot hold one sequence of the context fails the load, saying so.
    @Test(.timeLimit(.minutes(1)))
    func kvBudgetBelowTheContextFailsTheLoad() async throws {
        let repository = try TemporaryDirectory(prefix: "small-kv")
        defer { repository.remove() }
        try TinyLlama.write(name: "smol", version: 1, into: repository.url)
        let loader = LlamaVersionLoader(
            pool: ModelTestServer.pool, kvCacheBytes: (TinyLlama.contextLength - 16) * TinyLlama.kvBytesPerToken)
        #expect(
            throws: LlamaVersionError.kvBudgetBelowContext(
                budgetBytes: 48 * 256, contextLength: 64, bytesPerToken: TinyLlama.kvBytesPerToken)
        ) { _ = try loader.load(repository.appendingPathComponent("smol/1")) }
        #expect(
            LlamaVersionError.kvBudgetBelowContext(budgetBytes: 48 * 256, contextLength: 64, bytesPerToken: 256)
                .description.contains("--generation-kv-cache-mib"))
        let encoderFolder = try TemporaryDirectory(prefix: "encoder")
        defer { encoderFolder.remove() }
        try TinyModel.write(name: "tiny", version: 1, seed: 1, into: encoderFolder.url)
        #expect(try loader.load(encoderFolder.appendingPathComponent("tiny/1")) == nil, "an encoder is not taken")
    }
}

extension GRPCClient {
    /// Every chunk of a Generate call.
    func generate(_ request: GenerateRequest, timeout: Duration? = nil) async throws -> [GenerateChunk] {
        try await serverStreaming(
            InferenceMethods.generate, request: request, timeout: timeout, responseType: GenerateChunk.self
        ) { response in
            var chunks: [GenerateChunk] = []
            for try await chunk in response.messages { chunks.append(chunk) }
            return chunks
        }
    }
}
