import Foundation
import QuantServe
import QuantServeAPI
import QuantServeGRPC
import QuantServeTestSupport
import Testing

/// What the server refuses at the door: a full queue, a deadline that cannot be met, a text
/// too long for the model; and the timings every answer carries.
@Suite(.tags(.loopback)) struct AdmissionTests {
    static func server(scheduler: SchedulerConfiguration = .init()) async throws -> ModelTestServer {
        let repository = try ModelTestServer.temporaryRepository()
        try TinyModel.write(name: "tiny", version: 1, seed: 1, into: repository)
        let server = try await ModelTestServer.start(repository: repository, defaultModel: "tiny", scheduler: scheduler)
        await server.models.loadRepository()
        return server
    }

    @Test(
        .timeLimit(.minutes(2)),
        arguments: [
            (SchedulerConfiguration(maxQueuedRequests: 1), 1, "the model's queue is full (1 requests waiting)"),
            (
                SchedulerConfiguration(maxQueuedTokens: 40, maxRequestTokens: 40), 2,
                "32 tokens are waiting and this request's 16 would pass the limit of 40"
            ),
        ])
    func aFullQueueAnswersResourceExhaustedAtOnce(scheduler: SchedulerConfiguration, queueable: Int, message: String)
        async throws
    {
        // One model whose engine holds every batch at a gate: the queue fills while the engine is busy.
        let gate = Gate()
        let engine = CountingEngine(batchGate: gate)
        let repository = try ModelTestServer.temporaryRepository()
        try FileManager.default.createDirectory(
            at: repository.appendingPathComponent("gated/1"), withIntermediateDirectories: true)
        let server = try await ModelTestServer.start(
            repository: repository, defaultModel: "gated", scheduler: scheduler,
            loader: { _ in engine })
        gate.open()
        try await server.models.registry.load(name: "gated", version: 1, serve: true)
        gate.close()
        let loaded = try server.models.registry.acquire(name: "gated", version: 0)
        server.models.registry.release(loaded)
        let batchesAtLoad = engine.startedBatches
        let client = try await server.client()
        let text = "where is my order"  // truncated to the engine's 16 tokens

        let running = Task { try await client.embed([text]) }
        try await BatchSchedulerTests.waitUntil { engine.startedBatches == batchesAtLoad + 1 }
        let queued = (0..<queueable).map { _ in Task { try await client.embed([text]) } }
        try await BatchSchedulerTests.waitUntil { loaded.batchScheduler?.queuedRequests == queueable }
        do {
            _ = try await client.embed([text])
            Issue.record("a call beyond the queue's bound was accepted")
        } catch let error as RPCError {
            #expect(error.code == .resourceExhausted)
            #expect(error.message.contains(message), "\(error.message)")
        }
        gate.open()
        #expect(try await running.value.embeddings.count == 1)
        for call in queued { #expect(try await call.value.embeddings.count == 1) }
        await client.close()
        await server.stop()
    }

    @Test(.timeLimit(.minutes(2)))
    func anExpiredDeadlineIsNotComputed() async throws {
        let server = try await Self.server()
        let client = try await server.client()
        let loaded = try server.models.registry.acquire(name: "tiny", version: 0)
        server.models.registry.release(loaded)
        let before = try #require(loaded.batchScheduler).computedSequences
        let code = await statusCode { try await client.embed(["where is my order"], timeout: .microseconds(1)) }
        #expect(code == .deadlineExceeded)
        // Had the expired call been queued, it would be computed before or with this one.
        _ = try await client.embed(["where is my order"])
        #expect(loaded.batchScheduler?.computedSequences == before + 1)
        await client.close()
        await server.stop()
    }

    @Test(.timeLimit(.minutes(2)))
    func aTextTooLongIsRefusedUnlessTruncated() async throws {
        let server = try await Self.server()
        let client = try await server.client()
        let long = String(repeating: "word ", count: 20_000)
        do {
            _ = try await client.embed([long], truncate: false)
            Issue.record("a 100,000-character text was accepted without truncation")
        } catch let error as RPCError {
            #expect(error.code == .invalidArgument)
            #expect(error.message.contains("text 0"), "\(error.message)")
        }
        let truncated = try await client.embed([long], truncate: true)
        #expect(truncated.embeddings.first?.tokenCount == 64)
        #expect(await statusCode { try await client.embed([]) } == .invalidArgument)
        await client.close()
        await server.stop()
    }

    @Test(.timeLimit(.minutes(2)))
    func answersCarryTheirTimings() async throws {
        let server = try await Self.server()
        let client = try await server.client()
        let response = try await client.unary(
            InferenceMethods.embed, request: EmbedRequest(texts: ["hello"]), responseType: EmbedResponse.self)
        for header in [
            InferenceService.TimingHeader.queue, InferenceService.TimingHeader.tokenize,
            InferenceService.TimingHeader.compute,
        ] {
            #expect(response.headers.first(header).flatMap(Int.init) != nil, "missing \(header)")
        }
        await client.close()
        await server.stop()
    }
}
