import Foundation
import QuantServe
import QuantServeAPI
import QuantServeGRPC
import QuantServeGRPCHTTP2
import QuantServeTestSupport
import QuantServeTransformer
import Synchronization
import Testing

/// `inference.v1.Inference/Generate` on a real server on a loopback port, through our Swift
/// client and Python grpcio. The decoder is `ScriptedDecoder` (deterministic logits, a real KV
/// block ledger); after the llama branch merges, `streamsAChatGreedily` and the grpcio check
/// also run against the tiny random llama through its `generatorLoader`.
@Suite struct GenerateServiceTests {
    /// The decoders the next loads get, by version (taken out as they load, so that the test
    /// holds no reference to a loaded decoder and can see it freed).
    final class DecoderShelf: Sendable {
        private let decoders = Mutex<[UInt64: ScriptedDecoder]>([:])

        /// Puts a decoder for `version` on the shelf and returns its gate, its closed sequences
        /// and the stream that finishes when it is freed.
        @discardableResult
        func put(version: UInt64, contextLength: Int = 256) -> (
            gate: StepGate, closed: AsyncStream<DecoderSequenceID>, freed: AsyncStream<Never>, free: @Sendable () -> Int
        ) {
            let decoder = ScriptedDecoder(contextLength: contextLength)
            decoders.withLock { $0[version] = decoder }
            return (
                decoder.gate, decoder.closed, decoder.freed,
                { [weak decoder] in decoder.map { $0.kvBlockCount - $0.freeKVBlocks } ?? -1 }
            )
        }

        var loader: ModelRegistry.GeneratorLoader {
            { [self] directory in
                guard directory.deletingLastPathComponent().lastPathComponent == "smol",
                    let version = UInt64(directory.lastPathComponent)
                else { return nil }
                return decoders.withLock { $0.removeValue(forKey: version) }?.model()
            }
        }
    }

    static func start(_ shelf: DecoderShelf, versions: [UInt64] = [1], encoder: Bool = false) async throws
        -> ModelTestServer
    {
        let repository = try ModelTestServer.temporaryRepository()
        for version in versions {
            try FileManager.default.createDirectory(
                at: repository.appendingPathComponent("smol/\(version)"), withIntermediateDirectories: true)
        }
        if encoder { try TinyModel.write(name: "tiny", version: 1, seed: 1, into: repository) }
        let server = try await ModelTestServer.start(
            repository: repository, defaultModel: "smol", generatorLoader: shelf.loader)
        for version in versions { try await server.models.registry.load(name: "smol", version: version, serve: true) }
        if encoder { try await server.models.registry.load(name: "tiny", version: 1, serve: true) }
        return server
    }

    static let chat = [ChatMessage(role: "user", content: "Where is my parcel?")]
    static let fullScript = String(decoding: ScriptedDecoder.script, as: UTF8.self)

    @Test(.timeLimit(.minutes(1)))
    func streamsAChatGreedily() async throws {
        let shelf = DecoderShelf()
        shelf.put(version: 1)
        let server = try await Self.start(shelf)
        defer { Task { await server.stop() } }
        let client = try await server.client()
        let chunks = try await client.generate(GenerateRequest(messages: Self.chat))
        #expect(chunks.count > 10, "streamed in chunks")
        #expect(chunks.map(\.text).joined() == Self.fullScript)
        #expect(chunks.allSatisfy { !$0.text.contains("\u{FFFD}") }, "no chunk cuts a character")
        #expect(chunks.allSatisfy { $0.model == ModelRef(name: "smol", version: 1) })
        #expect(chunks.dropLast().allSatisfy { $0.finishReason == .unspecified && $0.usage == nil })
        let last = try #require(chunks.last)
        #expect(last.finishReason == .stop)
        let template = try ChatTemplate(
            source: ScriptedDecoder.chatTemplateSource, beginToken: "<|im_start|>", endToken: "<|im_end|>")
        let promptTokens = ScriptedDecoder.tokenizer.encode(
            try template.render([.init(role: "user", content: "Where is my parcel?")]))
        #expect(last.usage?.promptTokens == UInt32(promptTokens.count))
        #expect(last.usage?.generatedTokens == UInt32(ScriptedDecoder.script.count + 1))
        #expect((last.usage?.timeToFirstTokenSeconds ?? 0) > 0)
        let ids = chunks.flatMap(\.tokenIds)
        #expect(ids == ScriptedDecoder.script.map { UInt32($0) })
        #expect(
            try await client.generate(GenerateRequest(messages: Self.chat)).flatMap(\.tokenIds) == ids,
            "greedy is deterministic")

        let sampled = GenerateRequest(prompt: "#a", maxTokens: 20, temperature: 4, topP: 0.9, topK: 50, seed: 7)
        let first = try await client.generate(sampled).flatMap(\.tokenIds)
        #expect(try await client.generate(sampled).flatMap(\.tokenIds) == first, "a seed repeats")
        var other = sampled
        other.seed = 8
        #expect(try await client.generate(other).flatMap(\.tokenIds) != first)

