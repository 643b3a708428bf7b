import Foundation
import QuantServe
import QuantServeTestSupport
import Testing

/// One request's scratch memory is bounded by the batch budget, and what a large request took is
/// given back once small requests are typical again: the real int8 encoder of a tiny model,
/// through the registry, tokenizer and batcher.
@Suite(.tags(.loopback)) struct ScratchMemoryTests {
    @Test(.timeLimit(.minutes(2)))
    func aLargeRequestTakesBoundedScratchAndGivesItBack() async throws {
        let repository = try ModelTestServer.temporaryRepository()
        try TinyModel.write(name: "tiny", version: 1, seed: 1, into: repository)
        let server = try await ModelTestServer.start(
            repository: repository, defaultModel: "tiny",
            scheduler: .init(maxBatchTokens: 256))
        await server.models.loadRepository()
        let inference = Inference(registry: server.models.registry)
        let loaded = try server.models.registry.acquire(name: "tiny", version: 0)
        server.models.registry.release(loaded)
        let atLoad = loaded.memoryBytes

        // 128 texts of 64 tokens: 8,192 tokens. In one pass that is about 8 MB of scratch for this
        // tiny model (0.5 GB for MiniLM at 32,768 tokens); in 256-token batches about 0.3 MB.
        let long = String(repeating: "where is my order ", count: 20)
        let large = try await inference.embed(
            name: "tiny", version: 0, texts: Array(repeating: long, count: 128),
            truncate: true, deadline: nil)
        #expect(large.tokenCounts == Array(repeating: 64, count: 128))
        #expect(large.timings.batchSequences == 4)
        let afterLarge = loaded.memoryBytes
        #expect(afterLarge - atLoad < 1 << 20, "scratch after an 8,192-token request: \(afterLarge - atLoad) bytes")

        for _ in 0..<40 {
            _ = try await inference.embed(name: "tiny", version: 0, texts: ["hello"], truncate: true, deadline: nil)
        }
        let afterSmall = loaded.memoryBytes
        #expect(
            afterSmall - atLoad < 64 << 10, "scratch kept once small requests are typical: \(afterSmall - atLoad) bytes"
        )
        await server.stop()
    }
}
