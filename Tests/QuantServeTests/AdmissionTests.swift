import Foundation
import GRPCCore
import QuantServe
import QuantServeAPI
import Testing

/// What the server refuses at the door: a full queue, a deadline that cannot be met, a text
/// too long for the model; and the timings every answer carries.
@Suite struct AdmissionTests {
    static func server(scheduler: SchedulerConfiguration = .init()) async throws -> ModelTestServer {
        let repository = try ModelTestServer.temporaryRepository()
        try TinyModel.write(name: "tiny", version: 1, seed: 1, into: repository)
        let server = try await ModelTestServer.start(repository: repository, defaultModel: "tiny", scheduler: scheduler)
        await server.models.loadRepository()
        return server
    }

    @Test(.timeLimit(.minutes(2)))
    func aFullQueueAnswersResourceExhaustedAtOnce() async throws {
        let server = try await Self.server(scheduler: .init(maxQueuedRequests: 1, maxBatchTokens: 8, maxBatchDelay: .milliseconds(50)))
        let client = try await server.client()
        let text = String(repeating: "where is my order ", count: 3)
        let codes = await withTaskGroup(of: Status.Code?.self) { group in
            for _ in 0..<40 { group.addTask { await statusCode { try await client.embed([text]) } } }
            var codes: [Status.Code?] = []
            for await code in group { codes.append(code) }
            return codes
        }
        #expect(codes.contains(.resourceExhausted), "codes: \(codes)")
        #expect(codes.contains(nil), "some calls must still succeed")
        #expect(codes.allSatisfy { $0 == nil || $0 == .resourceExhausted })
        do {
            for _ in 0..<40 { _ = try await client.embed([text]) }
        } catch let error as RPCError where error.code == .resourceExhausted {
            #expect(error.message.contains("queue is full"))
        }
        await client.close()
        await server.stop()
    }

    @Test(.timeLimit(.minutes(2)))
    func anExpiredDeadlineIsNotComputed() async throws {
        let server = try await Self.server()
        let client = try await server.client()
        let loaded = try server.models.registry.acquire(name: "tiny", version: 0)
        server.models.registry.release(loaded)
        let before = loaded.scheduler.computedSequences
        let code = await statusCode { try await client.embed(["where is my order"], timeout: .microseconds(1)) }
        #expect(code == .deadlineExceeded)
        try await Task.sleep(for: .milliseconds(50))
        #expect(loaded.scheduler.computedSequences == before)
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
        let response = try await client.unary(InferenceMethods.embed, request: EmbedRequest(texts: ["hello"]), responseType: EmbedResponse.self)
        for header in [InferenceService.TimingHeader.queue, InferenceService.TimingHeader.tokenize, InferenceService.TimingHeader.compute] {
            #expect(response.headers.first(header).flatMap(Int.init) != nil, "missing \(header)")
        }
        await client.close()
        await server.stop()
    }
}
