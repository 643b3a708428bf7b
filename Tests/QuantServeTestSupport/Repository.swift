import Foundation

/// The repository the tests run in: its root folder and the files tests read from it.
public enum Repository {
    /// The repository's root folder, found from this file's path (Tests/QuantServeTestSupport/…).
    public static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// A file or folder given relative to the root, e.g. `"Tests/Data/held-out-intents.json"`.
    public static func file(_ relativePath: String) -> URL {
        root.appendingPathComponent(relativePath)
    }

    /// A script of `Tests/Python`.
    public static func pythonScript(_ name: String) -> URL {
        file("Tests/Python/\(name)")
    }
}

/// A fresh, empty folder of its own under the system's temporary folder, so that tests running
/// in parallel never share files. The caller removes it (`remove()`), or leaves it to the system.
public struct TemporaryDirectory: Sendable {
    public let url: URL

    /// Creates `<tmp>/<prefix>-<uuid>`.
    public init(prefix: String = "quantserve-test") throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    /// A path inside the folder.
    public func appendingPathComponent(_ component: String) -> URL {
        url.appendingPathComponent(component)
    }

    /// Removes the folder and everything in it.
    public func remove() {
        try? FileManager.default.removeItem(at: url)
    }
}
