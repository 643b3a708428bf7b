import Foundation
import QuantServe
import QuantServeAPI
import QuantServeGRPC
import QuantServeTestSupport
import QuantServeTransformer
import Testing

/// Hot swap while traffic flows: no failed call, every response names one version and carries
/// that version's embedding.
@Suite(.tags(.loopback)) struct HotSwapTests {
    @Test(.timeLimit(.minutes(3)))
    func swapsUnderLoadFailNoCall() async throws {
        let repository = try ModelTestServer.temporaryRepository()
        try TinyModel.write(name: "tiny", version: 1, seed: 1, into: repository)
        try TinyModel.write(name: "tiny", version: 2, seed: 2, into: repository)
        let text = "where is my order"
        var offline: [UInt64: [Float]] = [:]
        for version: UInt64 in [1, 2] {
            let encoder = try BertEncoder(
                modelDirectory: repository.appendingPathComponent("tiny/\(version)"), pool: ModelTestServer.pool)
            offline[version] = try encoder.embed([encoder.tokenize(text, truncate: true)])[0]
        }
        let expected = offline
        #expect(expected[1] != expected[2], "the two versions must give different embeddings")

        let server = try await ModelTestServer.start(repository: repository, defaultModel: "tiny")
        await server.models.loadRepository()
        let admin = try await server.client()
        // loadRepository served the newest (2); load 1 beside it and make it serve.
        _ = try await admin.admin(
            ModelRegistryMethods.loadModel, LoadModelRequest(name: "tiny", version: 1, serve: true),
            LoadModelResponse.self)

        let stop = Flag()
        let tally = Tally()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<8 {
                group.addTask {
                    let client = try await server.client()
                    while !stop.isSet {
                        do {
                            let response = try await client.embed([text])
                            let version = response.model?.version ?? 0
                            tally.record(
                                version: version, matches: response.embeddings.first?.values == expected[version])
                        } catch {
                            tally.recordFailure("\(error)")
                        }
                    }
                    await client.close()
                }
            }
            for swap in 0..<24 {
                // Traffic between swaps: a few more answers (or failures) have come back.
                #expect(await tally.waitForAnswers(beyond: tally.answers + 4))
                let version: UInt64 = swap % 2 == 0 ? 2 : 1
                _ = try await admin.admin(
                    ModelRegistryMethods.serveVersion, ServeVersionRequest(name: "tiny", version: version),
                    ServeVersionResponse.self)
            }
            // Version 1 serves after an even number of swaps; unload 2 while traffic flows.
            _ = try await admin.admin(
                ModelRegistryMethods.unloadModel, UnloadModelRequest(name: "tiny", version: 2), UnloadModelResponse.self
            )
            #expect(await tally.waitForAnswers(beyond: tally.answers + 16))
            stop.set()
            try await group.waitForAll()
        }
        await admin.close()
        await server.stop()

        #expect(tally.failures.isEmpty, "failed calls: \(tally.failures.prefix(5))")
        #expect(tally.mismatches == 0, "responses whose embedding is not the named version's")
        #expect(Set(tally.versions.keys).isSubset(of: [1, 2]))
        #expect(
            tally.versions[1, default: 0] > 0 && tally.versions[2, default: 0] > 0,
            "both versions served: \(tally.versions)")
        #expect(server.models.registry.list(name: "tiny").first?.versions.map(\.version) == [1])
    }

    final class Flag: @unchecked Sendable {
        private let lock = NSLock()
        private var value = false
        var isSet: Bool { lock.withLock { value } }
        func set() { lock.withLock { value = true } }
    }

    /// The answers the callers got, by version; every answer wakes the test waiting for traffic.
    final class Tally: Sendable {
        struct Counts: Sendable {
            var versions: [UInt64: Int] = [:]
            var mismatches = 0
            var failures: [String] = []
            var answers = 0
        }

        private let counts = Observed(Counts())
        var versions: [UInt64: Int] { counts.value.versions }
        var mismatches: Int { counts.value.mismatches }
        var failures: [String] { counts.value.failures }
        /// Calls answered so far, successfully or not.
        var answers: Int { counts.value.answers }

        func record(version: UInt64, matches: Bool) {
            counts.update {
                $0.versions[version, default: 0] += 1
                if !matches { $0.mismatches += 1 }
                $0.answers += 1
            }
        }
        func recordFailure(_ message: String) {
            counts.update {
                $0.failures.append(message)
                $0.answers += 1
            }
        }

        /// Waits until more than `count` calls were answered.
        func waitForAnswers(beyond count: Int) async -> Bool {
            await counts.wait { $0.answers > count }
        }
    }
}
