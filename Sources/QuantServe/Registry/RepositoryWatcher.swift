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
        await registry.loadFromRepository(logger: logger) { name, complete in
            let known = registry.knownVersions(of: name)
            let failed = registry.failedVersions(of: name)
            let modelFolder = registry.repository.appendingPathComponent(name)
            return complete.filter { version in
                guard known.contains(version) else { return true }
                guard let attempted = failed[version] else { return false }
                return VersionFolderSignature(of: modelFolder.appendingPathComponent(String(version))) != attempted
            }
        }
    }
}