        let stopped = try await client.generate(GenerateRequest(prompt: "a", maxTokens: 50, stop: ["ghi"]))
        #expect(stopped.map(\.text).joined() == "bcdef")
        #expect(stopped.last?.finishReason == .stop)
        let cut = try await client.generate(GenerateRequest(prompt: "a", maxTokens: 4))
        #expect(cut.map(\.text).joined() == "bcde")
        #expect(cut.last?.finishReason == .length)
        #expect(cut.last?.usage?.generatedTokens == 4)
    }

    @Test(.timeLimit(.minutes(1)))
    func refusesBadRequestsWithClearStatuses() async throws {
        let shelf = DecoderShelf()
        shelf.put(version: 1, contextLength: 64)
        let server = try await Self.start(shelf, encoder: true)
        defer { Task { await server.stop() } }
        let client = try await server.client()
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
        let shelf = DecoderShelf()
        let decoder = shelf.put(version: 1)
        let server = try await Self.start(shelf)
        defer { Task { await server.stop() } }
        let client = try await server.client()
        decoder.gate.hold(afterSteps: 1)
        var closed = decoder.closed.makeAsyncIterator()
        let first = try await client.serverStreaming(
            InferenceMethods.generate, request: GenerateRequest(prompt: "#", maxTokens: 200),
            responseType: GenerateChunk.self
        ) { response in
            var iterator = response.messages.makeAsyncIterator()
            return try await iterator.next()
        }  // returning early resets the stream
        #expect(first?.text == "a")
        // Frames of one connection are handled in order: once this call is answered, the
        // server has handled the reset (and cancelled the generation's task).
        _ = try? await client.generate(GenerateRequest())
        decoder.gate.release()
        _ = await closed.next()
        #expect(decoder.free() == 0, "every block returned")
    }

    @Test(.timeLimit(.minutes(1)))
    func passedDeadlineEndsTheCallAndFreesBlocks() async throws {
        let shelf = DecoderShelf()
        let decoder = shelf.put(version: 1)
        let server = try await Self.start(shelf)
        defer { Task { await server.stop() } }
        let client = try await server.client()
        decoder.gate.hold(afterSteps: 1)
        var closed = decoder.closed.makeAsyncIterator()
        var blocked = decoder.gate.blocked.makeAsyncIterator()
        let call = Task {
            await statusCode {
                try await client.generate(GenerateRequest(prompt: "#", maxTokens: 200), timeout: .seconds(1))
            }
        }
        _ = await blocked.next()  // the sequence is generating; its second step waits
        #expect(await call.value == .deadlineExceeded)
        decoder.gate.release()
        _ = await closed.next()
        #expect(decoder.free() == 0)
    }

    /// A generation keeps its version through a swap and an unload, to its last token; the
    /// unloaded version (its decoder and KV cache) is freed when that generation ends.
    @Test(.timeLimit(.minutes(1)))
    func hotSwapDuringGenerationFailsNoStream() async throws {
        let shelf = DecoderShelf()
        let old = shelf.put(version: 1)
        let server = try await Self.start(shelf)
        defer { Task { await server.stop() } }
        old.gate.hold(afterSteps: 3)
        let client = try await server.client()
        let running = Task { try await client.generate(GenerateRequest(messages: Self.chat)) }
        var blocked = old.gate.blocked.makeAsyncIterator()
        _ = await blocked.next()
        shelf.put(version: 2)
        try FileManager.default.createDirectory(
            at: server.models.registry.repository.appendingPathComponent("smol/2"), withIntermediateDirectories: true)
        try await server.models.registry.load(name: "smol", version: 2, serve: true)
        try server.models.registry.unload(name: "smol", version: 1)
        let fresh = try await client.generate(GenerateRequest(messages: Self.chat))
        #expect(fresh.allSatisfy { $0.model?.version == 2 })
        old.gate.release()
        let chunks = try await running.value
        #expect(chunks.allSatisfy { $0.model?.version == 1 })
        #expect(chunks.map(\.text).joined() == Self.fullScript)
        #expect(chunks.last?.finishReason == .stop)
        for await _ in old.freed {}  // ends when the old decoder is freed
    }

    @Test(.timeLimit(.minutes(1)))
    func grpcioStreamsAGeneration() async throws {
        let shelf = DecoderShelf()
        shelf.put(version: 1)
        let server = try await Self.start(shelf)
        defer { Task { await server.stop() } }
        let process = try PythonScript.start(
            "interop_generate.py", arguments: ["--port", "\(server.port)", "--model", "smol"])
        var output: [String] = []
        for await line in process.lines { output.append(line) }
        #expect(await process.exitStatus() == 0, "\(output.joined(separator: "\n"))")
        let lastLine = try #require(output.last)
        let report = try #require(try JSONSerialization.jsonObject(with: Data(lastLine.utf8)) as? [String: Any])
        let texts = try #require(report["texts"] as? [String])
        #expect(texts.count > 10)
        #expect(texts.joined() == Self.fullScript)
        #expect(report["tokens"] as? Int == ScriptedDecoder.script.count)
        #expect(report["finish_reason"] as? String == "FINISH_REASON_STOP")
        #expect(report["unset_before_last"] as? Bool == true)
        #expect(report["generated_tokens"] as? Int == ScriptedDecoder.script.count + 1)
        #expect(report["versions"] as? [Int] == [1])
        #expect(report["empty_status"] as? String == "INVALID_ARGUMENT")
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
