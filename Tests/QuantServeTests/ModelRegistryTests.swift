import Foundation
import Testing
@testable import QuantServe

@Suite struct ModelRegistryTests {
    /// A repository with versions 1-3 of model "m"; version 3's folder holds a BROKEN marker.
    static func makeRepository() throws -> URL {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("registry-\(UUID())")
        for version in 1...3 {
            try FileManager.default.createDirectory(at: root.appendingPathComponent("m/\(version)"), withIntermediateDirectories: true)
        }
        try Data("x".utf8).write(to: root.appendingPathComponent("m/3/BROKEN"))
        return root
    }

    static func makeRegistry(_ root: URL, changes: ServingLog = ServingLog()) -> ModelRegistry {
        ModelRegistry(repository: root, defaultModel: "m", schedulerConfiguration: .init(), loader: { directory in
            if FileManager.default.fileExists(atPath: directory.appendingPathComponent("BROKEN").path) {
                throw LoadFailure()
            }
            return CountingEngine(seed: Float(directory.lastPathComponent)!)
        }, servingChanged: { name, serving in changes.append(name, serving) })
    }

    struct LoadFailure: Error, CustomStringConvertible { var description: String { "checksum mismatch for model.safetensors" } }

    final class ServingLog: @unchecked Sendable {
        private let lock = NSLock()
        private var entries: [String] = []
        func append(_ name: String, _ serving: Bool) { lock.withLock { entries.append("\(name):\(serving)") } }
        var all: [String] { lock.withLock { entries } }
    }

    @Test func loadServeSwapAndRollBack() async throws {
        let root = try Self.makeRepository()
        let log = ServingLog()
        let registry = Self.makeRegistry(root, changes: log)
        try await registry.load(name: "m", version: 1, serve: true)
        try await registry.load(name: "m", version: 2, serve: false)
        #expect(registry.list().first?.servingVersion == 1)
        var held = try registry.acquire(name: "", version: 0)
        #expect(held.version == 1)
        registry.release(held)
        try registry.serve(name: "m", version: 2)
        held = try registry.acquire(name: "m", version: 0)
        #expect(held.version == 2)
        registry.release(held)
        try registry.serve(name: "m", version: 1)
        #expect(registry.list().first?.versions.map(\.state) == [.serving, .ready])
        #expect(log.all == ["m:true", "m:true", "m:true"])
    }

    @Test func aFailedLoadLeavesTheServingVersionAndIsListed() async throws {
        let registry = Self.makeRegistry(try Self.makeRepository())
        try await registry.load(name: "m", version: 1, serve: true)
        await #expect(throws: RegistryError.self) { try await registry.load(name: "m", version: 3, serve: true) }
        let status = try #require(registry.list().first)
        #expect(status.servingVersion == 1)
        let failed = try #require(status.versions.first { $0.version == 3 })
        #expect(failed.state == .failed)
        #expect(failed.error?.contains("checksum mismatch") == true)
        #expect(try registry.acquire(name: "m", version: 0).version == 1)
    }

    @Test func missingFolderIsNotFound() async throws {
        let registry = Self.makeRegistry(try Self.makeRepository())
        await #expect(throws: RegistryError.missingDirectory(path: registry.repository.appendingPathComponent("m/9").path)) {
            try await registry.load(name: "m", version: 9, serve: true)
        }
        await #expect(throws: RegistryError.invalidName("../etc")) { try await registry.load(name: "../etc", version: 1, serve: true) }
    }

    @Test func anUnloadedVersionIsFreedWhenItsLastRequestEnds() async throws {
        let registry = Self.makeRegistry(try Self.makeRepository())
        try await registry.load(name: "m", version: 1, serve: true)
        try await registry.load(name: "m", version: 2, serve: false)
        weak var weakVersion: LoadedVersion?
        do {
            let held = try registry.acquire(name: "m", version: 2)
            weakVersion = held
            try registry.unload(name: "m", version: 2)
            #expect(registry.list().first?.versions.first { $0.version == 2 }?.state == .unloading)
            #expect(throws: RegistryError.self) { try registry.acquire(name: "m", version: 2) }
            #expect(weakVersion != nil, "a version must stay alive while a request holds it")
            registry.release(held)
        }
        #expect(weakVersion == nil, "the unloaded version must be freed after its last request")
        #expect(registry.list().first?.versions.map(\.version) == [1])
    }
}

@Suite struct RepositoryWatcherTests {
    @Test func loadsCompleteNewVersionsAndServesTheNewest() async throws {
        let root = try ModelRegistryTests.makeRepository()
        let registry = ModelRegistryTests.makeRegistry(root)
        let watcher = RepositoryWatcher(registry: registry, interval: .milliseconds(10), logger: .init(label: "test"))
        #expect(await watcher.scan().isEmpty, "folders without a manifest are incomplete")
        for version in [1, 2] {
            try Data("{}".utf8).write(to: root.appendingPathComponent("m/\(version)/quantserve.json"))
        }
        let loaded = await watcher.scan()
        #expect(loaded.map(\.version) == [1, 2])
        #expect(registry.list().first?.servingVersion == 2)
        try Data("{}".utf8).write(to: root.appendingPathComponent("m/3/quantserve.json"))
        #expect(await watcher.scan().isEmpty, "a broken version is not loaded")
        #expect(await watcher.scan().isEmpty, "and is not retried on every scan")
        #expect(registry.list().first?.servingVersion == 2)
    }
}
