import Foundation
import QuantServe
import QuantServeAPI
import QuantServeGRPC
import QuantServeTestSupport
import Testing

/// Bad versions are refused with a clear status while the serving version keeps answering;
/// admin calls need the token (or a loopback peer when there is none).
@Suite(.tags(.loopback)) struct ModelAdministrationTests {
    /// Writes tiny version `version`, then breaks it with `damage`.
    static func brokenVersion(_ version: UInt64, in repository: URL, damage: (URL) throws -> Void) throws {
        let folder = try TinyModel.write(name: "tiny", version: version, seed: version, into: repository)
        try damage(folder)
    }

    @Test(.timeLimit(.minutes(2)))
    func corruptVersionsFailToLoadAndTheServingVersionKeepsAnswering() async throws {
        let repository = try ModelTestServer.temporaryRepository()
        try TinyModel.write(name: "tiny", version: 1, seed: 1, into: repository)
        let files = FileManager.default
        try Self.brokenVersion(2, in: repository) { folder in  // truncated weights
            let url = folder.appendingPathComponent("model.safetensors")
            let data = try Data(contentsOf: url)
            try data.prefix(data.count / 2).write(to: url)
        }
        try Self.brokenVersion(3, in: repository) { folder in  // a checksum that does not match
            let url = folder.appendingPathComponent("vocab.txt")
            try (String(contentsOf: url, encoding: .utf8) + "extra\n").write(to: url, atomically: true, encoding: .utf8)
        }
        try Self.brokenVersion(4, in: repository) { folder in  // no tokenizer
            try files.removeItem(at: folder.appendingPathComponent("vocab.txt"))
        }
        try Self.brokenVersion(5, in: repository) { folder in  // shapes that do not fit the config
            let url = folder.appendingPathComponent("quantserve.json")
            let manifest = try String(contentsOf: url, encoding: .utf8)
            try manifest.replacingOccurrences(of: "\"intermediate\" : 64", with: "\"intermediate\" : 96")
                .replacingOccurrences(of: "\"intermediate\":64", with: "\"intermediate\":96")
                .write(to: url, atomically: true, encoding: .utf8)
        }

        let server = try await ModelTestServer.start(repository: repository, defaultModel: "tiny")
        let client = try await server.client()
        _ = try await client.admin(
            ModelRegistryMethods.loadModel, LoadModelRequest(name: "tiny", version: 1, serve: true),
            LoadModelResponse.self)
        let before = try await client.embed(["hello world"])

        for version: UInt64 in 2...5 {
            do {
                _ = try await client.admin(
                    ModelRegistryMethods.loadModel, LoadModelRequest(name: "tiny", version: version, serve: true),
                    LoadModelResponse.self)
                Issue.record("broken version \(version) loaded")
            } catch let error as RPCError {
                #expect(error.code == .invalidArgument, "version \(version): \(error)")
                #expect(
                    error.message.contains("version \(version) failed to load"), "version \(version): \(error.message)")
            }
            let after = try await client.embed(["hello world"])
            #expect(after == before, "the serving version must keep answering after version \(version) failed")
        }
        let listed = try await client.admin(
            ModelRegistryMethods.listModels, ListModelsRequest(name: "tiny"), ListModelsResponse.self)
        let states = Dictionary(uniqueKeysWithValues: (listed.models.first?.versions ?? []).map { ($0.version, $0) })
        #expect(states[1]?.state == .serving)
        for version: UInt64 in 2...5 {
            #expect(states[version]?.state == .failed)
            #expect(states[version]?.error.isEmpty == false)
        }
        let missing = await statusCode {
            try await client.admin(
                ModelRegistryMethods.loadModel, LoadModelRequest(name: "tiny", version: 77), LoadModelResponse.self)
        }
        #expect(missing == .notFound)
        await client.close()
        await server.stop()
    }

    @Test(.timeLimit(.minutes(2)))
    func adminCallsNeedTheToken() async throws {
        let repository = try ModelTestServer.temporaryRepository()
        try TinyModel.write(name: "tiny", version: 1, seed: 1, into: repository)
        let server = try await ModelTestServer.start(repository: repository, defaultModel: "tiny", adminToken: "s3cret")
        let client = try await server.client()
        let request = ListModelsRequest()
        #expect(
            await statusCode {
                try await client.admin(ModelRegistryMethods.listModels, request, ListModelsResponse.self)
            } == .unauthenticated)
        #expect(
            await statusCode {
                try await client.admin(
                    ModelRegistryMethods.listModels, request, ListModelsResponse.self, token: "wrong")
            } == .permissionDenied)
        #expect(
            await statusCode {
                try await client.admin(
                    ModelRegistryMethods.listModels, request, ListModelsResponse.self, token: "s3cret")
            } == nil)
        await client.close()
        await server.stop()
    }

    @Test func withoutATokenOnlyLoopbackPeersMayAdminister() throws {
        let open = AdminAuthorization(token: nil)
        let method = ModelRegistryMethods.listModels
        let remote = ServerContext(
            method: method, metadata: [:], deadline: nil,
            peer: PeerAddress(description: "ipv4:10.1.2.3:5555", isLoopback: false))
        #expect(throws: RPCError.self) { try open.check(remote) }
        do { try open.check(remote) } catch let error as RPCError { #expect(error.code == .permissionDenied) }
        let local = ServerContext(
            method: method, metadata: [:], deadline: nil,
            peer: PeerAddress(description: "ipv4:127.0.0.1:5555", isLoopback: true))
        try open.check(local)
        let guarded = AdminAuthorization(token: "t")
        var bearer = Metadata()
        bearer.add("authorization", "Bearer t")
        try guarded.check(
            ServerContext(method: method, metadata: bearer, deadline: nil, peer: remote.peer, transportIsSecure: true))
    }
}
