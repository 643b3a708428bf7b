import Foundation
import Testing

@testable import QuantServe

@Suite struct ModelRegistryTests {
    /// A repository with versions 1-3 of model "m"; version 3's folder holds a BROKEN marker.
    static func makeRepository() throws -> URL {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("registry-\(UUID())")
        for version in 1...3 {
            try FileManager.default.createDirectory(
                at: root.appendingPathComponent("m/\(version)"), withIntermediateDirectories: true)
        }
        try Data("x".utf8).write(to: root.appendingPathComponent("m/3/BROKEN"))
        return root
    }

    static func makeRegistry(_ root: URL, changes: ServingLog = ServingLog(), allowsOutside: Bool = false)
        -> ModelRegistry
    {
        ModelRegistry(
            repository: root, defaultModel: "m", schedulerConfiguration: .init(),
            allowsPathsOutsideRepository: allowsOutside,
            loader: { directory in
                if FileManager.default.fileExists(atPath: directory.appendingPathComponent("BROKEN").path) {
                    throw LoadFailure()
                }
                return CountingEngine(seed: Float(directory.lastPathComponent)!)
            }, servingChanged: { name, serving in changes.append(name, serving) })
    }

    struct LoadFailure: Error, CustomStringConvertible {
        var description: String { "checksum mismatch for model.safetensors" }
    }

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
        await #expect(
            throws: RegistryError.missingDirectory(path: registry.repository.appendingPathComponent("m/9").path)
        ) {
            try await registry.load(name: "m", version: 9, serve: true)
        }
        await #expect(throws: RegistryError.invalidName("../etc")) {
            try await registry.load(name: "../etc", version: 1, serve: true)
        }
    }

    @Test func anUnloadedVersionIsFreedWhenItsLastRequestEnds() async throws {
        let registry = Self.makeRegistry(try Self.makeRepository())
        try await registry.load(name: "m", version: 1, serve: true)
        try await registry.load(name: "m", version: 2, serve: false)
        weak var weakVersion: LoadedVersion?
        do {
            let held = try registry.acquire(name: "m", version: 2, access: .anyReady)
            weakVersion = held
            try registry.unload(name: "m", version: 2)
            #expect(registry.list().first?.versions.first { $0.version == 2 }?.state == .unloading)
            #expect(throws: RegistryError.self) { try registry.acquire(name: "m", version: 2, access: .anyReady) }
            #expect(weakVersion != nil, "a version must stay alive while a request holds it")
            registry.release(held)
        }
        #expect(weakVersion == nil, "the unloaded version must be freed after its last request")
        #expect(registry.list().first?.versions.map(\.version) == [1])
    }
}

/// The registry reads only inside its repository, and a READY version that is not serving
/// answers only admin-authorized (`.anyReady`) requests.
@Suite struct ModelRegistryConfinementTests {
    @Test func loadModelPathsOutsideTheRepositoryAreRefused() async throws {
        let root = try ModelRegistryTests.makeRepository()
        let outside = try ModelRegistryTests.makeRepository()
        let registry = ModelRegistryTests.makeRegistry(root)
        let elsewhere = outside.appendingPathComponent("m/1").path
        for path in [elsewhere, root.path + "/m/../../" + outside.lastPathComponent + "/m/1"] {
            let error = await #expect(throws: RegistryError.self) {
                try await registry.load(name: "m", version: 1, path: path, serve: true)
            }
            guard case .outsideRepository = error else {
                Issue.record("\(path): expected outsideRepository, got \(String(describing: error))")
                continue
            }
            #expect(error?.description.contains("--allow-model-path-outside-repository") == true)
        }
        #expect(registry.list().isEmpty, "a refused path leaves no trace in the listing")
        // A version folder the operator linked into the repository loads by name, not as a caller's path.
        try FileManager.default.createSymbolicLink(
            atPath: root.appendingPathComponent("m/7").path, withDestinationPath: elsewhere)
        await #expect(throws: RegistryError.self) {
            try await registry.load(name: "m", version: 7, path: root.appendingPathComponent("m/7").path, serve: false)
        }
        try await registry.load(name: "m", version: 7, serve: false)
        // Inside the repository, by path or by name, loads work.
        try await registry.load(name: "m", version: 2, path: root.path + "/m/./2", serve: true)
        #expect(registry.list().first?.versions.first?.path == root.resolvingSymlinksInPath().path + "/m/2")

        let permissive = ModelRegistryTests.makeRegistry(root, allowsOutside: true)
        try await permissive.load(name: "m", version: 1, path: elsewhere, serve: true)
        #expect(try permissive.acquire(name: "m", version: 0).version == 1)
    }

    @Test func aReadyVersionThatIsNotServingAnswersOnlyAdminAccess() async throws {
        let registry = ModelRegistryTests.makeRegistry(try ModelRegistryTests.makeRepository())
        try await registry.load(name: "m", version: 1, serve: true)
        try await registry.load(name: "m", version: 2, serve: false)
        #expect(throws: RegistryError.notServing(name: "m", version: 2, serving: 1)) {
            try registry.acquire(name: "m", version: 2)
        }
        let canary = try registry.acquire(name: "m", version: 2, access: .anyReady)
        #expect(canary.version == 2)
        registry.release(canary)
        let pinned = try registry.acquire(name: "m", version: 1)
        #expect(pinned.version == 1, "the serving version may be named by number")
        registry.release(pinned)
        #expect(RegistryError.notServing(name: "m", version: 2, serving: 1).rpcErrorCode == .permissionDenied)
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

        // The operator fixes the folder: the next scan retries it, and it serves.
        try FileManager.default.removeItem(at: root.appendingPathComponent("m/3/BROKEN"))
        #expect(await watcher.scan().map(\.version) == [3], "a failed version is retried once its files change")
        #expect(registry.list().first?.servingVersion == 3)
        #expect(await watcher.scan().isEmpty)
    }

    @Test func aFailedVersionIsRetriedWhenAFileIsRewrittenNotOtherwise() async throws {
        let root = try ModelRegistryTests.makeRepository()
        let registry = ModelRegistryTests.makeRegistry(root)
        let watcher = RepositoryWatcher(registry: registry, interval: .milliseconds(10), logger: .init(label: "test"))
        let broken = root.appendingPathComponent("m/3/BROKEN")
        try Data("{}".utf8).write(to: root.appendingPathComponent("m/3/quantserve.json"))
        try FileManager.default.setAttributes(
            [.modificationDate: Date(timeIntervalSinceNow: -3600)], ofItemAtPath: broken.path)
        #expect(await watcher.scan().isEmpty)
        #expect(registry.failedVersions(of: "m").keys.sorted() == [3])
        #expect(await watcher.scan().isEmpty, "an unchanged failed folder is not retried")
        // Rewritten in place (still broken): retried once, fails again, then left alone.
        try Data("still broken".utf8).write(to: broken)
        #expect(await watcher.scan().isEmpty)
        #expect(registry.list().first?.versions.first { $0.version == 3 }?.state == .failed)
        #expect(await watcher.scan().isEmpty)
        #expect(registry.failedVersions(of: "m").keys.sorted() == [3])
    }
}
