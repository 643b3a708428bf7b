import Foundation

/// A model version folder read for loading: the manifest, then every file it lists, each read
/// once by `RegularFile` (regular files only, symbolic links refused, a size limit per kind of
/// file) and checked against the manifest's SHA-256. The bytes kept are the bytes that were
/// hashed, so what the loader parses is exactly what was verified; a file replaced or rewritten
/// on disk afterwards changes nothing, and one changed while it is read fails the load.
public struct VerifiedModelFolder: Sendable {
    /// The largest `quantserve.json` read.
    public static let maximumManifestBytes = 16 << 20
    /// The largest tokenizer file (tokenizer.json or vocab.txt) read.
    public static let maximumTokenizerBytes = 64 << 20
    /// The largest `model.safetensors` read (and never more than half the machine's memory: the
    /// file's bytes and the weights built from them are both held while the version loads).
    public static let maximumWeightsBytes = 16 << 30
    /// The largest other file a manifest lists (verified, then dropped).
    public static let maximumOtherFileBytes = 64 << 20

    /// Which of the listed files are read and verified.
    public enum Scope: Sendable {
        /// Every file the manifest lists.
        case wholeModel
        /// The tokenizer file alone (for tokenizing without the weights).
        case tokenizerOnly
    }

    /// The folder the files were read from.
    public let directory: URL
    /// The validated manifest.
    public let manifest: ModelManifest
    private let contents: [String: [UInt8]]

    /// Reads and verifies the folder at `directory`.
    public init(directory: URL, scope: Scope = .wholeModel) throws {
        self.directory = directory
        manifest = try ModelManifest.load(from: directory)
        let names = scope == .wholeModel ? manifest.files.keys.sorted() : [manifest.tokenizer.file]
        var contents: [String: [UInt8]] = [:]
        for name in names {
            guard let expected = manifest.files[name] else {
                throw ModelError.invalidManifest("files lists no checksum for \(name)")
            }
            let bytes = try RegularFile.bytes(
                of: directory.appendingPathComponent(name), limit: Self.limit(for: name, manifest),
                symlinks: .refuse)
            let actual = FileDigest.sha256(of: bytes)
            guard actual == expected.lowercased() else {
                throw ModelError.checksumMismatch(file: name, expected: expected, actual: actual)
            }
            if name == ModelManifest.weightsFileName || name == manifest.tokenizer.file
                || name == manifest.knowledgeBase?.file
            {
                contents[name] = bytes
            }
        }
        self.contents = contents
    }

    /// The verified bytes of `name` (the weights, the tokenizer or the knowledge base file).
    public func bytes(of name: String) throws -> [UInt8] {
        guard let bytes = contents[name] else {
            throw ModelError.missingFile(directory.appendingPathComponent(name).path)
        }
        return bytes
    }

    private static func limit(for name: String, _ manifest: ModelManifest) -> Int {
        switch name {
        case ModelManifest.weightsFileName: min(maximumWeightsBytes, Int(ProcessInfo.processInfo.physicalMemory / 2))
        case manifest.tokenizer.file: maximumTokenizerBytes
        default: maximumOtherFileBytes
        }
    }
}
