import Foundation
import Logging

/// Polls the model repository and loads each new version folder once it is complete (its
/// manifest, `quantserve.json`, is written last), as TF Serving's file system poller does.
/// A new version that is higher than the serving one becomes the serving version. A FAILED
/// version is tried again when its folder changes (a file added, removed, replaced or rewritten:
/// `VersionFolderSignature`), never on every scan.
public struct RepositoryWatcher: Sendable {
    /// The file whose presence marks a version folder as complete.
    public static let completionMarker = "quantserve.json"

    public let registry: ModelRegistry
    public let interval: Duration
    public let logger: Logger

    public init(registry: ModelRegistry, interval: Duration, logger: Logger) {
        self.registry = registry
        self.interval = interval
        self.logger = logger
    }

    /// Scans every `interval` until the task is cancelled.
    public func run() async {
        while !Task.isCancelled {
            await scan()
            try? await Task.sleep(for: interval)
        }
    }

    /// Loads every complete version folder the registry does not know yet, and every FAILED one
    /// whose folder changed since its last attempt; returns what it loaded.
    @discardableResult
    public func scan() async -> [(name: String, version: UInt64)] {
        var loaded: [(name: String, version: UInt64)] = []
        for (name, version) in versionsToLoad() {
            let serving = registry.list(name: name).first?.servingVersion ?? 0
            do {
                try await registry.load(name: name, version: version, serve: version > serving)
                logger.info("loaded a version found in the repository", metadata: ["model": "\(name)", "version": "\(version)"])
                loaded.append((name, version))
            } catch {
                logger.error("a version found in the repository failed to load; it is tried again when its files change",
                             metadata: ["model": "\(name)", "version": "\(version)", "error": "\(error)"])
            }
        }
        return loaded
    }

    private func versionsToLoad() -> [(String, UInt64)] {
        var found: [(String, UInt64)] = []
        for name in registry.repositoryModelNames() {
            let modelFolder = registry.repository.appendingPathComponent(name)
            let known = registry.knownVersions(of: name)
            let failed = registry.failedVersions(of: name)
            for version in registry.completeVersions(of: name) {
                let folder = modelFolder.appendingPathComponent(String(version))
                if !known.contains(version) {
                    found.append((name, version))
                } else if let attempted = failed[version], VersionFolderSignature(of: folder) != attempted {
                    found.append((name, version))
                }
            }
        }
        return found.sorted { ($0.0, $0.1) < ($1.0, $1.1) }
    }
}
